package dev.llmclient.core.internal.select;

import dev.llmclient.api.LlmConfigurationException;
import dev.llmclient.api.spi.LlmProvider;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.api.spi.SettingNames;
import org.jspecify.annotations.Nullable;

/**
 * Hands values the core was given (a key or URL set in code, the generic embedding model, a pool
 * member's endpoint and deployment) to a provider under the names it declares with {@link
 * LlmProvider#settingNames()}, so the core never needs to know a provider's setting names.
 */
public final class ProviderSettingNames {

  private ProviderSettingNames() {}

  /**
   * The provider's names, or an exception saying that {@code what} needs them.
   *
   * @param provider the provider
   * @param what what is being handed over, for the message, e.g. "the API key set in LlmConfig"
   * @throws LlmConfigurationException when the provider declares no names
   */
  public static SettingNames require(LlmProvider provider, String what) {
    return provider
        .settingNames()
        .orElseThrow(
            () ->
                new LlmConfigurationException(
                    "LLM provider '"
                        + provider.id()
                        + "' ("
                        + provider.getClass().getName()
                        + ") does not declare its setting names (LlmProvider.settingNames()), so "
                        + what
                        + " cannot be handed to it. Set the provider's own settings instead, or"
                        + " declare the names in the provider. [llmclient: no-setting-names]"));
  }

  /**
   * The settings with a key and a base URL given in code put under the provider's names; the
   * settings as they are when neither is given.
   *
   * @param provider the provider the settings are for
   * @param settings the user's settings
   * @param apiKey the key set in code, or null
   * @param baseUrl the endpoint set in code, or null
   * @throws LlmConfigurationException when a value is given and the provider declares no names
   */
  public static ProviderSettings withKeyAndUrl(
      LlmProvider provider,
      ProviderSettings settings,
      @Nullable String apiKey,
      @Nullable String baseUrl) {
    if (apiKey == null && baseUrl == null) {
      return settings;
    }
    SettingNames names =
        require(provider, apiKey != null ? "the API key set in code" : "the base URL set in code");
    ProviderSettings result = settings;
    if (apiKey != null) {
      result = result.with(names.apiKey(), apiKey);
    }
    if (baseUrl != null) {
      result = result.with(names.endpoint(), baseUrl);
    }
    return result;
  }

  /**
   * The settings with a generic embedding model put under the provider's own embedding setting when
   * that one is unset. A provider without declared names gets the settings as they are: the core
   * still falls back to the generic setting for it.
   *
   * @param provider the provider
   * @param settings the settings
   * @param model the generic embedding model, or null
   */
  public static ProviderSettings withEmbeddingModel(
      LlmProvider provider, ProviderSettings settings, @Nullable String model) {
    if (model == null || model.isBlank()) {
      return settings;
    }
    SettingNames names = provider.settingNames().orElse(null);
    if (names == null || settings.isSet(names.embeddingModel())) {
      return settings;
    }
    return settings.with(names.embeddingModel(), model.trim());
  }
}
