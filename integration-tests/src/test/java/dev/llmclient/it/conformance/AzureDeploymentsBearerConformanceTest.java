package dev.llmclient.it.conformance;

import dev.llmclient.api.spi.EmbeddingBackend;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.azure.AzureAccessToken;
import dev.llmclient.azure.AzureOpenAiProvider;
import dev.llmclient.core.LlmClients;
import dev.llmclient.it.secrets.Canary;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * provider-azure on the deployment route against the official Azure 2024-10-21 spec, with an Entra
 * ID bearer token from a token source (no key at all).
 */
class AzureDeploymentsBearerConformanceTest extends ConformanceContract {

  static AzureOpenAiProvider tokenProvider() {
    return new AzureOpenAiProvider(
        scope ->
            CompletableFuture.completedFuture(
                new AzureAccessToken(
                    Canary.BEARER_TOKEN, Instant.now().plus(1, ChronoUnit.HOURS))));
  }

  @Override
  PrismMock.Spec spec() {
    return PrismMock.Spec.AZURE;
  }

  Map<String, String> settings() {
    Map<String, String> s = new LinkedHashMap<>();
    s.put(AzureOpenAiProvider.ENDPOINT, prism.baseUri().toString());
    s.put(AzureOpenAiProvider.EMBEDDING_DEPLOYMENT_NAME, "text-embedding-3-small");
    return s;
  }

  @Override
  LlmClients.Builder clientBuilder(Map<String, String> extraSettings) {
    Map<String, String> s = settings();
    s.putAll(extraSettings);
    ProviderSettings settings = ProviderSettings.of(s);
    return LlmClients.builder()
        .settings(settings)
        .backend(tokenProvider().createChatBackend(settings));
  }

  @Override
  EmbeddingBackend embeddingBackend(String model) {
    return tokenProvider().createEmbeddingBackend(ProviderSettings.of(settings()));
  }
}
