package dev.llmclient.core;

import dev.llmclient.api.spi.LlmProvider;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.api.spi.ResponseCache;
import dev.llmclient.api.spi.Tracer;
import dev.llmclient.api.spi.TracerProvider;
import dev.llmclient.core.internal.runtime.CaffeineResponseCache;
import dev.llmclient.core.internal.runtime.ClientRuntime;
import dev.llmclient.core.internal.select.ProviderCandidate;
import dev.llmclient.core.internal.select.ProviderSelector;
import dev.llmclient.core.pool.BudgetStore;
import dev.llmclient.core.pool.DeploymentPool;
import dev.llmclient.core.pool.DeploymentPoolBuilder;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every client builder shares, in the style of the AWS SDK's client builders: the provider
 * choice, settings, retry policy, cache, tracer, span prefix, usage tracker and backend, the test
 * hooks, and the parts of {@code build()} that do not depend on the kind of client (settings,
 * provider selection, tracer discovery, the scheduler). A kind of client adds its configuration and
 * says which backend it asks the provider for.
 *
 * @param <B> the concrete builder, returned by every setter
 * @param <K> the backend the client runs on
 * @param <C> the kind's configuration
 */
abstract class ClientBuilder<B extends ClientBuilder<B, K, C>, K, C> {

  private static final Logger LOG = LoggerFactory.getLogger(ClientBuilder.class);

  /** The span prefix when neither the builder nor the tracer sets one: {@value}. */
  static final String DEFAULT_SPAN_PREFIX = "llmclient";

  @Nullable String providerId;
  @Nullable ProviderSettings settings;
  RetryPolicy retryPolicy = RetryPolicy.getDefault();
  @Nullable ResponseCache cache;
  @Nullable Tracer tracer;
  @Nullable String spanPrefix;
  @Nullable CallLog callLog;
  @Nullable TokenUsageTracker tracker;
  @Nullable K backend;
  Clock clock = Clock.systemUTC();
  @Nullable ScheduledExecutorService scheduler;
  DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();
  Supplier<List<ProviderCandidate>> candidates = LlmClients::serviceLoaderCandidates;
  Supplier<List<StoreProvider>> stores = SettingsStores::serviceLoader;

  private final String name;
  C config;

  ClientBuilder(String name, C defaultConfig) {
    this.name = name;
    this.config = defaultConfig;
  }

  @SuppressWarnings("unchecked")
  private B self() {
    return (B) this;
  }

  /**
   * Sets the client's configuration (models, limits and what only this kind of client has); unset
   * values come from the settings.
   *
   * @param config the configuration
   * @return this builder
   */
  public B config(C config) {
    this.config = Objects.requireNonNull(config, "config");
    return self();
  }

  /**
   * Selects the provider by id, over {@code -Dllm.provider} and {@code LLM_PROVIDER}.
   *
   * @param id the provider id, e.g. {@code "azure"}
   * @return this builder
   */
  public B provider(String id) {
    this.providerId = Objects.requireNonNull(id, "id");
    return self();
  }

  /**
   * Sets the settings providers and the client read (default: {@link
   * ProviderSettings#fromEnvironment()}).
   *
   * @param settings the settings
   * @return this builder
   */
  public B settings(ProviderSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
    return self();
  }

  /**
   * Sets the retry policy (default: {@link RetryPolicy#getDefault()}); its re-ask count applies to
   * chat only.
   *
   * @param retryPolicy the policy
   * @return this builder
   */
  public B retryPolicy(RetryPolicy retryPolicy) {
    this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
    return self();
  }

  /**
   * Caches answers in this cache (off by default); chat clients and embedders may share one, their
   * keys never collide. A cache that throws counts as a miss.
   *
   * @param cache the cache
   * @return this builder
   */
  public B cache(ResponseCache cache) {
    this.cache = Objects.requireNonNull(cache, "cache");
    return self();
  }

  /**
   * Caches answers in memory with the given bounds.
   *
   * @param maxEntries the most answers kept, at least 1
   * @param timeToLive how long an answer is kept after it was written, positive
   * @return this builder
   * @throws IllegalArgumentException when a bound is out of range
   */
  public B enableCache(long maxEntries, Duration timeToLive) {
    this.cache = CaffeineResponseCache.bounded(maxEntries, timeToLive);
    return self();
  }

  /**
   * Sets the tracer. Default: the first {@link TracerProvider} on the classpath (add {@code
   * tracing-otel} for OpenTelemetry), else none.
   *
   * @param tracer the tracer
   * @return this builder
   */
  public B tracer(Tracer tracer) {
    this.tracer = Objects.requireNonNull(tracer, "tracer");
    return self();
  }

  /**
   * Sets the span-name prefix: spans are called {@code <prefix>.llm.generate} for chat and {@code
   * <prefix>.llm.embed} for embeddings. Trailing dots are dropped. A tracer configured with a
   * prefix of its own (see {@link Tracer#spanPrefix()}) gives it to the client; setting a different
   * one here fails the build.
   *
   * @param spanPrefix the prefix, default the tracer's, else {@value #DEFAULT_SPAN_PREFIX}
   * @return this builder
   * @throws IllegalArgumentException when blank
   */
  public B spanPrefix(String spanPrefix) {
    this.spanPrefix = spanPrefixOf(spanPrefix);
    return self();
  }

  /**
   * Records every call's token usage in this tracker, which the application keeps to read it.
   *
   * @param tracker the tracker; may be shared by several clients
   * @return this builder
   */
  public B tokenUsageTracker(TokenUsageTracker tracker) {
    this.tracker = Objects.requireNonNull(tracker, "tracker");
    return self();
  }

  /**
   * Uses this backend instead of discovering a provider: for tests and custom providers. The client
   * closes it when it is closed.
   *
   * @param backend the backend
   * @return this builder
   */
  public B backend(K backend) {
    this.backend = Objects.requireNonNull(backend, "backend");
    return self();
  }

  /**
   * Sets what the call log shows, over the setting {@code LLM_LOG}; see {@link CallLog}.
   *
   * @param callLog the level
   * @return this builder
   */
  public B callLog(CallLog callLog) {
    this.callLog = Objects.requireNonNull(callLog, "callLog");
    return self();
  }

  /** For tests: the clock that measures the deadline. */
  B clock(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    return self();
  }

  /** For tests: the scheduler retries and deadlines run on; the client does not shut it down. */
  B scheduler(ScheduledExecutorService scheduler) {
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    return self();
  }

  /** For tests: the source of jitter, values in [0, 1). */
  B random(DoubleSupplier random) {
    this.random = Objects.requireNonNull(random, "random");
    return self();
  }

  /** For tests: where provider candidates come from instead of the ServiceLoader. */
  B candidates(Supplier<List<ProviderCandidate>> candidates) {
    this.candidates = Objects.requireNonNull(candidates, "candidates");
    return self();
  }

  /** For tests: where store providers come from instead of the ServiceLoader. */
  B stores(Supplier<List<StoreProvider>> stores) {
    this.stores = Objects.requireNonNull(stores, "stores");
    return self();
  }

  // ---- build -------------------------------------------------------------------------------

  /** The settings the client is built from: the ones set, else the environment. */
  final ProviderSettings resolvedSettings() {
    ProviderSettings s = settings != null ? settings : ProviderSettings.fromEnvironment();
    CallLog log = callLog;
    return log == null ? s : s.with("LLM_LOG", log.name().toLowerCase(java.util.Locale.ROOT));
  }

  /**
   * The backend set with {@link #backend}, else the selected provider's.
   *
   * @param s the resolved settings
   * @param settingsFor the settings each provider is asked with
   * @param create asks the selected provider for the backend
   * @param kind what the backend is, for the log
   */
  final K backendOrSelect(
      ProviderSettings s,
      Function<LlmProvider, ProviderSettings> settingsFor,
      BiFunction<LlmProvider, ProviderSettings, K> create,
      String kind) {
    K given = backend;
    if (given != null) {
      return given;
    }
    ProviderSelector.Selection selection =
        ProviderSelector.of(candidates.get(), settingsFor::apply)
            .select(ProviderSelector.Explicit.resolve(providerId, s));
    checkSettings(selection.provider(), s);
    K created = create.apply(selection.provider(), selection.settings());
    LOG.debug("selected {} provider {}", kind, selection.id());
    return created;
  }

  /**
   * The pool {@value DeploymentPool#DEPLOYMENTS_SETTING} describes, on the budget store the
   * settings ask for (closed with the pool).
   *
   * @param members adds the members of the kind the client needs, each made by the provider the
   *     function returns for the member's provider id
   */
  final DeploymentPool pool(
      ProviderSettings s,
      BiConsumer<DeploymentPoolBuilder, Function<String, LlmProvider>> members) {
    ProviderSelector selector = ProviderSelector.of(candidates.get(), p -> s);
    BudgetStore store = SettingsStores.budgetStore(s, stores.get());
    try {
      DeploymentPoolBuilder pool = DeploymentPool.builder();
      members.accept(pool, id -> selector.provider(id, DeploymentPool.DEPLOYMENTS_SETTING));
      if (store != null) {
        pool.budgetStore(store).closeWithPool(store);
      }
      DeploymentPool built = pool.build();
      LOG.debug(
          "built a pool of {} members from {}",
          built.stats().size(),
          DeploymentPool.DEPLOYMENTS_SETTING);
      return built;
    } catch (RuntimeException e) {
      SettingsStores.closeQuietly(store);
      throw e;
    }
  }

  /**
   * Checks the settings of the selected provider before it is asked for a backend; nothing by
   * default.
   *
   * @param provider the selected provider
   * @param s the resolved settings
   */
  void checkSettings(LlmProvider provider, ProviderSettings s) {}

  /**
   * The response cache the settings ask for ({@value StoreProvider#REDIS_URL}, {@value
   * StoreProvider#CACHE_DIR}, ...) when none was set on the builder; the client owns it.
   *
   * @return the cache, or null when one was set or the settings ask for none
   */
  final @Nullable ResponseCache settingsCache(ProviderSettings s) {
    return cache != null ? null : SettingsStores.responseCache(s, stores.get());
  }

  /**
   * What every client gets, whatever its kind: the tracer found now, a scheduler, and the cache set
   * on the builder, else the one made from the settings.
   *
   * @param owned the cache made from the settings, closed with the client, or null
   */
  final ClientRuntime.Options options(ProviderSettings s, @Nullable ResponseCache owned) {
    Tracer t = tracer != null ? tracer : discoverTracer(s);
    ScheduledExecutorService given = scheduler;
    boolean ownsScheduler = given == null;
    ScheduledExecutorService exec = given != null ? given : ClientRuntime.newScheduler();
    ResponseCache c = cache != null ? cache : owned;
    List<AutoCloseable> closeWithClient =
        owned instanceof AutoCloseable closeable ? List.of(closeable) : List.of();
    String prefix =
        OneValue.of(
            "the span prefix",
            "the client builder's spanPrefix(...)",
            spanPrefix,
            "the tracer's spanPrefix (" + t.getClass().getName() + ")",
            t.spanPrefix().map(ClientBuilder::spanPrefixOf).orElse(null));
    return new ClientRuntime.Options(
        retryPolicy,
        c,
        t,
        prefix != null ? prefix : DEFAULT_SPAN_PREFIX,
        tracker,
        clock,
        exec,
        ownsScheduler,
        random,
        closeWithClient);
  }

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

  @Override
  public String toString() {
    return name
        + "[provider="
        + providerId
        + ", config="
        + config
        + ", retryPolicy="
        + retryPolicy
        + "]";
  }
}
