package dev.llmclient.core;

import dev.llmclient.api.LlmConfigurationException;
import dev.llmclient.api.spi.ProviderSettings;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Model and generation settings of a client: Graphiti's {@code LLMConfig} plus explicit reasoning
 * capabilities.
 *
 * <p>Every setting is optional. Unset ones fall back to the provider settings ({@code MODEL_NAME},
 * {@code SMALL_MODEL_NAME}, {@code LLM_MAX_TOKENS}, {@code LLM_TEMPERATURE}, {@code
 * LLM_REASONING_EFFORT}, {@code LLM_VERBOSITY}, {@code LLM_STRUCTURED_OUTPUT_MODE}, {@value
 * #MAX_CONCURRENT_CALLS}, {@value #MAX_QUEUED_CALLS}), then to what the provider reports (on Azure:
 * the configured deployments), then to the defaults: {@value #DEFAULT_MAX_TOKENS} output tokens,
 * the server's temperature, the medium model for {@code SMALL} calls, and {@value
 * #DEFAULT_MAX_CONCURRENT_CALLS} calls in flight with {@value #DEFAULT_MAX_QUEUED_CALLS} waiting.
 * On Azure the model names are deployment names.
 *
 * <p><b>Back-pressure.</b> A client runs at most {@link #maxConcurrentCalls()} calls at once; a
 * call holds its place from its first attempt until it ends, across its retries and re-asks, so a
 * retry never queues again. Further calls wait, without a thread, in a queue of at most {@link
 * #maxQueuedCalls()}; a call that finds the queue full fails at once with {@link
 * dev.llmclient.api.TooManyCallsException}. Answers from the cache need no place. The wait in the
 * queue counts toward the call's deadline.
 *
 * <pre>{@code
 * LlmConfig config = LlmConfig.builder()
 *     .model("prod-chat")                  // an Azure deployment backed by gpt-5
 *     .smallModel("prod-mini")
 *     .reasoningModel("prod-chat", true)   // the name does not reveal it: say so
 *     .reasoningEffort("auto")
 *     .build();
 * }</pre>
 */
public final class LlmConfig {

  /** The output-token cap used when neither the call nor the configuration sets one: {@value}. */
  public static final int DEFAULT_MAX_TOKENS = 16384;

  /** The setting for the most calls a client runs at once: {@value}. */
  public static final String MAX_CONCURRENT_CALLS = "LLM_MAX_CONCURRENT_CALLS";

  /** The setting for the most calls that wait for a place: {@value}. */
  public static final String MAX_QUEUED_CALLS = "LLM_MAX_QUEUED_CALLS";

  /** The calls a client runs at once when nothing sets it: {@value}. */
  public static final int DEFAULT_MAX_CONCURRENT_CALLS = 256;

  /** The calls that may wait for a place when nothing sets it: {@value}. */
  public static final int DEFAULT_MAX_QUEUED_CALLS = 10_000;

  private static final LlmConfig DEFAULT = builder().build();

  private final @Nullable String apiKey;
  private final @Nullable String model;
  private final @Nullable String smallModel;
  private final @Nullable String baseUrl;
  private final @Nullable Double temperature;
  private final @Nullable Integer maxTokens;
  private final @Nullable String reasoningEffort;
  private final @Nullable String verbosity;
  private final Map<String, Boolean> reasoningModels;
  private final @Nullable StructuredOutputMode structuredOutputMode;
  private final @Nullable Integer maxConcurrentCalls;
  private final @Nullable Integer maxQueuedCalls;

  private LlmConfig(Builder b) {
    this.maxConcurrentCalls = b.maxConcurrentCalls;
    this.maxQueuedCalls = b.maxQueuedCalls;
    this.structuredOutputMode = b.structuredOutputMode;
    this.apiKey = b.apiKey;
    this.model = b.model;
    this.smallModel = b.smallModel;
    this.baseUrl = b.baseUrl;
    this.temperature = b.temperature;
    this.maxTokens = b.maxTokens;
    this.reasoningEffort = b.reasoningEffort;
    this.verbosity = b.verbosity;
    this.reasoningModels = Map.copyOf(b.reasoningModels);
  }

  /**
   * A configuration with nothing set: everything comes from the settings and the provider.
   *
   * @return the default configuration
   */
  public static LlmConfig getDefault() {
    return DEFAULT;
  }

  /**
   * A new builder with nothing set.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder that starts from this configuration.
   *
   * @return the builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.apiKey = apiKey;
    b.model = model;
    b.smallModel = smallModel;
    b.baseUrl = baseUrl;
    b.temperature = temperature;
    b.maxTokens = maxTokens;
    b.reasoningEffort = reasoningEffort;
    b.verbosity = verbosity;
    b.reasoningModels.putAll(reasoningModels);
    b.structuredOutputMode = structuredOutputMode;
    b.maxConcurrentCalls = maxConcurrentCalls;
    b.maxQueuedCalls = maxQueuedCalls;
    return b;
  }

  /**
   * This configuration with every unset value filled from the settings' {@code MODEL_NAME}, {@code
   * SMALL_MODEL_NAME}, {@code LLM_MAX_TOKENS}, {@code LLM_TEMPERATURE}, {@code
   * LLM_REASONING_EFFORT}, {@code LLM_VERBOSITY}, {@code LLM_STRUCTURED_OUTPUT_MODE}, {@value
   * #MAX_CONCURRENT_CALLS} and {@value #MAX_QUEUED_CALLS}.
   *
   * @param settings the settings
   * @return the completed configuration
   * @throws LlmConfigurationException naming the setting when a value has the wrong form
   */
  public LlmConfig withDefaultsFrom(ProviderSettings settings) {
    Builder b = toBuilder();
    if (b.model == null) {
      b.model = settings.get("MODEL_NAME");
    }
    if (b.smallModel == null) {
      b.smallModel = settings.get("SMALL_MODEL_NAME");
    }
    if (b.maxTokens == null) {
      b.maxTokens = settings.getInt("LLM_MAX_TOKENS");
    }
    if (b.temperature == null) {
      String t = settings.get("LLM_TEMPERATURE");
      if (t != null) {
        try {
          b.temperature = Double.valueOf(t);
        } catch (NumberFormatException e) {
          throw new LlmConfigurationException(
              "LLM_TEMPERATURE must be a number between 0.0 and 2.0, got '" + t + "'");
        }
      }
    }
    if (b.reasoningEffort == null) {
      b.reasoningEffort = settings.get("LLM_REASONING_EFFORT");
    }
    if (b.verbosity == null) {
      b.verbosity = settings.get("LLM_VERBOSITY");
    }
    if (b.structuredOutputMode == null) {
      String mode = settings.get("LLM_STRUCTURED_OUTPUT_MODE");
      if (mode != null) {
        b.structuredOutputMode = StructuredOutputMode.parse(mode);
      }
    }
    if (b.maxConcurrentCalls == null) {
      b.maxConcurrentCalls = settings.getInt(MAX_CONCURRENT_CALLS);
    }
    if (b.maxQueuedCalls == null) {
      b.maxQueuedCalls = settings.getInt(MAX_QUEUED_CALLS);
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new LlmConfigurationException(e.getMessage(), dev.llmclient.api.ErrorContext.NONE, e);
    }
  }

  /**
   * The API key handed to the selected provider (Graphiti's {@code api_key}) as {@code
   * OPENAI_API_KEY} or {@code AZURE_OPENAI_API_KEY}, overriding those settings.
   *
   * @return the key, or empty
   */
  public Optional<String> apiKey() {
    return Optional.ofNullable(apiKey);
  }

  /**
   * The model (or Azure deployment) for {@code MEDIUM} calls.
   *
   * @return the name, or empty to use {@code MODEL_NAME} or the provider's default
   */
  public Optional<String> model() {
    return Optional.ofNullable(model);
  }

  /**
   * The model (or Azure deployment) for {@code SMALL} calls.
   *
   * @return the name, or empty to use {@code SMALL_MODEL_NAME}, the provider's default, or the
   *     medium model
   */
  public Optional<String> smallModel() {
    return Optional.ofNullable(smallModel);
  }

  /**
   * The base URL handed to the selected provider (Graphiti's {@code base_url}) as {@code
   * OPENAI_BASE_URL} for OpenAI or {@code AZURE_OPENAI_ENDPOINT} for Azure, overriding those
   * settings.
   *
   * @return the URL, or empty
   */
  public Optional<String> baseUrl() {
    return Optional.ofNullable(baseUrl);
  }

  /**
   * The sampling temperature; never sent to reasoning models.
   *
   * @return the temperature, or empty to leave it to the server
   */
  public Optional<Double> temperature() {
    return Optional.ofNullable(temperature);
  }

  /**
   * The default output-token cap.
   *
   * @return the cap, or empty for {@value #DEFAULT_MAX_TOKENS}
   */
  public Optional<Integer> maxTokens() {
    return Optional.ofNullable(maxTokens);
  }

  /**
   * The reasoning effort for reasoning models: {@code "auto"} picks {@code "none"} for gpt-5.5
   * models and {@code "minimal"} for the others (Graphiti's rule); any other value is sent as is.
   *
   * @return the effort, or empty to send none
   */
  public Optional<String> reasoningEffort() {
    return Optional.ofNullable(reasoningEffort);
  }

  /**
   * The verbosity for reasoning models ({@code "low"}, {@code "medium"}, {@code "high"}).
   *
   * @return the verbosity, or empty to send none
   */
  public Optional<String> verbosity() {
    return Optional.ofNullable(verbosity);
  }

  /**
   * Models (or deployments) declared reasoning or not, overriding the name-prefix rule.
   *
   * @return an unmodifiable map from name to capability
   */
  public Map<String, Boolean> reasoningModels() {
    return reasoningModels;
  }

  /**
   * How response types reach the model.
   *
   * @return the mode; {@link StructuredOutputMode#JSON_SCHEMA} unless set
   */
  public StructuredOutputMode structuredOutputMode() {
    return structuredOutputMode == null ? StructuredOutputMode.JSON_SCHEMA : structuredOutputMode;
  }

  /**
   * The most calls the client runs at once, from the first attempt to the end of each, retries and
   * re-asks included.
   *
   * @return the limit; {@value #DEFAULT_MAX_CONCURRENT_CALLS} unless set
   */
  public int maxConcurrentCalls() {
    return maxConcurrentCalls == null ? DEFAULT_MAX_CONCURRENT_CALLS : maxConcurrentCalls;
  }

  /**
   * The most calls that wait for a place among {@link #maxConcurrentCalls()}; one more fails at
   * once with {@link dev.llmclient.api.TooManyCallsException}.
   *
   * @return the limit; {@value #DEFAULT_MAX_QUEUED_CALLS} unless set
   */
  public int maxQueuedCalls() {
    return maxQueuedCalls == null ? DEFAULT_MAX_QUEUED_CALLS : maxQueuedCalls;
  }

  /**
   * Whether a model is a reasoning model: the explicit declaration first, else the prefix rule
   * ({@code o1}, {@code o3}, {@code o4}, {@code gpt-5} but not {@code gpt-5-chat}).
   *
   * @param modelName the model or deployment name
   * @return true for a reasoning model
   */
  public boolean isReasoningModel(String modelName) {
    Boolean declared = reasoningModels.get(modelName);
    if (declared != null) {
      return declared;
    }
    String m = modelName.toLowerCase(Locale.ROOT);
    if (m.startsWith("gpt-5")) {
      return !m.startsWith("gpt-5-chat");
    }
    return m.startsWith("o1") || m.startsWith("o3") || m.startsWith("o4");
  }

  /** Shows every setting; the API key is redacted. */
  @Override
  public String toString() {
    return "LlmConfig[apiKey="
        + (apiKey == null ? null : "****")
        + ", model="
        + model
        + ", smallModel="
        + smallModel
        + ", baseUrl="
        + baseUrl
        + ", temperature="
        + temperature
        + ", maxTokens="
        + maxTokens
        + ", reasoningEffort="
        + reasoningEffort
        + ", verbosity="
        + verbosity
        + ", reasoningModels="
        + reasoningModels
        + ", structuredOutputMode="
        + structuredOutputMode
        + ", maxConcurrentCalls="
        + maxConcurrentCalls()
        + ", maxQueuedCalls="
        + maxQueuedCalls()
        + "]";
  }

  /** Builds an {@link LlmConfig}. Not thread-safe; {@link #build()} validates. */
  public static final class Builder {
    private @Nullable String apiKey;
    private @Nullable String model;
    private @Nullable String smallModel;
    private @Nullable String baseUrl;
    private @Nullable Double temperature;
    private @Nullable Integer maxTokens;
    private @Nullable String reasoningEffort;
    private @Nullable String verbosity;
    private final Map<String, Boolean> reasoningModels = new LinkedHashMap<>();
    private @Nullable StructuredOutputMode structuredOutputMode;
    private @Nullable Integer maxConcurrentCalls;
    private @Nullable Integer maxQueuedCalls;

    private Builder() {}

    /**
     * Sets the most calls the client runs at once.
     *
     * @param max 1 to 100,000, or null for the setting {@value LlmConfig#MAX_CONCURRENT_CALLS} or
     *     {@value LlmConfig#DEFAULT_MAX_CONCURRENT_CALLS}
     * @return this builder
     */
    public Builder maxConcurrentCalls(@Nullable Integer max) {
      this.maxConcurrentCalls = max;
      return this;
    }

    /**
     * Sets the most calls that wait for a place; more fail at once with {@link
     * dev.llmclient.api.TooManyCallsException}.
     *
     * @param max 0 (no queue) to 1,000,000, or null for the setting {@value
     *     LlmConfig#MAX_QUEUED_CALLS} or {@value LlmConfig#DEFAULT_MAX_QUEUED_CALLS}
     * @return this builder
     */
    public Builder maxQueuedCalls(@Nullable Integer max) {
      this.maxQueuedCalls = max;
      return this;
    }

    /**
     * Sets how response types reach the model.
     *
     * @param mode the mode, or null for the setting {@code LLM_STRUCTURED_OUTPUT_MODE} or {@link
     *     StructuredOutputMode#JSON_SCHEMA}
     * @return this builder
     */
    public Builder structuredOutputMode(@Nullable StructuredOutputMode mode) {
      this.structuredOutputMode = mode;
      return this;
    }

    /**
     * Sets the API key handed to the selected provider.
     *
     * @param apiKey the key, or null
     * @return this builder
     */
    public Builder apiKey(@Nullable String apiKey) {
      this.apiKey = blankToNull(apiKey);
      return this;
    }

    /**
     * Sets the model or Azure deployment for {@code MEDIUM} calls.
     *
     * @param model the name, or null
     * @return this builder
     */
    public Builder model(@Nullable String model) {
      this.model = blankToNull(model);
      return this;
    }

    /**
     * Sets the model or Azure deployment for {@code SMALL} calls.
     *
     * @param smallModel the name, or null
     * @return this builder
     */
    public Builder smallModel(@Nullable String smallModel) {
      this.smallModel = blankToNull(smallModel);
      return this;
    }

    /**
     * Sets the base URL handed to the selected provider.
     *
     * @param baseUrl the URL, or null
     * @return this builder
     */
    public Builder baseUrl(@Nullable String baseUrl) {
      this.baseUrl = blankToNull(baseUrl);
      return this;
    }

    /**
     * Sets the sampling temperature.
     *
     * @param temperature 0.0 to 2.0, or null to leave it to the server
     * @return this builder
     */
    public Builder temperature(@Nullable Double temperature) {
      this.temperature = temperature;
      return this;
    }

    /**
     * Sets the default output-token cap.
     *
     * @param maxTokens a positive cap, or null for {@value LlmConfig#DEFAULT_MAX_TOKENS}
     * @return this builder
     */
    public Builder maxTokens(@Nullable Integer maxTokens) {
      this.maxTokens = maxTokens;
      return this;
    }

    /**
     * Sets the reasoning effort for reasoning models.
     *
     * @param reasoningEffort {@code "auto"}, {@code "none"}, {@code "minimal"}, {@code "low"},
     *     {@code "medium"}, {@code "high"} or another value the service accepts; null or empty to
     *     send none
     * @return this builder
     */
    public Builder reasoningEffort(@Nullable String reasoningEffort) {
      this.reasoningEffort = blankToNull(reasoningEffort);
      return this;
    }

    /**
     * Sets the verbosity for reasoning models.
     *
     * @param verbosity {@code "low"}, {@code "medium"} or {@code "high"}; null or empty to send
     *     none
     * @return this builder
     */
    public Builder verbosity(@Nullable String verbosity) {
      this.verbosity = blankToNull(verbosity);
      return this;
    }

    /**
     * Declares whether a model or deployment is a reasoning model, overriding the prefix rule.
     *
     * @param modelName the model or deployment name
     * @param reasoning true when it is a reasoning model
     * @return this builder
     */
    public Builder reasoningModel(String modelName, boolean reasoning) {
      Objects.requireNonNull(modelName, "modelName");
      reasoningModels.put(modelName, reasoning);
      return this;
    }

    /**
     * Validates and builds the configuration.
     *
     * @return the configuration
     * @throws IllegalArgumentException naming the setting that is wrong and what is allowed
     */
    public LlmConfig build() {
      if (temperature != null && (temperature.isNaN() || temperature < 0.0 || temperature > 2.0)) {
        throw new IllegalArgumentException(
            "temperature must be between 0.0 and 2.0, got " + temperature);
      }
      if (maxTokens != null && maxTokens <= 0) {
        throw new IllegalArgumentException(
            "maxTokens must be positive, got "
                + maxTokens
                + "; leave it unset for "
                + DEFAULT_MAX_TOKENS);
      }
      if (maxConcurrentCalls != null && (maxConcurrentCalls < 1 || maxConcurrentCalls > 100_000)) {
        throw new IllegalArgumentException(
            "maxConcurrentCalls ("
                + MAX_CONCURRENT_CALLS
                + ") must be 1 to 100000, got "
                + maxConcurrentCalls);
      }
      if (maxQueuedCalls != null && (maxQueuedCalls < 0 || maxQueuedCalls > 1_000_000)) {
        throw new IllegalArgumentException(
            "maxQueuedCalls ("
                + MAX_QUEUED_CALLS
                + ") must be 0 to 1000000, got "
                + maxQueuedCalls);
      }
      return new LlmConfig(this);
    }

    private static @Nullable String blankToNull(@Nullable String s) {
      return s == null || s.isBlank() ? null : s.trim();
    }
  }
}
