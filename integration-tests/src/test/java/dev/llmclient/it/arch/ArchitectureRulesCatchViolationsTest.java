package dev.llmclient.it.arch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import dev.llmclient.api.archfixture.ApiClassUsingJackson;
import dev.llmclient.core.archfixture.CoreClassUsingProvider;
import dev.llmclient.core.archfixture.FaceLeakingInternals;
import dev.llmclient.core.archfixture.ProviderImpl;
import dev.llmclient.openai.archfixture.ProviderClass;
import org.junit.jupiter.api.Test;

/**
 * Proves each rule can fail: it is run over deliberately violating fixture classes (test sources in
 * the rules' own packages, left out of the production import) and must report them, naming the rule
 * in the failure.
 */
class ArchitectureRulesCatchViolationsTest {

  private final JavaClasses fixtures =
      new ClassFileImporter()
          .importClasses(
              ApiClassUsingJackson.class,
              CoreClassUsingProvider.class,
              ProviderClass.class,
              ProviderImpl.class,
              FaceLeakingInternals.class);

  @Test
  void anApiClassImportingJacksonFailsWithTheRuleNamed() {
    assertThatThrownBy(() -> ArchitectureRules.API_IS_PURE.check(fixtures))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("llm-api imports nothing outside java.*")
        .hasMessageContaining("com.fasterxml.jackson.databind.ObjectMapper");
  }

  @Test
  void aCoreClassImportingAProviderPackageFails() {
    assertThatThrownBy(
            () -> ArchitectureRules.CORE_NEVER_IMPORTS_PROVIDERS_OTEL_OR_HTTPCLIENT.check(fixtures))
        .hasMessageContaining("llm-core never imports a provider")
        .hasMessageContaining("ProviderClass");
  }

  @Test
  void aProviderClassImportingCoreFails() {
    assertThatThrownBy(() -> ArchitectureRules.PROVIDERS_NEVER_IMPORT_CORE.check(fixtures))
        .hasMessageContaining("never import its classes");
  }

  @Test
  void aCycleBetweenModulesFails() {
    assertThatThrownBy(() -> ArchitectureRules.NO_CYCLES_BETWEEN_MODULES.check(fixtures))
        .hasMessageContaining("Cycle detected");
  }

  @Test
  void optionalFieldsAndParametersFail() {
    assertThat(ArchitectureRules.NO_OPTIONAL_FIELDS.evaluate(fixtures).hasViolation()).isTrue();
    assertThat(ArchitectureRules.NO_OPTIONAL_PARAMETERS.evaluate(fixtures).hasViolation()).isTrue();
  }

  @Test
  void checkedExceptionsInPublicMethodsFail() {
    assertThatThrownBy(() -> ArchitectureRules.NO_CHECKED_EXCEPTIONS_IN_PUBLIC_API.check(fixtures))
        .hasMessageContaining("CoreClassUsingProvider.read");
  }

  @Test
  void implSuffixFails() {
    assertThatThrownBy(() -> ArchitectureRules.NO_IMPL_SUFFIX.check(fixtures))
        .hasMessageContaining("ProviderImpl");
  }

  @Test
  void aPublicSignatureShowingAnInternalTypeFails() {
    assertThatThrownBy(() -> ArchitectureRules.PUBLIC_FACE_HIDES_INTERNALS.check(fixtures))
        .hasMessageContaining("the public face (e.g. dev.llmclient.core) never shows")
        .hasMessageContaining("FaceLeakingInternals extends or implements")
        .hasMessageContaining("field dev.llmclient.core.archfixture.FaceLeakingInternals.helper")
        .hasMessageContaining(
            "return type of dev.llmclient.core.archfixture.FaceLeakingInternals.helpers()")
        .hasMessageContaining(
            "parameter of dev.llmclient.core.archfixture.FaceLeakingInternals.use(")
        .hasMessageNotContaining("hidden")
        .hasMessageNotContaining("allowed(");
  }
}
