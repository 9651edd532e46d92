package dev.llmclient.it.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmclient.azure.AzureOpenAiProvider;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;

/**
 * provider-azure on the {@code /openai/v1/} route, whose bodies have the OpenAI shape: validated
 * against the official OpenAI spec through {@link RecordingBridge} (Azure's 2024-10-21 spec has no
 * v1 paths). Subclassed for api-key and bearer authentication; each checks the header the SDK sent.
 */
abstract class AzureV1Conformance extends ConformanceContract {

  RecordingBridge bridge;

  @Override
  PrismMock.Spec spec() {
    return PrismMock.Spec.OPENAI;
  }

  @Override
  void afterPrismStarted() {
    bridge = RecordingBridge.azureV1(prism.baseUri());
  }

  @AfterAll
  void stopBridge() {
    if (bridge != null) {
      bridge.close();
    }
  }

  Map<String, String> settings() {
    Map<String, String> s = new LinkedHashMap<>();
    s.put(AzureOpenAiProvider.ENDPOINT, bridge.endpoint().toString());
    s.put(AzureOpenAiProvider.API_MODE, "v1");
    s.put(AzureOpenAiProvider.EMBEDDING_DEPLOYMENT_NAME, "text-embedding-3-small");
    return s;
  }

  @Override
  void checkLastRequest() {
    assertThat(bridge.lastPath()).startsWith("/openai/v1/");
  }
}
