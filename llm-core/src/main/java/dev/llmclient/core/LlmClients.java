package dev.llmclient.core;

import dev.llmclient.api.EmbedderClient;
import dev.llmclient.api.LlmClient;
import dev.llmclient.api.spi.ChatBackend;
import dev.llmclient.api.spi.LlmProvider;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.api.spi.ResponseCache;
import dev.llmclient.api.spi.Tracer;
import dev.llmclient.api.spi.TracerProvider;
import dev.llmclient.core.internal.chat.PipelineClient;
import dev.llmclient.core.internal.runtime.CaffeineResponseCache;
import dev.llmclient.core.internal.select.ProviderCandidate;
import dev.llmclient.core.internal.select.ProviderSelector;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entry point: builds an {@link LlmClient} on the provider found on the classpath.
 *
 * <p>The provider is selected deterministically, never by classpath order: an explicit id ({@link
 * Builder#provider(String)}, then {@code -Dllm.provider}, then the {@code LLM_PROVIDER} setting)
 * wins; otherwise the one provider whose settings are complete is used. Every other case is an
 * {@link dev.llmclient.api.LlmConfigurationException} whose message says what was found and what to
 * set or add. Providers that are not selected are never instantiated.
 *
 * <pre>{@code
 * try (LlmClient llm = LlmClients.builder()
 *     .config(LlmConfig.builder().smallModel("gpt-4o-mini").build())
 *     .enableCache()
 *     .build()) {
 *   Person p = llm.generate(List.of(Message.user("Ada Lovelace, born 1815")), Person.class);
 * }
 * }</pre>
 */
public final class LlmClients {

  private static final Logger LOG = LoggerFactory.getLogger(LlmClients.class);

  private LlmClients() {}

  /** A span-name prefix without surrounding blanks or trailing dots; never empty. */
  static String spanPrefixOf(String spanPrefix) {
    String p = Objects.requireNonNull(spanPrefix, "spanPrefix").strip();
    while (p.endsWith(".")) {
      p = p.substring(0, p.length() - 1);
    }
    if (p.isEmpty()) {
      throw new IllegalArgumentException(
          "spanPrefix must contain a name, e.g. \"myapp\", got '" + spanPrefix + "'");
    }
    return p;
  }

  /**
   * A client with everything from the environment: the same as {@code builder().build()}.
   *
   * @return a new client; close it when done
   * @throws dev.llmclient.api.LlmConfigurationException when no single provider can be selected or
   *     its settings are incomplete, saying what to set or add
   */
  public static LlmClient fromEnvironment() {
    return builder().build();
  }

  /**
   * A builder with the defaults: settings from the environment, no cache, the default retry policy.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * An embedder with everything from the environment: the same as {@code embedder().build()}.
   *
   * @return a new embedder; close it when done
   * @throws dev.llmclient.api.LlmConfigurationException when no single provider can be selected or
   *     its settings are incomplete, saying what to set or add
   */
  public static EmbedderClient embedderFromEnvironment() {
    return embedder().build();
  }

  /**
   * A builder for an {@link EmbedderClient}, selecting the provider by the same rules as {@link
   * #builder()}: settings from the environment, no cache, the default retry policy.
   *
   * @return the builder
   */
  public static EmbedderClientBuilder embedder() {
    return new EmbedderClientBuilder();
  }

  /**
   * Describes every provider on the classpath and which one a client built with these settings
   * would use (honouring {@code -Dllm.provider} and {@code LLM_PROVIDER}). Instantiates every
   * provider to ask whether it is configured, but creates no backend.
   *
   * @param settings the settings to check
   * @return the report
   * @throws dev.llmclient.api.LlmConfigurationException when two providers share an id
   */
  public static ProviderReport describeProviders(ProviderSettings settings) {
    Objects.requireNonNull(settings, "settings");
    return describeProviders(settings, serviceLoaderCandidates());
  }

  static ProviderReport describeProviders(
      ProviderSettings settings, List<ProviderCandidate> candidates) {
    LlmConfig config = LlmConfig.getDefault();
    ProviderSelector.Description d =
        ProviderSelector.of(candidates, id -> settingsFor(id, settings, config))
            .describe(ProviderSelector.Explicit.resolve(null, settings));
    return new ProviderReport(d.statuses(), d.selectedId(), d.problem());
  }

  static List<ProviderCandidate> serviceLoaderCandidates() {
    return ServiceLoader.load(LlmProvider.class).stream().map(ProviderCandidate::of).toList();
  }

  /** The settings a provider is built from: the user's, plus the config's key and URL. */
  static ProviderSettings settingsFor(String id, ProviderSettings settings, LlmConfig config) {
    String keyName =
        switch (id) {
          case "openai" -> "OPENAI_API_KEY";
          case "azure" -> "AZURE_OPENAI_API_KEY";
          default -> null;
        };
    String urlName =
        switch (id) {
          case "openai" -> "OPENAI_BASE_URL";
          case "azure" -> "AZURE_OPENAI_ENDPOINT";
          default -> null;
        };
    ProviderSettings result = settings;
    if (keyName != null && config.apiKey().isPresent()) {
      result = result.with(keyName, config.apiKey().get());
    }
    if (urlName != null && config.baseUrl().isPresent()) {
      result = result.with(urlName, config.baseUrl().get());
    }
    return result;
  }

  /**
   * Builds an {@link LlmClient}. Not thread-safe; {@link #build()} selects the provider and may be
   * called more than once, each time creating a new client.
   */
  public static final class Builder {
    private @Nullable String providerId;
    private @Nullable ProviderSettings settings;
    private LlmConfig config = LlmConfig.getDefault();
    private RetryPolicy retryPolicy = RetryPolicy.getDefault();
    private @Nullable ResponseCache cache;
    private @Nullable Tracer tracer;
    private String spanPrefix = "llmclient";
    private @Nullable SystemPromptSuffix suffix;
    private @Nullable ChatBackend backend;
    private @Nullable TokenUsageTracker tracker;
    private @Nullable Integer maxTokens;
    private Clock clock = Clock.systemUTC();
    private @Nullable ScheduledExecutorService scheduler;
    private DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();
    private Supplier<List<ProviderCandidate>> candidates = LlmClients::serviceLoaderCandidates;

    private Builder() {}

    /**
     * Selects the provider by id, over {@code -Dllm.provider} and {@code LLM_PROVIDER}.
     *
     * @param id the provider id, e.g. {@code "azure"}
     * @return this builder
     */
    public Builder provider(String id) {
      this.providerId = Objects.requireNonNull(id, "id");
      return this;
    }

    /**
     * Sets the settings providers read (default: {@link ProviderSettings#fromEnvironment()}).
     *
     * @param settings the settings
     * @return this builder
     */
    public Builder settings(ProviderSettings settings) {
      this.settings = Objects.requireNonNull(settings, "settings");
      return this;
    }

    /**
     * Sets the model and generation configuration; unset values come from the settings.
     *
     * @param config the configuration
     * @return this builder
     */
    public Builder config(LlmConfig config) {
      this.config = Objects.requireNonNull(config, "config");
      return this;
    }

    /**
     * Sets the client-wide output-token cap, between the per-call value and {@link
     * LlmConfig#maxTokens()} (Graphiti's {@code max_tokens} constructor argument).
     *
     * @param maxTokens a positive cap
     * @return this builder
     * @throws IllegalArgumentException when not positive
     */
    public Builder maxTokens(int maxTokens) {
      if (maxTokens <= 0) {
        throw new IllegalArgumentException("maxTokens must be positive, got " + maxTokens);
      }
      this.maxTokens = maxTokens;
      return this;
    }

    /**
     * Sets the retry and re-ask policy (default: {@link RetryPolicy#getDefault()}).
     *
     * @param retryPolicy the policy
     * @return this builder
     */
    public Builder retryPolicy(RetryPolicy retryPolicy) {
      this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
      return this;
    }

    /**
     * Caches validated answers in this cache (off by default). A cache that throws counts as a
     * miss.
     *
     * @param cache the cache
     * @return this builder
     */
    public Builder cache(ResponseCache cache) {
      this.cache = Objects.requireNonNull(cache, "cache");
      return this;
    }

    /**
     * Caches validated answers in memory: at most 10,000 answers, each for at most one hour.
     *
     * @return this builder
     */
    public Builder enableCache() {
      return enableCache(10_000, Duration.ofHours(1));
    }

    /**
     * Caches validated answers in memory with the given bounds.
     *
     * @param maxEntries the most answers kept, at least 1
     * @param timeToLive how long an answer is kept after it was written, positive
     * @return this builder
     * @throws IllegalArgumentException when a bound is out of range
     */
    public Builder enableCache(long maxEntries, Duration timeToLive) {
      this.cache = CaffeineResponseCache.bounded(maxEntries, timeToLive);
      return this;
    }

    /**
     * Sets the tracer. Default: the first {@link TracerProvider} on the classpath (add {@code
     * tracing-otel} for OpenTelemetry), else none.
     *
     * @param tracer the tracer
     * @return this builder
     */
    public Builder tracer(Tracer tracer) {
      this.tracer = Objects.requireNonNull(tracer, "tracer");
      return this;
    }

    /**
     * Sets the span-name prefix: spans are called {@code <prefix>.llm.generate}. Trailing dots are
     * dropped.
     *
     * @param spanPrefix the prefix, default {@code "llmclient"}
     * @return this builder
     * @throws IllegalArgumentException when blank
     */
    public Builder spanPrefix(String spanPrefix) {
      this.spanPrefix = spanPrefixOf(spanPrefix);
      return this;
    }

    /**
     * Appends text to the first message of every call, e.g. {@link
     * SystemPromptSuffix#languageInstruction()} for Graphiti's behaviour. Off by default.
     *
     * @param suffix the suffix hook
     * @return this builder
     */
    public Builder systemPromptSuffix(SystemPromptSuffix suffix) {
      this.suffix = Objects.requireNonNull(suffix, "suffix");
      return this;
    }

    /**
     * Records every call's token usage in this tracker, which the application keeps to read it.
     *
     * @param tracker the tracker; may be shared by several clients
     * @return this builder
     */
    public Builder tokenUsageTracker(TokenUsageTracker tracker) {
      this.tracker = Objects.requireNonNull(tracker, "tracker");
      return this;
    }

    /**
     * Uses this backend instead of discovering a provider: for tests and custom providers. The
     * client closes it when it is closed.
     *
     * @param backend the backend
     * @return this builder
     */
    public Builder backend(ChatBackend backend) {
      this.backend = Objects.requireNonNull(backend, "backend");
      return this;
    }

    /** For tests: the clock that measures the deadline. */
    Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** For tests: the scheduler retries and deadlines run on; the client does not shut it down. */
    Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /** For tests: the source of jitter, values in [0, 1). */
    Builder random(DoubleSupplier random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /** For tests: where provider candidates come from instead of the ServiceLoader. */
    Builder candidates(Supplier<List<ProviderCandidate>> candidates) {
      this.candidates = Objects.requireNonNull(candidates, "candidates");
      return this;
    }

    /**
     * Selects the provider, creates its backend and builds the client.
     *
     * @return a new client; close it when done
     * @throws dev.llmclient.api.LlmConfigurationException when no single provider can be selected
     *     or its settings are incomplete or wrong, saying what to set or add
     */
    public LlmClient build() {
      ProviderSettings s = settings != null ? settings : ProviderSettings.fromEnvironment();
      LlmConfig effective = config.withDefaultsFrom(s);
      ChatBackend chat = backend;
      if (chat == null) {
        ProviderSelector.Selection selection =
            ProviderSelector.of(candidates.get(), id -> settingsFor(id, s, effective))
                .select(ProviderSelector.Explicit.resolve(providerId, s));
        chat = selection.provider().createChatBackend(selection.settings());
        LOG.debug("selected LLM provider {}", selection.id());
      }
      Tracer t = tracer != null ? tracer : discoverTracer(s);
      boolean ownsScheduler = scheduler == null;
      ScheduledExecutorService exec = ownsScheduler ? newScheduler() : scheduler;
      return new PipelineClient(
          chat,
          effective,
          maxTokens,
          retryPolicy,
          cache,
          t,
          spanPrefix,
          suffix,
          tracker,
          clock,
          exec,
          ownsScheduler,
          random);
    }

    static Tracer discoverTracer(ProviderSettings settings) {
      try {
        for (TracerProvider provider : ServiceLoader.load(TracerProvider.class)) {
          Tracer t = provider.create(settings);
          if (t != null) {
            return t;
          }
        }
      } catch (RuntimeException | java.util.ServiceConfigurationError e) {
        LOG.warn("the tracer provider on the classpath failed; tracing is off", e);
      }
      return Tracer.noop();
    }

    private static final AtomicInteger THREADS = new AtomicInteger();

    static ScheduledExecutorService newScheduler() {
      ScheduledThreadPoolExecutor exec =
          new ScheduledThreadPoolExecutor(
              1,
              r -> {
                Thread thread = new Thread(r, "llmclient-scheduler-" + THREADS.incrementAndGet());
                thread.setDaemon(true);
                return thread;
              });
      exec.setRemoveOnCancelPolicy(true);
      return exec;
    }

    @Override
    public String toString() {
      return "LlmClients.Builder[provider="
          + providerId
          + ", config="
          + config
          + ", retryPolicy="
          + retryPolicy
          + "]";
    }
  }
}
