package dev.llmclient.azure;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The dependency rules of docs/ARCHITECTURE.md for provider-azure, enforced at build time. */
class ArchitectureTest {

  private static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.llmclient.azure");

  @Test
  void providerCodeNeverUsesTheCoreOrTheTestKit() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.llmclient.core..", "dev.llmclient.testkit..")
        .because("providers declare llm-core only so users add one artifact (docs/ARCHITECTURE.md)")
        .check(MAIN);
  }

  @Test
  void azureIdentityIsOnlyReachedByReflectionSoTheJarWorksWithoutIt() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("com.azure..")
        .because("azure-identity is optional; api-key users must not need it")
        .check(MAIN);
  }
}
