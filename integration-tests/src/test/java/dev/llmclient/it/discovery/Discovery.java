package dev.llmclient.it.discovery;

import dev.llmclient.api.LlmClient;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.core.LlmClients;
import java.util.Map;

/** Builds clients through the real ServiceLoader path with settings that ignore the machine. */
final class Discovery {

  private Discovery() {}

  /** Settings with exactly these values: the machine's environment is not consulted. */
  static ProviderSettings settings(Map<String, String> values) {
    return ProviderSettings.of(values);
  }

  static LlmClient build(Map<String, String> values) {
    return LlmClients.builder().settings(settings(values)).build();
  }

  static LlmClient build(String providerId, Map<String, String> values) {
    return LlmClients.builder().provider(providerId).settings(settings(values)).build();
  }
}
