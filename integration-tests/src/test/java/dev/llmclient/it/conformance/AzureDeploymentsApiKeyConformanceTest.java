package dev.llmclient.it.conformance;

import dev.llmclient.api.spi.EmbeddingBackend;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.azure.AzureOpenAiProvider;
import dev.llmclient.core.LlmClients;
import dev.llmclient.it.secrets.Canary;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * provider-azure on the deployment route ({@code /openai/deployments/{d}/...?api-version=
 * 2024-10-21}) against the official Azure 2024-10-21 spec, with an {@code api-key}.
 */
class AzureDeploymentsApiKeyConformanceTest extends ConformanceContract {

  @Override
  PrismMock.Spec spec() {
    return PrismMock.Spec.AZURE;
  }

  Map<String, String> settings() {
    Map<String, String> s = new LinkedHashMap<>();
    s.put(AzureOpenAiProvider.ENDPOINT, prism.baseUri().toString());
    s.put(AzureOpenAiProvider.API_KEY, Canary.API_KEY);
    s.put(AzureOpenAiProvider.EMBEDDING_DEPLOYMENT_NAME, "text-embedding-3-small");
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
}
