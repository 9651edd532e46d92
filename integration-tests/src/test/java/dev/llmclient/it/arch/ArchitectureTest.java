package dev.llmclient.it.arch;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.io.IOException;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs every rule of {@link ArchitectureRules} over the production classes of every module, as they
 * are on this module's test classpath (the real module jars or class folders, never copies).
 */
class ArchitectureTest {

  private static JavaClasses production;

  @BeforeAll
  static void importProductionClasses() {
    production =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            // Test helpers shared through test-jars (e.g. OtelTestHarness) are not production.
            .withImportOption(location -> !location.contains("-tests.jar"))
            .importPackages("dev.llmclient");
  }

  @Test
  void theImportSeesTheRealModules() {
    // A rule over an empty import passes vacuously; make sure the modules are really there.
    assertThat(production.stream().map(ArchitectureRules::moduleOf).distinct())
        .as("modules imported from %s", locations())
        .contains("api", "core", "testkit", "openai", "azure", "otel");
    assertThat(production.containPackage("dev.llmclient.api.spi")).isTrue();
  }

  private static List<String> locations() {
    try {
      return Collections.list(ArchitectureTest.class.getClassLoader().getResources("dev/llmclient"))
          .stream()
          .map(Object::toString)
          .toList();
    } catch (IOException e) {
      return List.of(e.toString());
    }
  }

  static Stream<ArchRule> rules() {
    return ArchitectureRules.ALL.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rules")
  void productionCodeFollows(ArchRule rule) {
    rule.check(production);
  }
}
