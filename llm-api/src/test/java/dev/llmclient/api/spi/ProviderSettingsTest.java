package dev.llmclient.api.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmclient.api.LlmConfigurationException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProviderSettingsTest {

  private final Map<String, String> environment =
      Map.of("AZURE_OPENAI_ENDPOINT", "https://env.example", "BLANK", "   ");

  private ProviderSettings.Builder builder() {
    return ProviderSettings.builder().environment(environment::get);
  }

  @Test
  void anExplicitValueWinsOverTheEnvironmentWhichIsTheFallback() {
    ProviderSettings settings = builder().set("MODEL_NAME", "gpt-4o").build();

    assertThat(settings.get("MODEL_NAME")).isEqualTo("gpt-4o");
    assertThat(settings.get("AZURE_OPENAI_ENDPOINT")).isEqualTo("https://env.example");
    assertThat(settings.with("AZURE_OPENAI_ENDPOINT", "https://x").get("AZURE_OPENAI_ENDPOINT"))
        .isEqualTo("https://x");
  }

  @Test
  void blankValuesCountAsUnsetAndValuesAreTrimmed() {
    ProviderSettings settings = builder().set("A", "  value  ").set("B", "").build();

    assertThat(settings.get("A")).isEqualTo("value");
    assertThat(settings.isSet("B")).isFalse();
    assertThat(settings.isSet("BLANK")).isFalse();
    assertThat(settings.get("BLANK", "default")).isEqualTo("default");
  }

  @Test
  void ofAndEmptyNeverReadTheProcessEnvironment() {
    assertThat(ProviderSettings.of(Map.of()).get("PATH")).isNull();
    assertThat(ProviderSettings.empty().get("PATH")).isNull();
  }

  @Test
  void booleansAcceptTheUsualSpellingsAndRejectOthersNamingTheSetting() {
    ProviderSettings settings = ProviderSettings.of(Map.of("T", "Yes", "F", "off", "BAD", "maybe"));

    assertThat(settings.getBoolean("T", false)).isTrue();
    assertThat(settings.getBoolean("F", true)).isFalse();
    assertThat(settings.getBoolean("UNSET", true)).isTrue();
    assertThatThrownBy(() -> settings.getBoolean("BAD", false))
        .isInstanceOf(LlmConfigurationException.class)
        .hasMessage("BAD must be true or false (also yes/no, on/off, 1/0), got 'maybe'");
  }

  @Test
  void integersAreParsedOrRejectedNamingTheSetting() {
    ProviderSettings settings = ProviderSettings.of(Map.of("N", "42", "BAD", "4k"));

    assertThat(settings.getInt("N")).isEqualTo(42);
    assertThat(settings.getInt("UNSET")).isNull();
    assertThatThrownBy(() -> settings.getInt("BAD"))
        .isInstanceOf(LlmConfigurationException.class)
        .hasMessage("BAD must be a whole number, got '4k'");
  }

  @Test
  void toStringRedactsEverySecretLookingSetting() {
    ProviderSettings settings =
        ProviderSettings.of(
            Map.of(
                "AZURE_OPENAI_API_KEY", "canary-key",
                "OPENAI_EXTRA_HEADERS", "x-gateway-key=canary-header",
                "HTTPS_PROXY", "http://user:canary-pw@proxy:3128",
                "AZURE_OPENAI_ENDPOINT", "https://visible.example"));

    assertThat(settings.toString())
        .doesNotContain("canary")
        .contains("AZURE_OPENAI_API_KEY=****")
        .contains("https://visible.example");
  }
}
