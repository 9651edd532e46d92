package dev.llmclient.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmclient.api.spi.ProviderSettings;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConnectionTest {

  @Test
  void theEmbeddedSimulatorIsReachedThroughExplicitOpenAiSettings() {
    ProviderSettings user = ProviderSettings.of(Map.of("LLM_MAX_TOKENS", "100"));

    ProviderSettings s = Connection.simulatorSettings(user, 4321);

    assertThat(s.get("OPENAI_BASE_URL")).isEqualTo("http://127.0.0.1:4321/v1");
    assertThat(s.get("OPENAI_API_KEY")).isNotBlank();
    assertThat(s.get("MODEL_NAME")).isEqualTo(Connection.SIMULATOR_MODEL);
    assertThat(s.get("LLM_MAX_TOKENS")).isEqualTo("100");
    assertThat(s.toString()).doesNotContain(s.get("OPENAI_API_KEY"));
  }

  @Test
  void aModelTheUserSetIsKeptForTheSimulator() {
    ProviderSettings s =
        Connection.simulatorSettings(ProviderSettings.of(Map.of("MODEL_NAME", "gpt-4o")), 1);

    assertThat(s.get("MODEL_NAME")).isEqualTo("gpt-4o");
  }
}
