package dev.llmclient.core;

import dev.llmclient.api.EmbedderClient;
import dev.llmclient.api.spi.EmbeddingBackend;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.api.spi.ResponseCache;
import dev.llmclient.api.spi.Tracer;
import dev.llmclient.core.internal.embed.PipelineEmbedder;
import dev.llmclient.core.internal.runtime.CaffeineResponseCache;
import dev.llmclient.core.internal.select.ProviderCandidate;
import dev.llmclient.core.internal.select.ProviderSelector;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds an {@link EmbedderClient}; get one from {@link LlmClients#embedder()}.
 *
 * <p>The provider is selected exactly as for chat ({@link LlmClients#builder()}): an explicit id,
 * then {@code -Dllm.provider}, then {@code LLM_PROVIDER}, else the one configured provider; only
 * the selected provider is instantiated and asked for an embedding backend. The model (on Azure the
 * embedding deployment) is, in order: {@link EmbedderConfig.Builder#model(String)}, the provider's
 * own setting ({@code AZURE_OPENAI_EMBEDDING_DEPLOYMENT_NAME} on Azure, {@code
 * EMBEDDING_MODEL_NAME} on OpenAI), {@value EmbedderConfig#EMBEDDING_MODEL}, then {@value
 * EmbedderConfig#DEFAULT_MODEL}.
 *
 * <p>Every call goes through the core like a chat call: transport retries and the deadline of the
 * {@link RetryPolicy}, a {@code <prefix>.llm.embed} span with one {@code embeddings <model>} CLIENT
 * child per HTTP attempt, token usage recorded under {@link #promptName(String)}, and the response
 * cache per text, so a batch that is partly cached sends only the rest. Each text's line breaks are
 * replaced by spaces before anything else, as Graphiti's embedding helper does.
 *
 * <pre>{@code
 * try (EmbedderClient embedder = LlmClients.embedder()
 *     .config(EmbedderConfig.builder().dimensions(1024).build())
 *     .enableCache()
 *     .build()) {
 *   List<float[]> vectors = embedder.createBatch(nodeNames);
 * }
 * }</pre>
 *
 * <p>Not thread-safe; {@link #build()} may be called more than once, each time creating a new
 * client.
 */
public final class EmbedderClientBuilder {

  private static final Logger LOG = LoggerFactory.getLogger(EmbedderClientBuilder.class);

  /** The prompt name usage is recorded under unless {@link #promptName(String)} sets one. */
  public static final String DEFAULT_PROMPT_NAME = "embeddings";

  private @Nullable String providerId;
  private @Nullable ProviderSettings settings;
  private EmbedderConfig config = EmbedderConfig.getDefault();
  private RetryPolicy retryPolicy = RetryPolicy.getDefault();
  private @Nullable ResponseCache cache;
  private @Nullable Tracer tracer;
  private String spanPrefix = "llmclient";
  private String promptName = DEFAULT_PROMPT_NAME;
  private @Nullable TokenUsageTracker tracker;
  private @Nullable EmbeddingBackend backend;
  private Clock clock = Clock.systemUTC();
  private @Nullable ScheduledExecutorService scheduler;
  private DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();
  private Supplier<List<ProviderCandidate>> candidates = LlmClients::serviceLoaderCandidates;

  EmbedderClientBuilder() {}

  /**
   * Selects the provider by id, over {@code -Dllm.provider} and {@code LLM_PROVIDER}.
   *
   * @param id the provider id, e.g. {@code "azure"}
   * @return this builder
   */
  public EmbedderClientBuilder provider(String id) {
    this.providerId = Objects.requireNonNull(id, "id");
    return this;
  }

  /**
   * Sets the settings providers and the embedder read (default: {@link
   * ProviderSettings#fromEnvironment()}).
   *
   * @param settings the settings
   * @return this builder
   */
  public EmbedderClientBuilder settings(ProviderSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
    return this;
  }

  /**
   * Sets the model, dimension and batching configuration; unset values come from the settings.
   *
   * @param config the configuration
   * @return this builder
   */
  public EmbedderClientBuilder config(EmbedderConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    return this;
  }

  /**
   * Sets the retry policy (default: {@link RetryPolicy#getDefault()}); its re-ask count does not
   * apply to embeddings.
   *
   * @param retryPolicy the policy
   * @return this builder
   */
  public EmbedderClientBuilder retryPolicy(RetryPolicy retryPolicy) {
    this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
    return this;
  }

  /**
   * Caches vectors per text in this cache (off by default); it may be shared with chat clients,
   * whose keys never collide with embedding keys. A cache that throws counts as a miss.
   *
   * @param cache the cache
   * @return this builder
   */
  public EmbedderClientBuilder cache(ResponseCache cache) {
    this.cache = Objects.requireNonNull(cache, "cache");
    return this;
  }

  /**
   * Caches vectors in memory: at most 100,000 texts, each for at most one hour.
   *
   * @return this builder
   */
  public EmbedderClientBuilder enableCache() {
    return enableCache(100_000, Duration.ofHours(1));
  }

  /**
   * Caches vectors in memory with the given bounds.
   *
   * @param maxEntries the most vectors kept, at least 1
   * @param timeToLive how long a vector is kept after it was written, positive
   * @return this builder
   * @throws IllegalArgumentException when a bound is out of range
   */
  public EmbedderClientBuilder enableCache(long maxEntries, Duration timeToLive) {
    this.cache = CaffeineResponseCache.bounded(maxEntries, timeToLive);
    return this;
  }

  /**
   * Sets the tracer. Default: the first {@link dev.llmclient.api.spi.TracerProvider} on the
   * classpath (add {@code tracing-otel} for OpenTelemetry), else none.
   *
   * @param tracer the tracer
   * @return this builder
   */
  public EmbedderClientBuilder tracer(Tracer tracer) {
    this.tracer = Objects.requireNonNull(tracer, "tracer");
    return this;
  }

  /**
   * Sets the span-name prefix: spans are called {@code <prefix>.llm.embed}. Trailing dots are
   * dropped.
   *
   * @param spanPrefix the prefix, default {@code "llmclient"}
   * @return this builder
   * @throws IllegalArgumentException when blank
   */
  public EmbedderClientBuilder spanPrefix(String spanPrefix) {
    this.spanPrefix = LlmClients.spanPrefixOf(spanPrefix);
    return this;
  }

  /**
   * Sets the prompt name this client's token usage is recorded under in the {@link
   * TokenUsageTracker} and shown on its spans, e.g. {@code "embed_nodes"}; build one client per
   * name to tell node and edge embeddings apart.
   *
   * @param promptName the name, default {@value #DEFAULT_PROMPT_NAME}
   * @return this builder
   * @throws IllegalArgumentException when blank
   */
  public EmbedderClientBuilder promptName(String promptName) {
    if (Objects.requireNonNull(promptName, "promptName").isBlank()) {
      throw new IllegalArgumentException("promptName must not be blank");
    }
    this.promptName = promptName.strip();
    return this;
  }

  /**
   * Records every call's token usage in this tracker, which the application keeps to read it.
   *
   * @param tracker the tracker; may be shared with chat clients
   * @return this builder
   */
  public EmbedderClientBuilder tokenUsageTracker(TokenUsageTracker tracker) {
    this.tracker = Objects.requireNonNull(tracker, "tracker");
    return this;
  }

  /**
   * Uses this backend instead of discovering a provider: for tests and custom providers. The client
   * closes it when it is closed.
   *
   * @param backend the backend
   * @return this builder
   */
  public EmbedderClientBuilder backend(EmbeddingBackend backend) {
    this.backend = Objects.requireNonNull(backend, "backend");
    return this;
  }

  /** For tests: the clock that measures the deadline. */
  EmbedderClientBuilder clock(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    return this;
  }

  /** For tests: the scheduler retries and deadlines run on; the client does not shut it down. */
  EmbedderClientBuilder scheduler(ScheduledExecutorService scheduler) {
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    return this;
  }

  /** For tests: the source of jitter, values in [0, 1). */
  EmbedderClientBuilder random(DoubleSupplier random) {
    this.random = Objects.requireNonNull(random, "random");
    return this;
  }

  /** For tests: where provider candidates come from instead of the ServiceLoader. */
  EmbedderClientBuilder candidates(Supplier<List<ProviderCandidate>> candidates) {
    this.candidates = Objects.requireNonNull(candidates, "candidates");
    return this;
  }

  /**
   * Selects the provider, creates its embedding backend and builds the client.
   *
   * @return a new client; close it when done
   * @throws dev.llmclient.api.LlmConfigurationException when no single provider can be selected,
   *     its settings are incomplete or wrong, or a setting of the embedder is out of range, saying
   *     what to set or add
   */
  public EmbedderClient build() {
    ProviderSettings s = settings != null ? settings : ProviderSettings.fromEnvironment();
    EmbeddingBackend embeddings = backend;
    if (embeddings == null) {
      ProviderSelector.Selection selection =
          ProviderSelector.of(candidates.get(), id -> settingsFor(id, s, config))
              .select(ProviderSelector.Explicit.resolve(providerId, s));
      embeddings = selection.provider().createEmbeddingBackend(selection.settings());
      LOG.debug("selected embedding provider {}", selection.id());
    }
    EmbedderConfig effective;
    String model;
    try {
      model = resolveModel(config, embeddings.info().defaultModel(), s);
      effective = config.withDefaultsFrom(s, model);
    } catch (RuntimeException e) {
      if (backend == null) {
        embeddings.close();
      }
      throw e;
    }
    Tracer t = tracer != null ? tracer : LlmClients.Builder.discoverTracer(s);
    boolean ownsScheduler = scheduler == null;
    ScheduledExecutorService exec =
        ownsScheduler ? LlmClients.Builder.newScheduler() : Objects.requireNonNull(scheduler);
    return new PipelineEmbedder(
        embeddings,
        model,
        effective,
        retryPolicy,
        cache,
        t,
        spanPrefix,
        promptName,
        tracker,
        clock,
        exec,
        ownsScheduler,
        random);
  }

  /**
   * The provider's settings: the config's key and URL under the provider's names, and {@value
   * EmbedderConfig#EMBEDDING_MODEL} handed over as the provider's own embedding setting when that
   * one is unset.
   */
  static ProviderSettings settingsFor(String id, ProviderSettings settings, EmbedderConfig config) {
    LlmConfig keyAndUrl =
        LlmConfig.builder()
            .apiKey(config.apiKey().orElse(null))
            .baseUrl(config.baseUrl().orElse(null))
            .build();
    ProviderSettings result = LlmClients.settingsFor(id, settings, keyAndUrl);
    String model = settings.get(EmbedderConfig.EMBEDDING_MODEL);
    if (model == null || model.isBlank()) {
      return result;
    }
    String own =
        switch (id) {
          case "openai" -> "EMBEDDING_MODEL_NAME";
          case "azure" -> "AZURE_OPENAI_EMBEDDING_DEPLOYMENT_NAME";
          default -> null;
        };
    if (own != null && !result.isSet(own)) {
      result = result.with(own, model.trim());
    }
    return result;
  }

  static String resolveModel(
      EmbedderConfig config, @Nullable String providerDefault, ProviderSettings settings) {
    if (config.model().isPresent()) {
      return config.model().get();
    }
    if (providerDefault != null && !providerDefault.isBlank()) {
      return providerDefault;
    }
    String fromSettings = settings.get(EmbedderConfig.EMBEDDING_MODEL);
    if (fromSettings != null && !fromSettings.isBlank()) {
      return fromSettings.trim();
    }
    return EmbedderConfig.DEFAULT_MODEL;
  }

  @Override
  public String toString() {
    return "EmbedderClientBuilder[provider="
        + providerId
        + ", config="
        + config
        + ", retryPolicy="
        + retryPolicy
        + "]";
  }
}
