package dev.llmclient.containers;

import dev.llmclient.api.LlmClient;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.core.LlmClients;
import dev.llmclient.core.RetryPolicy;
import dev.llmclient.openai.OpenAiProvider;
import java.net.URI;

/**
 * Builds the SDK the way a user does: the OpenAI provider from settings values, no environment.
 * Retries are off so that each failure test makes exactly one attempt.
 */
final class SdkClients {

  /** The key the simulator accepts. */
  static final String API_KEY = "sk-container-tests";

  private SdkClients() {}

  /**
   * Settings for the OpenAI provider at {@code baseUri}, ready for more values.
   *
   * @param baseUri the OpenAI base URL, e.g. {@code https://127.0.0.1:8443/v1}
   * @return a builder with the key, the base URL and the model set
   */
  static ProviderSettings.Builder openAi(URI baseUri) {
    return ProviderSettings.builder()
        .withoutEnvironment()
        .set(OpenAiProvider.API_KEY, API_KEY)
        .set(OpenAiProvider.BASE_URL, baseUri.toString())
        .set(OpenAiProvider.MODEL_NAME, "gpt-4o")
        .set(OpenAiProvider.SMALL_MODEL_NAME, "gpt-4o-mini");
  }

  /**
   * A client on the OpenAI provider with these settings and no retries.
   *
   * @param settings the settings
   * @return the client; close it
   */
  static LlmClient client(ProviderSettings settings) {
    return LlmClients.builder()
        .provider(OpenAiProvider.ID)
        .settings(settings)
        .retryPolicy(RetryPolicy.none())
        .build();
  }
}
