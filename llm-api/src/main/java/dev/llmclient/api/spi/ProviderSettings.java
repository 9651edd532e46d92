package dev.llmclient.api.spi;

import dev.llmclient.api.LlmConfigurationException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * String settings by name, each falling back to the environment variable of the same name.
 *
 * <p>The names are the environment variables users already have ({@code AZURE_OPENAI_ENDPOINT},
 * {@code OPENAI_API_KEY}, {@code MODEL_NAME}, ...), so {@code LlmClients.fromEnvironment()} needs
 * no extra configuration, and code can set the same names explicitly. Blank values count as unset.
 * {@link #toString()} redacts every value whose name suggests a secret.
 *
 * <pre>{@code
 * ProviderSettings settings = ProviderSettings.builder()
 *     .set("AZURE_OPENAI_ENDPOINT", "https://my-resource.openai.azure.com")
 *     .set("AZURE_OPENAI_DEPLOYMENT_NAME", "gpt-4o")
 *     .build();                     // AZURE_OPENAI_API_KEY still comes from the environment
 * }</pre>
 */
public final class ProviderSettings {

  private static final ProviderSettings EMPTY = new ProviderSettings(Map.of(), key -> null);

  private final Map<String, String> values;
  private final Function<String, @Nullable String> environment;

  private ProviderSettings(
      Map<String, String> values, Function<String, @Nullable String> environment) {
    this.values = values;
    this.environment = environment;
  }

  /**
   * Settings read from the process environment only.
   *
   * @return the settings
   */
  public static ProviderSettings fromEnvironment() {
    return builder().build();
  }

  /**
   * Exactly the given settings, with no environment fallback (for tests and explicit wiring).
   *
   * @param values the settings by name
   * @return the settings
   */
  public static ProviderSettings of(Map<String, String> values) {
    return builder().withoutEnvironment().setAll(values).build();
  }

  /**
   * No settings and no environment.
   *
   * @return the empty settings
   */
  public static ProviderSettings empty() {
    return EMPTY;
  }

  /**
   * A builder whose environment fallback is the process environment ({@link System#getenv}).
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder that starts from these settings and this environment.
   *
   * @return the builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.values.putAll(values);
    b.environment = environment;
    return b;
  }

  /**
   * The value of a setting: the explicit one, else the environment variable; blank counts as unset.
   *
   * @param name the setting name, e.g. {@code AZURE_OPENAI_ENDPOINT}
   * @return the trimmed value, or null when unset
   */
  public @Nullable String get(String name) {
    String value = values.get(name);
    if (value == null) {
      value = environment.apply(name);
    }
    if (value == null || value.isBlank()) {
      return null;
    }
    return value.trim();
  }

  /**
   * The value of a setting, or a default.
   *
   * @param name the setting name
   * @param defaultValue returned when the setting is unset
   * @return the value
   */
  public String get(String name, String defaultValue) {
    String value = get(name);
    return value == null ? defaultValue : value;
  }

  /**
   * Whether a setting has a non-blank value.
   *
   * @param name the setting name
   * @return true when set
   */
  public boolean isSet(String name) {
    return get(name) != null;
  }

  /**
   * A boolean setting: {@code true/yes/on/1} or {@code false/no/off/0}, any case.
   *
   * @param name the setting name
   * @param defaultValue returned when the setting is unset
   * @return the value
   * @throws LlmConfigurationException naming the setting when the value is not a boolean
   */
  public boolean getBoolean(String name, boolean defaultValue) {
    String value = get(name);
    if (value == null) {
      return defaultValue;
    }
    switch (value.toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on", "1":
        return true;
      case "false", "no", "off", "0":
        return false;
      default:
        throw new LlmConfigurationException(
            name + " must be true or false (also yes/no, on/off, 1/0), got '" + value + "'");
    }
  }

  /**
   * An integer setting.
   *
   * @param name the setting name
   * @return the value, or null when unset
   * @throws LlmConfigurationException naming the setting when the value is not an integer
   */
  public @Nullable Integer getInt(String name) {
    String value = get(name);
    if (value == null) {
      return null;
    }
    try {
      return Integer.valueOf(value);
    } catch (NumberFormatException e) {
      throw new LlmConfigurationException(name + " must be a whole number, got '" + value + "'");
    }
  }

  /**
   * A copy with one more explicit setting.
   *
   * @param name the setting name
   * @param value the value
   * @return the new settings
   */
  public ProviderSettings with(String name, String value) {
    return toBuilder().set(name, value).build();
  }

  /**
   * Whether a setting name suggests a secret, so that its value must never be shown.
   *
   * @param name the setting name
   * @return true for names containing KEY, TOKEN, SECRET, PASSWORD, CREDENTIAL, AUTH or HEADER
   *     (extra headers often carry a gateway key), or PROXY (a proxy URL may embed a password)
   */
  public static boolean isSecretName(String name) {
    String upper = name.toUpperCase(Locale.ROOT);
    return upper.contains("KEY")
        || upper.contains("TOKEN")
        || upper.contains("SECRET")
        || upper.contains("PASSWORD")
        || upper.contains("CREDENTIAL")
        || upper.contains("AUTH")
        || upper.contains("HEADER")
        || upper.contains("PROXY");
  }

  /** Lists the explicit settings, secrets redacted; environment values are not listed. */
  @Override
  public String toString() {
    Map<String, String> shown = new TreeMap<>();
    values.forEach((k, v) -> shown.put(k, isSecretName(k) ? "****" : v));
    return "ProviderSettings" + shown;
  }

  /** Builds {@link ProviderSettings}. Not thread-safe. */
  public static final class Builder {
    private final Map<String, String> values = new LinkedHashMap<>();
    private Function<String, @Nullable String> environment = System::getenv;

    private Builder() {}

    /**
     * Sets one setting explicitly; it wins over the environment.
     *
     * @param name the setting name
     * @param value the value
     * @return this builder
     */
    public Builder set(String name, String value) {
      values.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * Sets several settings explicitly.
     *
     * @param settings the settings by name
     * @return this builder
     */
    public Builder setAll(Map<String, String> settings) {
      settings.forEach(this::set);
      return this;
    }

    /**
     * Replaces the environment fallback, e.g. with a map's {@code get} in tests.
     *
     * @param environment looks a name up; returns null when unset
     * @return this builder
     */
    public Builder environment(Function<String, @Nullable String> environment) {
      this.environment = Objects.requireNonNull(environment, "environment");
      return this;
    }

    /**
     * Drops the environment fallback: only explicit settings count.
     *
     * @return this builder
     */
    public Builder withoutEnvironment() {
      this.environment = key -> null;
      return this;
    }

    /**
     * Builds the settings.
     *
     * @return the settings
     */
    public ProviderSettings build() {
      return new ProviderSettings(Map.copyOf(values), environment);
    }
  }
}
