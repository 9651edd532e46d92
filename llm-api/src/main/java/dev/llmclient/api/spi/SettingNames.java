package dev.llmclient.api.spi;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The names under which a provider reads the settings the core sometimes fills in for it: so a key
 * given in code ({@code LlmConfig.builder().apiKey(...)}), a pool member's endpoint and deployment,
 * or the generic {@code EMBEDDING_MODEL} reach the provider under the names it reads, without the
 * core knowing any provider.
 *
 * <pre>{@code
 * @Override
 * public Optional<SettingNames> settingNames() {
 *   return Optional.of(new SettingNames(
 *       "ACME_API_KEY", "ACME_BASE_URL", "ACME_MODEL", "ACME_SMALL_MODEL", "ACME_EMBEDDING_MODEL"));
 * }
 * }</pre>
 *
 * @param apiKey the setting holding the API key, e.g. {@code OPENAI_API_KEY}
 * @param endpoint the setting holding the endpoint or base URL, e.g. {@code AZURE_OPENAI_ENDPOINT}
 * @param model the setting holding the default (medium) model or deployment, e.g. {@code
 *     MODEL_NAME}
 * @param smallModel the setting holding the model or deployment of {@code SMALL} calls, e.g. {@code
 *     SMALL_MODEL_NAME}
 * @param embeddingModel the setting holding the embedding model or deployment, e.g. {@code
 *     EMBEDDING_MODEL_NAME}
 */
public record SettingNames(
    String apiKey, String endpoint, String model, String smallModel, String embeddingModel) {

  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*");

  /**
   * Checks that every name is a usable setting name.
   *
   * @param apiKey the setting holding the API key
   * @param endpoint the setting holding the endpoint or base URL
   * @param model the setting holding the default model or deployment
   * @param smallModel the setting holding the small model or deployment
   * @param embeddingModel the setting holding the embedding model or deployment
   * @throws IllegalArgumentException when a name is blank or holds characters other than letters,
   *     digits, {@code _}, {@code .} and {@code -}
   */
  public SettingNames {
    check("apiKey", apiKey);
    check("endpoint", endpoint);
    check("model", model);
    check("smallModel", smallModel);
    check("embeddingModel", embeddingModel);
  }

  private static void check(String what, String name) {
    Objects.requireNonNull(name, what);
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          what + " must be a setting name such as ACME_API_KEY, got '" + name + "'");
    }
  }
}
