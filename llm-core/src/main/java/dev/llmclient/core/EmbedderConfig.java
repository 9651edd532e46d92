package dev.llmclient.core;

import dev.llmclient.api.ErrorContext;
import dev.llmclient.api.LlmConfigurationException;
import dev.llmclient.api.spi.ProviderSettings;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Model, dimension and batching settings of an {@link dev.llmclient.api.EmbedderClient}.
 *
 * <p>Every setting is optional. Unset ones fall back to the provider settings ({@value
 * #EMBEDDING_MODEL}, {@value #EMBEDDING_DIM}, {@value #EMBEDDING_DIMENSIONS_PARAM}, {@value
 * #EMBEDDING_BATCH_SIZE}, {@value #EMBEDDING_MAX_TOKENS_PER_REQUEST}, {@value
 * #EMBEDDING_CONCURRENCY}, {@value #EMBEDDING_MAX_QUEUED_REQUESTS}), then to the defaults.
 *
 * <p><b>Dimensions.</b> With a dimension set, every vector has exactly that length on every
 * provider. Models that support the API's {@code dimensions} parameter ({@code text-embedding-3-*}
 * by default, or any model declared with {@link Builder#dimensionsParameter(String, boolean)}) are
 * asked for it; for the others the client truncates the vector and L2-renormalises it, so that
 * cosine similarity and dot products stay meaningful (Graphiti truncated without renormalising on
 * OpenAI and did not truncate at all on Azure). Without a dimension, vectors keep the model's own
 * length. Graphiti's {@code EMBEDDING_DIM} defaulted to 1024: set {@code EMBEDDING_DIM=1024} to
 * keep vectors that fit an index built by it.
 *
 * <p><b>Batching.</b> A batch is split into requests of at most {@link #maxInputsPerRequest()}
 * texts and at most {@link #maxTokensPerRequest()} estimated tokens (characters divided by {@link
 * #charsPerToken()}); up to {@link #maxConcurrentRequests()} of them run at once per client, and
 * the others wait in a queue. A call that arrives while {@link #maxQueuedRequests()} requests wait
 * fails at once with {@link dev.llmclient.api.TooManyCallsException}; a call that is accepted is
 * accepted whole (all its requests queue), and a retry queues ahead of new work.
 *
 * <pre>{@code
 * EmbedderConfig config = EmbedderConfig.builder()
 *     .model("emb-prod")                          // an Azure deployment of text-embedding-3-large
 *     .dimensions(1024)
 *     .dimensionsParameter("emb-prod", true)      // the name does not reveal it: say so
 *     .build();
 * }</pre>
 */
public final class EmbedderConfig {

  /** The embedding model setting (on Azure: the embedding deployment when none is configured). */
  public static final String EMBEDDING_MODEL = "EMBEDDING_MODEL";

  /** The vector length setting. */
  public static final String EMBEDDING_DIM = "EMBEDDING_DIM";

  /**
   * Whether the configured model accepts the API's {@code dimensions} parameter ({@code true} or
   * {@code false}), overriding the name rule.
   */
  public static final String EMBEDDING_DIMENSIONS_PARAM = "EMBEDDING_DIMENSIONS_PARAM";

  /** The most texts per request setting. */
  public static final String EMBEDDING_BATCH_SIZE = "EMBEDDING_BATCH_SIZE";

  /** The estimated-token budget per request setting. */
  public static final String EMBEDDING_MAX_TOKENS_PER_REQUEST = "EMBEDDING_MAX_TOKENS_PER_REQUEST";

  /** The most requests in flight per client setting. */
  public static final String EMBEDDING_CONCURRENCY = "EMBEDDING_CONCURRENCY";

  /** The most requests waiting for a place setting. */
  public static final String EMBEDDING_MAX_QUEUED_REQUESTS = "EMBEDDING_MAX_QUEUED_REQUESTS";

  /** The model used when nothing names one: {@value}. */
  public static final String DEFAULT_MODEL = "text-embedding-3-small";

  /** The embeddings API's limit on inputs per request, and the default batch size: {@value}. */
  public static final int MAX_INPUTS_PER_REQUEST = 2048;

  /**
   * The default estimated-token budget per request: {@value}. OpenAI caps a request at 300,000
   * tokens; the characters-per-token estimate undercounts non-English text, so the default keeps a
   * wide margin.
   */
  public static final int DEFAULT_MAX_TOKENS_PER_REQUEST = 100_000;

  /** The default characters per token of the estimate: {@value}. */
  public static final double DEFAULT_CHARS_PER_TOKEN = 4.0;

  /** The default number of requests in flight per client: {@value}. */
  public static final int DEFAULT_MAX_CONCURRENT_REQUESTS = 4;

  /** The default number of requests that may wait for a place: {@value}. */
  public static final int DEFAULT_MAX_QUEUED_REQUESTS = 10_000;

  private static final EmbedderConfig DEFAULT = builder().build();

  private final @Nullable String apiKey;
  private final @Nullable String baseUrl;
  private final @Nullable String model;
  private final @Nullable Integer dimensions;
  private final Map<String, Boolean> dimensionsParameter;
  private final @Nullable Integer maxInputsPerRequest;
  private final @Nullable Integer maxTokensPerRequest;
  private final double charsPerToken;
  private final @Nullable Integer maxConcurrentRequests;
  private final @Nullable Integer maxQueuedRequests;

  private EmbedderConfig(Builder b) {
    this.maxQueuedRequests = b.maxQueuedRequests;
    this.apiKey = b.apiKey;
    this.baseUrl = b.baseUrl;
    this.model = b.model;
    this.dimensions = b.dimensions;
    this.dimensionsParameter = Map.copyOf(b.dimensionsParameter);
    this.maxInputsPerRequest = b.maxInputsPerRequest;
    this.maxTokensPerRequest = b.maxTokensPerRequest;
    this.charsPerToken = b.charsPerToken;
    this.maxConcurrentRequests = b.maxConcurrentRequests;
  }

  /**
   * A configuration with nothing set: everything comes from the settings and the defaults.
   *
   * @return the default configuration
   */
  public static EmbedderConfig getDefault() {
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
    b.baseUrl = baseUrl;
    b.model = model;
    b.dimensions = dimensions;
    b.dimensionsParameter.putAll(dimensionsParameter);
    b.maxInputsPerRequest = maxInputsPerRequest;
    b.maxTokensPerRequest = maxTokensPerRequest;
    b.charsPerToken = charsPerToken;
    b.maxConcurrentRequests = maxConcurrentRequests;
    b.maxQueuedRequests = maxQueuedRequests;
    return b;
  }

  /**
   * This configuration with every unset value filled from the settings: {@value #EMBEDDING_DIM},
   * {@value #EMBEDDING_BATCH_SIZE}, {@value #EMBEDDING_MAX_TOKENS_PER_REQUEST}, {@value
   * #EMBEDDING_CONCURRENCY}, {@value #EMBEDDING_MAX_QUEUED_REQUESTS}, and {@value
   * #EMBEDDING_DIMENSIONS_PARAM} for the given model. The model itself is resolved by the client
   * builder, which knows the provider's default.
   *
   * @param settings the settings
   * @param resolvedModel the model or deployment the client will call
   * @return the completed configuration
   * @throws LlmConfigurationException naming the setting when a value has the wrong form or range
   */
  EmbedderConfig withDefaultsFrom(ProviderSettings settings, String resolvedModel) {
    Builder b = toBuilder();
    b.model = resolvedModel;
    try {
      if (b.dimensions == null) {
        b.dimensions = settings.getInt(EMBEDDING_DIM);
      }
      if (b.maxInputsPerRequest == null) {
        b.maxInputsPerRequest = settings.getInt(EMBEDDING_BATCH_SIZE);
      }
      if (b.maxTokensPerRequest == null) {
        b.maxTokensPerRequest = settings.getInt(EMBEDDING_MAX_TOKENS_PER_REQUEST);
      }
      if (b.maxConcurrentRequests == null) {
        b.maxConcurrentRequests = settings.getInt(EMBEDDING_CONCURRENCY);
      }
      if (b.maxQueuedRequests == null) {
        b.maxQueuedRequests = settings.getInt(EMBEDDING_MAX_QUEUED_REQUESTS);
      }
      String param = settings.get(EMBEDDING_DIMENSIONS_PARAM);
      if (param != null && !b.dimensionsParameter.containsKey(resolvedModel)) {
        String p = param.trim().toLowerCase(Locale.ROOT);
        if (!p.equals("true") && !p.equals("false")) {
          throw new LlmConfigurationException(
              EMBEDDING_DIMENSIONS_PARAM
                  + " must be true (the model accepts the dimensions parameter) or false"
                  + " (truncate and renormalise on the client), got '"
                  + param
                  + "'");
        }
        b.dimensionsParameter.put(resolvedModel, p.equals("true"));
      }
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new LlmConfigurationException(e.getMessage(), ErrorContext.NONE, e);
    }
  }

  /**
   * The API key handed to the selected provider (Graphiti's embedder {@code api_key}) as {@code
   * OPENAI_API_KEY} or {@code AZURE_OPENAI_API_KEY}, overriding those settings.
   *
   * @return the key, or empty
   */
  public Optional<String> apiKey() {
    return Optional.ofNullable(apiKey);
  }

  /**
   * The base URL handed to the selected provider (Graphiti's embedder {@code base_url}) as {@code
   * OPENAI_BASE_URL} or {@code AZURE_OPENAI_ENDPOINT}, overriding those settings.
   *
   * @return the URL, or empty
   */
  public Optional<String> baseUrl() {
    return Optional.ofNullable(baseUrl);
  }

  /**
   * The model, or on Azure the embedding deployment.
   *
   * @return the name, or empty for the provider's configured one, then {@value #EMBEDDING_MODEL},
   *     then {@value #DEFAULT_MODEL}
   */
  public Optional<String> model() {
    return Optional.ofNullable(model);
  }

  /**
   * The length every vector is given.
   *
   * @return the length, or empty to keep the model's own length
   */
  public Optional<Integer> dimensions() {
    return Optional.ofNullable(dimensions);
  }

  /**
   * Models (or deployments) declared to accept the {@code dimensions} parameter or not, overriding
   * the name rule.
   *
   * @return an unmodifiable map from name to capability
   */
  public Map<String, Boolean> dimensionsParameters() {
    return dimensionsParameter;
  }

  /**
   * Whether a model accepts the API's {@code dimensions} parameter: the explicit declaration first,
   * else true for names starting with {@code text-embedding-3} and false for everything else
   * ({@code text-embedding-ada-002}, other servers' models), which then get truncated and
   * renormalised on the client.
   *
   * @param modelName the model or deployment name
   * @return true when {@code dimensions} is sent
   */
  public boolean acceptsDimensionsParameter(String modelName) {
    Boolean declared = dimensionsParameter.get(modelName);
    if (declared != null) {
      return declared;
    }
    return modelName.toLowerCase(Locale.ROOT).startsWith("text-embedding-3");
  }

  /**
   * The most texts in one request.
   *
   * @return 1 to {@value #MAX_INPUTS_PER_REQUEST}; {@value #MAX_INPUTS_PER_REQUEST} unless set
   */
  public int maxInputsPerRequest() {
    return maxInputsPerRequest == null ? MAX_INPUTS_PER_REQUEST : maxInputsPerRequest;
  }

  /**
   * The most estimated tokens in one request; a single longer text still goes alone.
   *
   * @return the budget; {@value #DEFAULT_MAX_TOKENS_PER_REQUEST} unless set
   */
  public int maxTokensPerRequest() {
    return maxTokensPerRequest == null ? DEFAULT_MAX_TOKENS_PER_REQUEST : maxTokensPerRequest;
  }

  /**
   * The characters per token the token estimate assumes.
   *
   * @return the ratio; {@value #DEFAULT_CHARS_PER_TOKEN} unless set
   */
  public double charsPerToken() {
    return charsPerToken;
  }

  /**
   * The most requests one client has in flight, across all its calls.
   *
   * @return the limit; {@value #DEFAULT_MAX_CONCURRENT_REQUESTS} unless set
   */
  public int maxConcurrentRequests() {
    return maxConcurrentRequests == null ? DEFAULT_MAX_CONCURRENT_REQUESTS : maxConcurrentRequests;
  }

  /**
   * The most requests that wait for a place among {@link #maxConcurrentRequests()}; a call that
   * arrives when this many wait fails at once.
   *
   * @return the limit; {@value #DEFAULT_MAX_QUEUED_REQUESTS} unless set
   */
  public int maxQueuedRequests() {
    return maxQueuedRequests == null ? DEFAULT_MAX_QUEUED_REQUESTS : maxQueuedRequests;
  }

  /**
   * The estimated tokens of one text: its length divided by {@link #charsPerToken()}, rounded up,
   * at least 1.
   *
   * @param text the text
   * @return the estimate
   */
  public long estimateTokens(String text) {
    return Math.max(1L, (long) Math.ceil(text.length() / charsPerToken));
  }

  /** Shows every setting; the API key is redacted. */
  @Override
  public String toString() {
    return "EmbedderConfig[apiKey="
        + (apiKey == null ? null : "****")
        + ", baseUrl="
        + baseUrl
        + ", model="
        + model
        + ", dimensions="
        + dimensions
        + ", dimensionsParameter="
        + dimensionsParameter
        + ", maxInputsPerRequest="
        + maxInputsPerRequest()
        + ", maxTokensPerRequest="
        + maxTokensPerRequest()
        + ", charsPerToken="
        + charsPerToken
        + ", maxConcurrentRequests="
        + maxConcurrentRequests()
        + ", maxQueuedRequests="
        + maxQueuedRequests()
        + "]";
  }

  /** Builds an {@link EmbedderConfig}. Not thread-safe; {@link #build()} validates. */
  public static final class Builder {
    private @Nullable String apiKey;
    private @Nullable String baseUrl;
    private @Nullable String model;
    private @Nullable Integer dimensions;
    private final Map<String, Boolean> dimensionsParameter = new LinkedHashMap<>();
    private @Nullable Integer maxInputsPerRequest;
    private @Nullable Integer maxTokensPerRequest;
    private double charsPerToken = DEFAULT_CHARS_PER_TOKEN;
    private @Nullable Integer maxConcurrentRequests;
    private @Nullable Integer maxQueuedRequests;

    private Builder() {}

    /**
     * Sets the API key handed to the selected provider.
     *
     * @param apiKey the key, or null
     * @return this builder
     */
    public Builder apiKey(@Nullable String apiKey) {
      this.apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey.trim();
      return this;
    }

    /**
     * Sets the base URL handed to the selected provider.
     *
     * @param baseUrl the URL, or null
     * @return this builder
     */
    public Builder baseUrl(@Nullable String baseUrl) {
      this.baseUrl = baseUrl == null || baseUrl.isBlank() ? null : baseUrl.trim();
      return this;
    }

    /**
     * Sets the model, or on Azure the embedding deployment.
     *
     * @param model the name, or null
     * @return this builder
     */
    public Builder model(@Nullable String model) {
      this.model = model == null || model.isBlank() ? null : model.trim();
      return this;
    }

    /**
     * Sets the length every vector is given.
     *
     * @param dimensions a positive length, or null to keep the model's own length
     * @return this builder
     */
    public Builder dimensions(@Nullable Integer dimensions) {
      this.dimensions = dimensions;
      return this;
    }

    /**
     * Declares whether a model or deployment accepts the API's {@code dimensions} parameter,
     * overriding the name rule.
     *
     * @param modelName the model or deployment name
     * @param accepted true to send {@code dimensions}; false to truncate and renormalise instead
     * @return this builder
     */
    public Builder dimensionsParameter(String modelName, boolean accepted) {
      Objects.requireNonNull(modelName, "modelName");
      dimensionsParameter.put(modelName, accepted);
      return this;
    }

    /**
     * Sets the most texts in one request.
     *
     * @param max 1 to {@value EmbedderConfig#MAX_INPUTS_PER_REQUEST}, or null for that limit
     * @return this builder
     */
    public Builder maxInputsPerRequest(@Nullable Integer max) {
      this.maxInputsPerRequest = max;
      return this;
    }

    /**
     * Sets the most estimated tokens in one request.
     *
     * @param max a positive budget, or null for {@value
     *     EmbedderConfig#DEFAULT_MAX_TOKENS_PER_REQUEST}
     * @return this builder
     */
    public Builder maxTokensPerRequest(@Nullable Integer max) {
      this.maxTokensPerRequest = max;
      return this;
    }

    /**
     * Sets the characters per token of the token estimate; lower it for text in scripts that
     * tokenise densely (Chinese, Japanese: about 1).
     *
     * @param charsPerToken a positive ratio
     * @return this builder
     */
    public Builder charsPerToken(double charsPerToken) {
      this.charsPerToken = charsPerToken;
      return this;
    }

    /**
     * Sets the most requests one client has in flight.
     *
     * @param max 1 to 256, or null for {@value EmbedderConfig#DEFAULT_MAX_CONCURRENT_REQUESTS}
     * @return this builder
     */
    public Builder maxConcurrentRequests(@Nullable Integer max) {
      this.maxConcurrentRequests = max;
      return this;
    }

    /**
     * Sets the most requests that wait for a place; a call that arrives when this many wait fails
     * at once with {@link dev.llmclient.api.TooManyCallsException}.
     *
     * @param max 0 (no queue) to 1,000,000, or null for {@value
     *     EmbedderConfig#DEFAULT_MAX_QUEUED_REQUESTS}
     * @return this builder
     */
    public Builder maxQueuedRequests(@Nullable Integer max) {
      this.maxQueuedRequests = max;
      return this;
    }

    /**
     * Validates and builds the configuration.
     *
     * @return the configuration
     * @throws IllegalArgumentException naming the setting that is wrong and what is allowed
     */
    public EmbedderConfig build() {
      if (dimensions != null && dimensions < 1) {
        throw new IllegalArgumentException(
            "dimensions ("
                + EMBEDDING_DIM
                + ") must be positive, got "
                + dimensions
                + "; leave it unset to keep the model's own length");
      }
      if (maxInputsPerRequest != null
          && (maxInputsPerRequest < 1 || maxInputsPerRequest > MAX_INPUTS_PER_REQUEST)) {
        throw new IllegalArgumentException(
            "maxInputsPerRequest ("
                + EMBEDDING_BATCH_SIZE
                + ") must be 1 to "
                + MAX_INPUTS_PER_REQUEST
                + ", got "
                + maxInputsPerRequest);
      }
      if (maxTokensPerRequest != null && maxTokensPerRequest < 1) {
        throw new IllegalArgumentException(
            "maxTokensPerRequest ("
                + EMBEDDING_MAX_TOKENS_PER_REQUEST
                + ") must be positive, got "
                + maxTokensPerRequest);
      }
      if (Double.isNaN(charsPerToken) || charsPerToken <= 0 || Double.isInfinite(charsPerToken)) {
        throw new IllegalArgumentException(
            "charsPerToken must be a positive number, got " + charsPerToken);
      }
      if (maxConcurrentRequests != null
          && (maxConcurrentRequests < 1 || maxConcurrentRequests > 256)) {
        throw new IllegalArgumentException(
            "maxConcurrentRequests ("
                + EMBEDDING_CONCURRENCY
                + ") must be 1 to 256, got "
                + maxConcurrentRequests);
      }
      if (maxQueuedRequests != null && (maxQueuedRequests < 0 || maxQueuedRequests > 1_000_000)) {
        throw new IllegalArgumentException(
            "maxQueuedRequests ("
                + EMBEDDING_MAX_QUEUED_REQUESTS
                + ") must be 0 to 1000000, got "
                + maxQueuedRequests);
      }
      return new EmbedderConfig(this);
    }
  }
}
