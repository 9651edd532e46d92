package dev.llmclient.core.pool;

import dev.llmclient.api.RateLimitException;
import dev.llmclient.api.spi.ChatBackend;
import dev.llmclient.api.spi.EmbeddingBackend;
import dev.llmclient.api.spi.LlmProvider;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.api.spi.SettingNames;
import dev.llmclient.api.spi.Tracer;
import dev.llmclient.core.PriceTable;
import dev.llmclient.core.internal.select.ProviderSettingNames;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Builds a {@link DeploymentPool}; get one with {@link DeploymentPool#builder()}. Not thread-safe;
 * {@link #build()} validates.
 *
 * <p>Defaults: breakers as {@link CircuitBreakerPolicy#getDefault()}, each a breaker of the pool's
 * own registry; budgets in the pool's own {@link BudgetStore#inProcess()} store, over a 10 s window
 * used to 95%; a 429 without {@code Retry-After} cools its member down for 1 s, and no 429 for more
 * than 60 s; at most 10,000 calls wait, each at most 30 s; limits are learned from headers.
 *
 * <pre>{@code
 * DeploymentPool pool = DeploymentPool.builder()
 *     .members(ProviderSettings.fromEnvironment())
 *     .circuitBreaker(CircuitBreakerPolicy.builder().openDuration(Duration.ofSeconds(10)).build())
 *     .build();
 * }</pre>
 */
public final class DeploymentPoolBuilder {
  final List<DeploymentMember> members = new ArrayList<>();
  Clock clock = Clock.systemUTC();
  @Nullable ScheduledExecutorService scheduler;
  Tracer tracer = Tracer.noop();
  @Nullable PriceTable prices;
  @Nullable Consumer<DeploymentRoute> onRoute;
  int maxQueued = 10_000;
  Duration maxWait = Duration.ofSeconds(30);
  Duration defaultCooldown = Duration.ofSeconds(1);
  Duration maxCooldown = Duration.ofSeconds(60);
  boolean learnLimits = true;
  Duration budgetWindow = Duration.ofSeconds(10);
  double budgetUtilisation = 0.95;
  CircuitBreakerPolicy breakerPolicy = CircuitBreakerPolicy.getDefault();
  @Nullable CircuitBreakerRegistry breakerRegistry;
  @Nullable BudgetStore budgetStore;
  final List<AutoCloseable> closeWithPool = new ArrayList<>();

  DeploymentPoolBuilder() {}

  /**
   * Adds a member.
   *
   * @param member the member; names must be unique
   * @return this builder
   */
  public DeploymentPoolBuilder member(DeploymentMember member) {
    members.add(Objects.requireNonNull(member, "member"));
    return this;
  }

  /**
   * Adds a member with weight 1, tier 1 and no configured limits.
   *
   * @param name the member's name
   * @param backend its backend
   * @return this builder
   */
  public DeploymentPoolBuilder member(String name, ChatBackend backend) {
    return member(DeploymentMember.of(name, backend));
  }

  /**
   * Adds the members described by the {@value DeploymentPool#DEPLOYMENTS_SETTING} setting, creating
   * each backend with the provider of that id on the classpath; the builder's other options still
   * apply.
   *
   * @param settings the settings, with the environment as fallback
   * @return this builder
   * @throws dev.llmclient.api.LlmConfigurationException when the setting is missing or malformed, a
   *     provider is not on the classpath, or a member's settings are incomplete
   */
  public DeploymentPoolBuilder members(ProviderSettings settings) {
    return members(settings, DeploymentSettings::createWithServiceLoader);
  }

  /**
   * Adds the members described by the {@value DeploymentPool#DEPLOYMENTS_SETTING} setting, creating
   * each backend with a factory. Each member's endpoint, deployment and key are put under the names
   * its provider on the classpath declares ({@link LlmProvider#settingNames()}); use {@link
   * #membersFrom(ProviderSettings, Function)} for a provider that is not on the classpath.
   *
   * @param settings the settings, with the environment as fallback
   * @param factory creates a backend from a provider id and that member's settings
   * @return this builder
   * @throws dev.llmclient.api.LlmConfigurationException when the setting is missing or malformed,
   *     or the factory rejects a member's settings
   */
  public DeploymentPoolBuilder members(
      ProviderSettings settings, BiFunction<String, ProviderSettings, ChatBackend> factory) {
    DeploymentSettings.configure(this, settings, factory);
    return this;
  }

  /**
   * Adds the members described by the {@value DeploymentPool#DEPLOYMENTS_SETTING} setting, each
   * created by the provider this function returns for the member's provider id, with its endpoint,
   * deployment and key under the names that provider declares.
   *
   * <pre>{@code
   * AcmeProvider acme = new AcmeProvider(tokenSource);
   * DeploymentPool pool = DeploymentPool.builder()
   *     .membersFrom(settings, id -> acme)
   *     .build();
   * }</pre>
   *
   * @param settings the settings, with the environment as fallback
   * @param providers the provider for an id; throw {@link
   *     dev.llmclient.api.LlmConfigurationException} for an id you do not know
   * @return this builder
   * @throws dev.llmclient.api.LlmConfigurationException when the setting is missing or malformed, a
   *     provider declares no setting names, or a member's settings are incomplete
   */
  public DeploymentPoolBuilder membersFrom(
      ProviderSettings settings, Function<String, LlmProvider> providers) {
    Objects.requireNonNull(providers, "providers");
    DeploymentSettings.configure(
        this, settings, (id, s) -> providers.apply(id).createChatBackend(s), names(providers));
    return this;
  }

  /**
   * Adds an embedding member ({@link DeploymentMember#builder(String, EmbeddingBackend)}) for each
   * member of the {@value DeploymentPool#DEPLOYMENTS_SETTING} setting that names its embedding
   * deployment ({@code ;embedding=DEPLOYMENT}, limits {@code ;embedding-rpm=N;embedding-tpm=N}),
   * creating each backend with the provider of that id on the classpath. Serve them with {@link
   * DeploymentPool#embeddings()}.
   *
   * @param settings the settings, with the environment as fallback
   * @return this builder
   * @throws dev.llmclient.api.LlmConfigurationException when the setting is missing, malformed or
   *     names no embedding deployment, a provider is not on the classpath, or a member's settings
   *     are incomplete
   */
  public DeploymentPoolBuilder embeddingMembers(ProviderSettings settings) {
    DeploymentSettings.configureEmbeddings(
        this,
        settings,
        DeploymentSettings::createEmbeddingsWithServiceLoader,
        DeploymentSettings::namesWithServiceLoader);
    return this;
  }

  /**
   * Like {@link #embeddingMembers(ProviderSettings)}, each member's embedding backend created by
   * the provider this function returns for the member's provider id.
   *
   * @param settings the settings, with the environment as fallback
   * @param providers the provider for an id; throw {@link
   *     dev.llmclient.api.LlmConfigurationException} for an id you do not know
   * @return this builder
   * @throws dev.llmclient.api.LlmConfigurationException when the setting is missing, malformed or
   *     names no embedding deployment, a provider declares no setting names, or a member's settings
   *     are incomplete
   */
  public DeploymentPoolBuilder embeddingMembersFrom(
      ProviderSettings settings, Function<String, LlmProvider> providers) {
    Objects.requireNonNull(providers, "providers");
    DeploymentSettings.configureEmbeddings(
        this, settings, (id, s) -> providers.apply(id).createEmbeddingBackend(s), names(providers));
    return this;
  }

  /**
   * Whether the {@value DeploymentPool#DEPLOYMENTS_SETTING} setting is set and names the embedding
   * deployment of a member: then {@code LlmClients.embedder()} builds a pool of them.
   *
   * @param settings the settings, with the environment as fallback
   * @return true when a member has {@code ;embedding=DEPLOYMENT}
   * @throws dev.llmclient.api.LlmConfigurationException when the setting is malformed
   */
  public static boolean namesEmbeddingMembers(ProviderSettings settings) {
    return DeploymentSettings.hasEmbeddingMembers(settings);
  }

  private static Function<String, SettingNames> names(Function<String, LlmProvider> providers) {
    return id ->
        ProviderSettingNames.require(
            providers.apply(id), "a pool member's endpoint, deployment and key");
  }

  /**
   * Sets the clock for cool-downs, budgets and breakers (default: the system UTC clock).
   *
   * @param value the clock
   * @return this builder
   */
  public DeploymentPoolBuilder clock(Clock value) {
    this.clock = Objects.requireNonNull(value, "clock");
    return this;
  }

  /**
   * Sets the scheduler that wakes waiting calls; the pool does not shut it down. Default: a daemon
   * thread of its own.
   *
   * @param value the scheduler
   * @return this builder
   */
  public DeploymentPoolBuilder scheduler(ScheduledExecutorService value) {
    this.scheduler = Objects.requireNonNull(value, "scheduler");
    return this;
  }

  /**
   * Traces each call as a span {@code llmclient.pool.route} (off by default).
   *
   * @param value the tracer
   * @return this builder
   */
  public DeploymentPoolBuilder tracer(Tracer value) {
    this.tracer = Objects.requireNonNull(value, "tracer");
    return this;
  }

  /**
   * Prices each member's answers for {@link DeploymentPool#stats()} and {@link
   * DeploymentRoute#cost()}.
   *
   * @param value the price table, keyed by the model the server reports or the deployment name
   * @return this builder
   */
  public DeploymentPoolBuilder prices(PriceTable value) {
    this.prices = Objects.requireNonNull(value, "prices");
    return this;
  }

  /**
   * Calls this listener after every answered request with the member that answered it. It runs on
   * the thread that completed the request and must be quick; an exception it throws is logged and
   * ignored.
   *
   * @param listener the listener
   * @return this builder
   */
  public DeploymentPoolBuilder onRoute(Consumer<DeploymentRoute> listener) {
    this.onRoute = Objects.requireNonNull(listener, "listener");
    return this;
  }

  /**
   * Sets how many calls may wait for budget at once; more fail at once with a {@link
   * RateLimitException}.
   *
   * @param value 1 to 1,000,000
   * @return this builder
   */
  public DeploymentPoolBuilder maxQueued(int value) {
    this.maxQueued = value;
    return this;
  }

  /**
   * Sets how long a call may wait for budget or cool-down before it fails with a {@link
   * RateLimitException} (which the client's retry policy may retry).
   *
   * @param value a positive duration
   * @return this builder
   */
  public DeploymentPoolBuilder maxWait(Duration value) {
    this.maxWait = Objects.requireNonNull(value, "maxWait");
    return this;
  }

  /**
   * Sets how long a member cools down after a 429 that named no wait.
   *
   * @param value a non-negative duration
   * @return this builder
   */
  public DeploymentPoolBuilder defaultCooldown(Duration value) {
    this.defaultCooldown = Objects.requireNonNull(value, "defaultCooldown");
    return this;
  }

  /**
   * Sets the longest a 429 cools its member down. A server's {@code Retry-After} (seconds or an
   * HTTP date) beyond it is cut to it, so that a wrong or hostile header cannot take a member out
   * of the pool for hours; the 429 itself still reaches the client with the server's wait, where
   * {@code RetryPolicy.maxRetryAfter} decides whether to honour it. Also caps {@link
   * #defaultCooldown}.
   *
   * @param value a positive duration (default 60 s, the default {@code RetryPolicy.maxRetryAfter})
   * @return this builder
   */
  public DeploymentPoolBuilder maxCooldown(Duration value) {
    this.maxCooldown = Objects.requireNonNull(value, "maxCooldown");
    return this;
  }

  /**
   * Whether members without configured limits adopt the server's {@code x-ratelimit-limit-*}
   * headers, and whether {@code x-ratelimit-remaining-*: 0} holds a member until its reset (default
   * true).
   *
   * @param value true to learn
   * @return this builder
   */
  public DeploymentPoolBuilder learnLimits(boolean value) {
    this.learnLimits = value;
    return this;
  }

  /**
   * Sets the window the budgets are enforced over: each member has at most its per-minute limit
   * times {@code window / 1 min} requests (and tokens) in flight or answered within the last
   * window. Match the service's own evaluation window (Azure OpenAI: 10 s for RPM).
   *
   * @param value 1 ms to 60 s
   * @return this builder
   */
  public DeploymentPoolBuilder budgetWindow(Duration value) {
    this.budgetWindow = Objects.requireNonNull(value, "budgetWindow");
    return this;
  }

  /**
   * Sets the share of each limit the pool uses, leaving the rest as headroom for clock skew and
   * other clients.
   *
   * @param value more than 0, at most 1 (default 0.95)
   * @return this builder
   */
  public DeploymentPoolBuilder budgetUtilisation(double value) {
    this.budgetUtilisation = value;
    return this;
  }

  /**
   * Sets where the members' budgets are kept (default: a {@link BudgetStore#inProcess()} store of
   * the pool's own). Each member's budget key is its name (an embedding member's is followed by
   * {@value DeploymentMember#EMBEDDING_BUDGET_SUFFIX}); pools (or processes) sharing a store share
   * the budget of members with the same name. The pool does not close the store.
   *
   * @param value the store
   * @return this builder
   */
  public DeploymentPoolBuilder budgetStore(BudgetStore value) {
    this.budgetStore = Objects.requireNonNull(value, "budgetStore");
    return this;
  }

  /**
   * Closes this resource when the pool is closed, after its members: for a budget store (or
   * anything else) that only this pool uses. The pool built from settings by {@code
   * LlmClients.fromEnvironment()} closes its {@value dev.llmclient.core.StoreProvider#REDIS_URL}
   * store this way.
   *
   * @param resource the resource
   * @return this builder
   */
  public DeploymentPoolBuilder closeWithPool(AutoCloseable resource) {
    closeWithPool.add(Objects.requireNonNull(resource, "resource"));
    return this;
  }

  /**
   * Sets when a member's circuit breaker opens and how it is probed again.
   *
   * @param value the policy (default {@link CircuitBreakerPolicy#getDefault()})
   * @return this builder
   */
  public DeploymentPoolBuilder circuitBreaker(CircuitBreakerPolicy value) {
    this.breakerPolicy = Objects.requireNonNull(value, "circuitBreaker");
    return this;
  }

  /**
   * Takes the members' circuit breakers from this registry, one per member under the member's name,
   * so that their state and events can be observed ({@code
   * registry.circuitBreaker("east").getEventPublisher().onStateTransition(...)}). A breaker already
   * in the registry under that name is used as it is; new ones get the {@link
   * #circuitBreaker(CircuitBreakerPolicy) policy} on the pool's clock. Default: a registry of the
   * pool's own.
   *
   * @param value the registry
   * @return this builder
   */
  public DeploymentPoolBuilder circuitBreakerRegistry(CircuitBreakerRegistry value) {
    this.breakerRegistry = Objects.requireNonNull(value, "circuitBreakerRegistry");
    return this;
  }

  /**
   * Validates and builds the pool.
   *
   * @return the pool
   * @throws IllegalArgumentException naming the setting that is wrong and what is allowed
   */
  public DeploymentPool build() {
    if (members.isEmpty()) {
      throw new IllegalArgumentException(
          "a DeploymentPool needs at least one member: call member(...), or set "
              + DeploymentPool.DEPLOYMENTS_SETTING);
    }
    Set<String> names = new HashSet<>();
    for (DeploymentMember m : members) {
      if (!names.add(m.name())) {
        throw new IllegalArgumentException(
            "two pool members are named '" + m.name() + "'; give each a unique name");
      }
    }
    if (maxQueued < 1 || maxQueued > 1_000_000) {
      throw new IllegalArgumentException("maxQueued must be 1 to 1,000,000, got " + maxQueued);
    }
    positive("maxWait", maxWait);
    positive("maxCooldown", maxCooldown);
    if (defaultCooldown.isNegative()) {
      throw new IllegalArgumentException(
          "defaultCooldown must not be negative, got " + defaultCooldown);
    }
    // the rules validate the window and utilisation
    rules(0, 0);
    return new DeploymentPool(this);
  }

  /** The budget rules of a member with these configured limits. */
  BudgetStore.Rules rules(int requestsPerMinute, int tokensPerMinute) {
    return new BudgetStore.Rules(
        budgetWindow, budgetUtilisation, requestsPerMinute, tokensPerMinute);
  }

  private static void positive(String name, Duration d) {
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, got " + d);
    }
  }

  /** The pool's members, each registered with the budget store and given its breaker. */
  List<PoolMember> poolMembers(long maxWaitNanos) {
    long maxCooldownNanos = PoolTime.nanosAtMost(maxCooldown, Long.MAX_VALUE);
    BudgetStore store = budgetStore != null ? budgetStore : BudgetStore.inProcess();
    PoolMember.Settings settings =
        new PoolMember.Settings(
            store,
            PoolTime.nanosAtMost(defaultCooldown, maxCooldownNanos),
            maxCooldownNanos,
            maxWaitNanos,
            learnLimits,
            clock);
    CircuitBreakerRegistry registry =
        breakerRegistry != null ? breakerRegistry : CircuitBreakerRegistry.ofDefaults();
    CircuitBreakerConfig breakerConfig = breakerPolicy.toConfig(clock);
    List<PoolMember> list = new ArrayList<>(members.size());
    for (DeploymentMember m : members) {
      store.register(m.budgetKey(), rules(m.requestsPerMinute(), m.tokensPerMinute()));
      list.add(new PoolMember(m, registry.circuitBreaker(m.name(), breakerConfig), settings));
    }
    return List.copyOf(list);
  }
}
