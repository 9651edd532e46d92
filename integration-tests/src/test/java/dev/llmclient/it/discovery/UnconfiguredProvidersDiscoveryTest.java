package dev.llmclient.it.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmConfigurationException;
import dev.llmclient.core.LlmClients;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Runs in the Surefire execution {@code discovery-providers}: provider-openai and provider-azure on
 * the classpath, the test kit's always-configured fake provider excluded. This is also the
 * classpath of an application that depends on provider-azure alone, since provider-azure brings
 * provider-openai with it.
 */
class UnconfiguredProvidersDiscoveryTest {

  @Test
  void anAppWithOnlyAzureSettingsGetsTheAzureProviderThoughOpenAiIsOnTheClasspathToo() {
    Map<String, String> azure =
        Map.of(
            "AZURE_OPENAI_ENDPOINT", "https://example.openai.azure.com",
            "AZURE_OPENAI_API_KEY", "k",
            "AZURE_OPENAI_DEPLOYMENT_NAME", "gpt-4o");

    assertThat(LlmClients.describeProviders(Discovery.settings(azure)).selectedId())
        .contains("azure");
    try (LlmClient client = Discovery.build(azure)) {
      assertThat(client.toString()).contains("azure");
    }
  }

  @Test
  void aHalfConfiguredAzureProviderListsOnlyWhatIsStillMissing() {
    assertThatThrownBy(
            () ->
                Discovery.build(
                    Map.of("AZURE_OPENAI_ENDPOINT", "https://example.openai.azure.com")))
        .isExactlyInstanceOf(LlmConfigurationException.class)
        .hasMessageStartingWith(
            "No LLM provider is configured. Found: azure (missing: AZURE_OPENAI_API_KEY (or"
                + " AZURE_OPENAI_USE_MANAGED_IDENTITY=true)), openai (missing: OPENAI_API_KEY).");
  }

  @Test
  void withNothingConfiguredTheErrorListsWhatEachProviderMisses() {
    assertThatThrownBy(() -> Discovery.build(Map.of()))
        .isExactlyInstanceOf(LlmConfigurationException.class)
        .hasMessage(
            "No LLM provider is configured. Found: azure (missing: AZURE_OPENAI_ENDPOINT;"
                + " AZURE_OPENAI_API_KEY (or AZURE_OPENAI_USE_MANAGED_IDENTITY=true)), openai"
                + " (missing: OPENAI_API_KEY). Set the missing settings of the provider you want,"
                + " or select one with LLM_PROVIDER, -Dllm.provider or"
                + " LlmClients.builder().provider(id). [llmclient: none-configured]");
  }
}
