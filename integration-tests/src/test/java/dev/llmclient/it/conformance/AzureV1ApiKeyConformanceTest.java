package dev.llmclient.it.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmclient.api.spi.EmbeddingBackend;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.azure.AzureOpenAiProvider;
import dev.llmclient.core.LlmClients;
import dev.llmclient.it.secrets.Canary;
import java.util.Map;

/**
 * provider-azure on the v1 route with an {@code api-key} header, validated against the OpenAI spec.
 */
class AzureV1ApiKeyConformanceTest extends AzureV1Conformance {
  @Override
  Map<String, String> settings() {
    Map<String, String> s = super.settings();
    s.put(AzureOpenAiProvider.API_KEY, Canary.API_KEY);
    return s;
  }

  @Override
  LlmClients.Builder clientBuilder(Map<String, String> extraSettings) {
    Map<String, String> s = settings();
    s.putAll(extraSettings);
    return LlmClients.builder().provider("azure").settings(ProviderSettings.of(s));
  }

  @Override
  EmbeddingBackend embeddingBackend(String model) {
    return new AzureOpenAiProvider().createEmbeddingBackend(ProviderSettings.of(settings()));
  }

  @Override
  void checkLastRequest() {
    super.checkLastRequest();
    assertThat(bridge.lastHeaders()).containsEntry("api-key", Canary.API_KEY);
    assertThat(bridge.lastHeaders()).doesNotContainKey("authorization");
  }
}
