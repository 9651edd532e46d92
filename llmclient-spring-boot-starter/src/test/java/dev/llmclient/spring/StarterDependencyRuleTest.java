package dev.llmclient.spring;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/** The starter's dependency rules of docs/ARCHITECTURE.md, and proof that each can fail. */
class StarterDependencyRuleTest {

  static final ArchRule ONLY_THE_PUBLIC_FACE_SPRING_AND_TRACING =
      classes()
          .that()
          .resideInAPackage("dev.llmclient.spring..")
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage(
              "java..",
              "org.jspecify.annotations..",
              "dev.llmclient.api..",
              "dev.llmclient.core..",
              "dev.llmclient.otel..",
              "dev.llmclient.micrometer..",
              "dev.llmclient.spring..",
              "org.springframework..",
              "io.micrometer..",
              "io.opentelemetry.api..")
          .because(
              "docs/ARCHITECTURE.md: the starter builds clients through llm-core's public face and"
                  + " finds providers with ServiceLoader, so it imports no provider");

  static final ArchRule NO_INTERNALS =
      noClasses()
          .that()
          .resideInAPackage("dev.llmclient.spring..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dev.llmclient..internal..")
          .because("docs/ARCHITECTURE.md: ..internal.. packages are not used outside their module");

  private static JavaClasses main() {
    return new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.llmclient.spring");
  }

  @Test
  void theStartersMainCodeKeepsTheRules() {
    JavaClasses main = main();
    assertThat(main.contain(LlmClientProperties.class)).as("the import sees the module").isTrue();

    ONLY_THE_PUBLIC_FACE_SPRING_AND_TRACING.check(main);
    NO_INTERNALS.check(main);
  }

  @Test
  void theRulesCatchAProviderImportAndAnInternalType() {
    JavaClasses violation = new ClassFileImporter().importClasses(ReachesPastThePort.class);

    assertThatThrownBy(() -> ONLY_THE_PUBLIC_FACE_SPRING_AND_TRACING.check(violation))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("dev.llmclient.openai.OpenAiProvider");
    assertThatThrownBy(() -> NO_INTERNALS.check(violation))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("dev.llmclient.core.internal.runtime.Json");
  }

  /** A violation on purpose: starter code that names a provider and a core internal. */
  static final class ReachesPastThePort {
    Object provider() {
      return new dev.llmclient.openai.OpenAiProvider();
    }

    Object mapper() {
      return dev.llmclient.core.internal.runtime.Json.MAPPER;
    }
  }
}
