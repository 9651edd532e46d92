package dev.llmclient.micrometer;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/** tracing-micrometer's dependency rule of docs/ARCHITECTURE.md, and proof that it can fail. */
class MicrometerDependencyRuleTest {

  static final ArchRule ONLY_API_MICROMETER_AND_RESILIENCE4J =
      classes()
          .that()
          .resideInAPackage("dev.llmclient.micrometer..")
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage(
              "java..",
              "org.jspecify.annotations..",
              "dev.llmclient.api..",
              "dev.llmclient.micrometer..",
              "io.micrometer..",
              "io.github.resilience4j..")
          .because(
              "docs/ARCHITECTURE.md: tracing-micrometer imports only llm-api, Micrometer and"
                  + " resilience4j's Micrometer binding, never llm-core or a provider");

  @Test
  void theModulesMainCodeKeepsTheRule() {
    JavaClasses main =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.llmclient.micrometer");
    assertThat(main.contain(MicrometerTracing.class)).as("the import sees the module").isTrue();

    ONLY_API_MICROMETER_AND_RESILIENCE4J.check(main);
  }

  @Test
  void theRuleCatchesAClassThatReachesIntoTheCore() {
    JavaClasses violation = new ClassFileImporter().importClasses(ReachesIntoTheCore.class);

    assertThatThrownBy(() -> ONLY_API_MICROMETER_AND_RESILIENCE4J.check(violation))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("dev.llmclient.core.LlmClients");
  }

  /** A violation on purpose: tracing-micrometer code that uses llm-core. */
  static final class ReachesIntoTheCore {
    Object builder() {
      return dev.llmclient.core.LlmClients.builder();
    }
  }
}
