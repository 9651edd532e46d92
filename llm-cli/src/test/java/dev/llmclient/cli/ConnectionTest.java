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

  @Test
  void everyAzureOpenAiOrOpenAiNameAndLlmProviderCountAsProviderSettingsMisspeltOnesToo() {
    Map<String, String> env =
        Map.of(
            "AZURE_OPENAI_ENDPOINT", "https://x.openai.azure.com",
            "AZURE_OPENAI_APIKEY", "misspelt",
            "OPENAI_BASE_URL", "http://127.0.0.1:1/v1",
            "LLM_PROVIDER", "openai",
            "OPENAI_EMPTY", " ",
            "MODEL_NAME", "gpt-4o",
            "LLM_MAX_TOKENS", "100",
            "PATH", "/usr/bin");

    assertThat(Connection.providerSettingsSet(ProviderSettings.of(env), env.keySet()))
        .containsExactly(
            "AZURE_OPENAI_APIKEY", "AZURE_OPENAI_ENDPOINT", "LLM_PROVIDER", "OPENAI_BASE_URL");
  }

  @Test
  void settingsWhoseNamesCannotBeListedAreCheckedForTheKnownNames() {
    ProviderSettings s = ProviderSettings.of(Map.of("OPENAI_BASE_URL", "http://h/v1"));

    assertThat(Connection.providerSettingsSet(s, java.util.List.of()))
        .containsExactly("OPENAI_BASE_URL");
    assertThat(
            Connection.providerSettingsSet(
                ProviderSettings.of(Map.of("MODEL_NAME", "m")), java.util.List.of("MODEL_NAME")))
        .isEmpty();
  }

  @Test
  void anIncompleteConfigurationSaysWhichSettingsAreSetAndKeepsTheCoresMessage() {
    dev.llmclient.api.LlmConfigurationException core =
        new dev.llmclient.api.LlmConfigurationException(
            "No LLM provider is configured. Found: openai (missing: OPENAI_API_KEY)."
                + " [llmclient: none-configured]");

    String message = Connection.explained(core, java.util.List.of("OPENAI_BASE_URL")).getMessage();

    assertThat(message)
        .startsWith(
            "OPENAI_BASE_URL is set, so llm calls a real service and does not fall back to the"
                + " embedded simulator")
        .endsWith("(missing: OPENAI_API_KEY). [llmclient: none-configured]");
    assertThat(Connection.explained(core, java.util.List.of())).isSameAs(core);
  }

  @Test
  void aNameOneOrTwoTyposFromAKnownSettingIsPointedOut() {
    assertThat(Connection.nearestKnown("AZURE_OPENAI_APIKEY")).isEqualTo("AZURE_OPENAI_API_KEY");
    assertThat(Connection.nearestKnown("OPENAI_BASE_ULR")).isEqualTo("OPENAI_BASE_URL");
    assertThat(Connection.nearestKnown("OPENAI_API_KEY")).isNull();
    assertThat(Connection.nearestKnown("OPENAI_SOMETHING_ELSE")).isNull();

    String message =
        Connection.explained(
                new dev.llmclient.api.LlmConfigurationException(
                    "No LLM provider is configured. [llmclient: none-configured]"),
                java.util.List.of("AZURE_OPENAI_APIKEY", "AZURE_OPENAI_ENDPOINT"))
            .getMessage();
    assertThat(message)
        .contains("AZURE_OPENAI_APIKEY looks like a misspelling of AZURE_OPENAI_API_KEY.");
  }
}
