package dev.llmclient.core;

import dev.llmclient.api.LlmConfigurationException;
import dev.llmclient.api.spi.LlmProvider;
import dev.llmclient.api.spi.ProviderSettings;
import org.jspecify.annotations.Nullable;

/**
 * One value, one setting: where the same value can be named in two places (a builder shortcut and
 * the configuration, the client and its tracer, a generic setting and the provider's own), the two
 * must agree, so a client never runs on one of two different values chosen by a precedence rule
 * nobody remembers. See docs/ARCHITECTURE.md, "One setting per value".
 */
final class OneValue {

  private OneValue() {}

  /**
   * The value named in either place, or null when neither names it.
   *
   * @param what the value, for the message, e.g. "the output-token cap"
   * @param first where the first value was set, e.g. "LlmClients.builder().maxTokens(...)"
   * @param a the first value, or null
   * @param second where the second value was set
   * @param b the second value, or null
   * @throws LlmConfigurationException when both are set and differ
   */
  static <T> @Nullable T of(
      String what, String first, @Nullable T a, String second, @Nullable T b) {
    if (a != null && b != null && !a.equals(b)) {
      throw setTwice(
          what, "different values: " + a + " by " + first + " and " + b + " by " + second);
    }
    return a != null ? a : b;
  }

  /**
   * Like {@link #of}, for a secret: the message names both places but shows neither value.
   *
   * @throws LlmConfigurationException when both are set and differ
   */
  static @Nullable String secret(
      String what, String first, @Nullable String a, String second, @Nullable String b) {
    if (a != null && b != null && !a.equals(b)) {
      throw setTwice(what, "two different values (not shown): by " + first + " and by " + second);
    }
    return a != null ? a : b;
  }

  private static LlmConfigurationException setTwice(String what, String values) {
    return new LlmConfigurationException(
        what.substring(0, 1).toUpperCase(java.util.Locale.ROOT)
            + what.substring(1)
            + " is set twice, to "
            + values
            + ". Set it in one place only. [llmclient: set-twice]");
  }

  /**
   * Checks that the key and endpoint given in code agree with the selected provider's own settings.
   *
   * @param provider the selected provider
   * @param s the resolved settings
   * @param config where the key and endpoint were set in code, e.g. "LlmConfig"
   * @param apiKey the key set in code, or null
   * @param baseUrl the endpoint set in code, or null
   */
  static void keyAndUrl(
      LlmProvider provider,
      ProviderSettings s,
      String config,
      @Nullable String apiKey,
      @Nullable String baseUrl) {
    provider
        .settingNames()
        .ifPresent(
            names -> {
              secret(
                  "the API key", config + ".apiKey", apiKey, names.apiKey(), s.get(names.apiKey()));
              of(
                  "the endpoint",
                  config + ".baseUrl",
                  baseUrl,
                  names.endpoint(),
                  s.get(names.endpoint()));
            });
  }
}
