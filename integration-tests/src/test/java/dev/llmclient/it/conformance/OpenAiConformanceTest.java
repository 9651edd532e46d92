package dev.llmclient.it.conformance;

import dev.llmclient.api.spi.EmbeddingBackend;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.core.LlmClients;
import dev.llmclient.it.secrets.Canary;
import dev.llmclient.openai.OpenAiProvider;
import java.util.LinkedHashMap;
import java.util.Map;

/** provider-openai against the official OpenAI spec, with the key as a bearer token. */
class OpenAiConformanceTest extends ConformanceContract {

  @Override
  PrismMock.Spec spec() {
    return PrismMock.Spec.OPENAI;
  }

  private Map<String, String> settings() {
    Map<String, String> s = new LinkedHashMap<>();
    s.put(OpenAiProvider.API_KEY, Canary.API_KEY);
    s.put(OpenAiProvider.BASE_URL, prism.baseUri().toString());
    return s;
  }

  @Override
  LlmClients.Builder clientBuilder(Map<String, String> extraSettings) {
    Map<String, String> s = settings();
    s.putAll(extraSettings);
    return LlmClients.builder().provider("openai").settings(ProviderSettings.of(s));
  }

  @Override
  EmbeddingBackend embeddingBackend(String model) {
    return new OpenAiProvider().createEmbeddingBackend(ProviderSettings.of(settings()));
  }

  @Override
  boolean supportsLegacyMaxTokensParameter() {
    return true;
  }
}
