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
 * Runs in the Surefire execution {@code discovery-one}: only the test kit's fake provider is on the
 * classpath.
 */
class OneProviderDiscoveryTest {

  @AfterEach
  void clearProperty() {
    System.clearProperty("llm.provider");
  }

  @Test
  void theOnlyConfiguredProviderIsSelectedWithoutAnySetting() {
    FakeLlmProvider.script().reset().enqueueContent("{\"answer\":42}");

    try (LlmClient client = Discovery.build(Map.of())) {
      assertThat(client.generateResponse(List.of(Message.user("question"))))
          .containsEntry("answer", 42);
    }
    assertThat(FakeLlmProvider.script().requests()).hasSize(1);
  }

  @Test
  void anUnknownIdFromTheEnvironmentNamesWhatWasFound() {
    assertThatThrownBy(() -> Discovery.build(Map.of("LLM_PROVIDER", "azur")))
        .isExactlyInstanceOf(LlmConfigurationException.class)
        .hasMessage(
            "LLM provider 'azur' (from LLM_PROVIDER) is not on the classpath. Found: fake."
                + " Fix the id or add the provider's artifact. [llmclient: unknown-provider]");
  }

  @Test
  void anUnknownIdFromTheSystemPropertyNamesTheProperty() {
    System.setProperty("llm.provider", "openai");

    assertThatThrownBy(() -> Discovery.build(Map.of("LLM_PROVIDER", "fake")))
        .isExactlyInstanceOf(LlmConfigurationException.class)
        .hasMessage(
            "LLM provider 'openai' (from -Dllm.provider) is not on the classpath. Found: fake."
                + " Fix the id or add the provider's artifact. [llmclient: unknown-provider]");
  }
}
