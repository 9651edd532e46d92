package dev.llmclient.api.spi;

import dev.llmclient.api.LlmConfigurationException;
import java.util.List;
import java.util.Optional;

/**
 * A provider jar's entry point, found with {@link java.util.ServiceLoader}.
 *
 * <p>Register the implementation in {@code META-INF/services/dev.llmclient.api.spi.LlmProvider}.
 * Its no-argument constructor must be cheap and must not read settings or open connections:
 * providers that are on the classpath but not selected are never instantiated by the core, and one
 * that is instantiated may still be asked only for {@link #id()} and {@link
 * #missingSettings(ProviderSettings)}.
 */
public interface LlmProvider {

  /**
   * The stable id users select the provider by ({@code "azure"}, {@code "openai"}, ...): lower-case
   * letters, digits and {@code -}.
   *
   * @return the id
   */
  String id();

  /**
   * The names of the settings this provider reads its API key, endpoint, models and embedding model
   * from, so the core can hand over values it was given elsewhere (a key set in code, a pool
   * member's endpoint and deployment) under those names. A provider that returns empty still works
   * when its own settings are set directly; only those hand-overs then fail with an {@link
   * LlmConfigurationException} that says so.
   *
   * @return the names, or empty when the provider does not declare them
   */
  default Optional<SettingNames> settingNames() {
    return Optional.empty();
  }

  /**
   * The settings this provider still needs before it can make a call, for example {@code
   * "AZURE_OPENAI_API_KEY (or AZURE_OPENAI_USE_MANAGED_IDENTITY=true)"}.
   *
   * @param settings the settings to check
   * @return one entry per missing setting, empty when the provider is fully configured
   */
  List<String> missingSettings(ProviderSettings settings);

  /**
   * Whether the settings are complete for this provider.
   *
   * @param settings the settings to check
   * @return true when {@link #missingSettings(ProviderSettings)} is empty
   */
  default boolean isConfigured(ProviderSettings settings) {
    return missingSettings(settings).isEmpty();
  }

  /**
   * Creates the chat backend, validating every setting first.
   *
   * @param settings the settings
   * @return a new backend that owns its connection pool
   * @throws LlmConfigurationException when a setting is missing or wrong, naming it
   */
  ChatBackend createChatBackend(ProviderSettings settings);

  /**
   * Creates the embedding backend, validating every setting first.
   *
   * @param settings the settings
   * @return a new backend that owns its connection pool
   * @throws LlmConfigurationException when a setting is missing or wrong, or when the provider has
   *     no embeddings
   */
  EmbeddingBackend createEmbeddingBackend(ProviderSettings settings);

  /**
   * Creates the file-batch backend (the service's Batch API), validating every setting first.
   *
   * @param settings the settings
   * @return a new backend that owns its connection pool
   * @throws LlmConfigurationException when a setting is missing or wrong, or when the provider has
   *     no batch API (the default)
   */
  default BatchBackend createBatchBackend(ProviderSettings settings) {
    throw new LlmConfigurationException(
        "The provider "
            + id()
            + " has no batch API; use online calls, or the openai or azure provider.");
  }
}
