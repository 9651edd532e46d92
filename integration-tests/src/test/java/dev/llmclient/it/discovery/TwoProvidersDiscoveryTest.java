package dev.llmclient.it.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmConfigurationException;
import dev.llmclient.api.Message;
import dev.llmclient.testkit.FakeLlmProvider;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Runs in the Surefire execution {@code discovery-two}: the fake provider and provider-openai are
 * on the classpath (provider-azure is excluded).
 */
class TwoProvidersDiscoveryTest {

  @AfterEach
  void clearProperty() {
    System.clearProperty("llm.provider");
  }

  @Test
  void twoConfiguredProvidersWithoutASelectionAreAnError() {
    assertThatThrownBy(() -> Discovery.build(Map.of("OPENAI_API_KEY", "sk-test")))
        .isExactlyInstanceOf(LlmConfigurationException.class)
        .hasMessage(
            "Several LLM providers are configured: fake, openai. Select one with"
                + " LLM_PROVIDER=<id>, -Dllm.provider=<id> or LlmClients.builder().provider(id)."
                + " [llmclient: several-configured]");
  }

  @Test
  void anExplicitIdPicksOneOfSeveralConfiguredProviders() {
    FakeLlmProvider.script().reset().enqueueContent("{\"picked\":true}");

    try (LlmClient client =
        Discovery.build(Map.of("OPENAI_API_KEY", "sk-test", "LLM_PROVIDER", "fake"))) {
      assertThat(client.generateResponse(List.of(Message.user("q")))).containsEntry("picked", true);
    }
  }

  @Test
  void theBuilderIdWinsOverTheSystemPropertyWhichWinsOverTheEnvironment() {
    System.setProperty("llm.provider", "nope");
    FakeLlmProvider.script().reset().enqueueContent("{}");

    try (LlmClient client = Discovery.build("fake", Map.of("LLM_PROVIDER", "openai"))) {
      client.generateResponse(List.of(Message.user("q")));
    }
    assertThat(FakeLlmProvider.script().requests()).hasSize(1);
  }

  @Test
  void anExplicitlySelectedProviderThatIsNotConfiguredSaysWhatIsMissing() {
    assertThatThrownBy(() -> Discovery.build("openai", Map.of()))
        .isExactlyInstanceOf(LlmConfigurationException.class)
        .hasMessageStartingWith(
            "LLM provider 'openai' (from LlmClients.builder().provider(...)) is not configured."
                + " Missing: OPENAI_API_KEY")
        .hasMessageEndingWith("[llmclient: not-configured]");
  }

  @Test
  void anUnknownIdListsEveryProviderFoundInOrder() {
    assertThatThrownBy(() -> Discovery.build("azure", Map.of()))
        .isExactlyInstanceOf(LlmConfigurationException.class)
        .hasMessage(
            "LLM provider 'azure' (from LlmClients.builder().provider(...)) is not on the"
                + " classpath. Found: fake, openai. Fix the id or add the provider's artifact."
                + " [llmclient: unknown-provider]");
  }
}
