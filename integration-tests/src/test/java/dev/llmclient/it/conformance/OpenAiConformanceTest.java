package dev.llmclient.it.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmclient.api.LlmRequest;
import dev.llmclient.api.Message;
import dev.llmclient.api.spi.EmbeddingBackend;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.core.LlmClients;
import dev.llmclient.it.secrets.Canary;
import dev.llmclient.openai.OpenAiProvider;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * provider-openai against the official OpenAI spec, with the key as a bearer token, through a
 * {@link RecordingBridge} that shows what the SDK put on the wire.
 */
class OpenAiConformanceTest extends ConformanceContract {

  private RecordingBridge bridge;

  @Override
  PrismMock.Spec spec() {
    return PrismMock.Spec.OPENAI;
  }

  @Override
  void afterPrismStarted() {
    bridge = RecordingBridge.openAi(prism.baseUri());
  }

  @AfterAll
  void stopBridge() {
    if (bridge != null) {
      bridge.close();
    }
  }

  private Map<String, String> settings() {
    Map<String, String> s = new LinkedHashMap<>();
    s.put(OpenAiProvider.API_KEY, Canary.API_KEY);
    s.put(OpenAiProvider.BASE_URL, bridge.endpoint().toString());
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
  void checkLastRequest() {
    assertThat(bridge.lastHeaders()).containsEntry("authorization", "Bearer " + Canary.API_KEY);
  }

  /** Only provider-openai has this alternative, for compatible servers that lack the new name. */
  @Test
  void theLegacyMaxTokensParameterIsAccepted() throws Exception {
    accepted(
        "max_tokens instead of max_completion_tokens",
        config(),
        Map.of(OpenAiProvider.MAX_TOKENS_PARAM, "max_tokens"),
        LlmRequest.builder()
            .messages(List.of(Message.user("Invent a customer.")))
            .responseType(Customer.class)
            .maxTokens(300)
            .build());
    JsonNode sent = new ObjectMapper().readTree(bridge.lastBody());
    assertThat(sent.path("max_tokens").asInt()).as("max_tokens sent").isEqualTo(300);
    assertThat(sent.has("max_completion_tokens")).as("max_completion_tokens sent").isFalse();
  }
}
