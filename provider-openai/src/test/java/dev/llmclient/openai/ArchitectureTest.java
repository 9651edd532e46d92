package dev.llmclient.openai;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The dependency rules of docs/ARCHITECTURE.md for provider-openai, enforced at build time. */
class ArchitectureTest {

  private static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.llmclient.openai");

  @Test
  void providerCodeNeverUsesTheCore() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.llmclient.core..")
        .because("providers declare llm-core only so users add one artifact (docs/ARCHITECTURE.md)")
        .check(MAIN);
  }

  @Test
  void openAiNeverUsesAzureOrTheTestKit() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.llmclient.azure..", "dev.llmclient.testkit..")
        .because("provider-openai must work alone and src/main never imports llm-testkit")
        .check(MAIN);
  }
}
