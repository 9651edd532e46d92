package dev.llmclient.it.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmclient.api.spi.EmbeddingBackend;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.core.LlmClients;
import dev.llmclient.it.secrets.Canary;
import java.util.Map;

/**
 * provider-azure on the v1 route with an Entra ID bearer token, validated against the OpenAI spec.
 */
class AzureV1BearerConformanceTest extends AzureV1Conformance {
  @Override
  LlmClients.Builder clientBuilder(Map<String, String> extraSettings) {
    Map<String, String> s = settings();
    s.putAll(extraSettings);
    ProviderSettings settings = ProviderSettings.of(s);
    return LlmClients.builder()
        .settings(settings)
        .backend(AzureDeploymentsBearerConformanceTest.tokenProvider().createChatBackend(settings));
  }

  @Override
  EmbeddingBackend embeddingBackend(String model) {
    return AzureDeploymentsBearerConformanceTest.tokenProvider()
        .createEmbeddingBackend(ProviderSettings.of(settings()));
  }

  @Override
  void checkLastRequest() {
    super.checkLastRequest();
    assertThat(bridge.lastHeaders())
        .containsEntry("authorization", "Bearer " + Canary.BEARER_TOKEN);
    assertThat(bridge.lastHeaders()).doesNotContainKey("api-key");
  }
}
