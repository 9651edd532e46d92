package dev.llmclient.core.pool;

import dev.llmclient.api.LlmConfigurationException;
import dev.llmclient.api.LlmConnectionException;
import dev.llmclient.api.spi.BackendInfo;
import dev.llmclient.api.spi.ChatBackend;
import dev.llmclient.api.spi.ChatCompletion;
import dev.llmclient.api.spi.ChatCompletionRequest;
import dev.llmclient.api.spi.EmbeddingBackend;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.api.spi.SpanKind;
import dev.llmclient.api.spi.Tracer;
import dev.llmclient.core.internal.runtime.ClientRuntime;
import dev.llmclient.core.internal.runtime.SafeSpan;
import dev.llmclient.core.pool.PoolRouter.Decision;
import dev.llmclient.core.pool.PoolRouter.Kind;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Several deployments (regions, quota pools, or providers) behind one {@link ChatBackend}: wire it
 * with {@code LlmClients.builder().backend(pool)} and every call of the client is routed, failed
 * over, throttled and broken per member. Its embedding members serve {@link #embeddings()} alike.
 *
 * <h2>Routing</h2>
 *
 * A call goes to the lowest {@linkplain DeploymentMember#tier() tier} that has a member able to
 * take it now; tier 2 serves only while every tier-1 member is open, cooling down or over budget.
 * Within a tier the pool picks the member with the best {@code weight * (budget left) / (requests
 * in flight + 1)}, rotating among equals.
 *
 * <h2>Failover</h2>
 *
 * A retryable failure (429, 5xx, 408, timeout, connection failure) moves the same request at once
 * to another member that has not failed it yet; only when none is left does the failure reach the
 * client, whose retry policy then backs off and calls the pool again. A 429 cools its member down
 * until its {@code Retry-After} (or {@link DeploymentPoolBuilder#defaultCooldown} when it sent
 * none), but never longer than {@link DeploymentPoolBuilder#maxCooldown} (60 s by default), however
 * far ahead the server's wait or date lies. Failures that are not retryable (a bad request, a
 * content filter, a refusal) are the same everywhere and are returned as they are.
 *
 * <h2>Circuit breakers</h2>
 *
 * Each member has a resilience4j circuit breaker, taken from the {@linkplain
 * DeploymentPoolBuilder#circuitBreakerRegistry registry} under the member's name, so its state and
 * events can be observed. It opens when the failure rate or the slow-call rate of the member's
 * recent calls passes the {@link CircuitBreakerPolicy}'s threshold, lets a few probe calls through
 * after its open duration, and closes again when they succeed; the policy says what counts as a
 * failure (429s do not). When every member's breaker is open a call fails at once with {@link
 * DeploymentUnavailableException}, naming the members and when each reopens.
 *
 * <h2>Client-side budget</h2>
 *
 * A member with a requests-per-minute or tokens-per-minute limit (configured, or learned from the
 * server's {@code x-ratelimit-limit-*} headers) gets at most that share per {@link
 * DeploymentPoolBuilder#budgetWindow} (10 s by default, as Azure OpenAI evaluates its quotas): a
 * request holds its share from when it is sent until one window after its answer, so no window the
 * server counts in can see more, however long the requests take. A call counts its prompt tokens,
 * estimated at about four characters each and corrected by the usage the server reports, plus its
 * output-token cap. When no member can take a call it waits, without blocking a thread, in a
 * bounded queue for at most {@link DeploymentPoolBuilder#maxWait}; a server that reports {@code
 * x-ratelimit-remaining-requests: 0} (or tokens) holds its member until the reset it names. The
 * budgets live in a {@link BudgetStore}: the pool's own by default, or one shared by several pools
 * or processes.
 *
 * <h2>Settings</h2>
 *
 * {@link #fromSettings(ProviderSettings)} builds the pool from one setting, {@value
 * #DEPLOYMENTS_SETTING}, whose syntax the {@linkplain dev.llmclient.core.pool package
 * documentation} gives.
 *
 * <h2>Observability</h2>
 *
 * With {@link DeploymentPoolBuilder#tracer(Tracer)} each call gets a span {@code
 * llmclient.pool.route} with the attributes {@code llmclient.pool.member}, {@code
 * llmclient.pool.failovers} and {@code llmclient.pool.budget_wait_ms}, and the events {@code
 * llmclient.pool.failover}, {@code llmclient.pool.breaker} (a breaker changed state) and {@code
 * llmclient.pool.budget_wait}. {@link #stats()} gives counters, usage and cost per member; {@link
 * #memberFor(String)} and {@link DeploymentPoolBuilder#onRoute} tell which member answered a
 * request.
 *
 * <pre>{@code
 * DeploymentPool pool = DeploymentPool.builder()
 *     .member(DeploymentMember.builder("east", east).requestsPerMinute(600).build())
 *     .member(DeploymentMember.builder("west", west).requestsPerMinute(300).build())
 *     .member(DeploymentMember.builder("openai", openAi).tier(2).build())
 *     .build();
 * LlmClient llm = LlmClients.builder().backend(pool).build();
 * }</pre>
 *
 * <p>Thread-safe. Closing the pool closes every member's backend.
 */
public final class DeploymentPool implements ChatBackend {

  /** The setting {@link #fromSettings(ProviderSettings)} reads the members from. */
  public static final String DEPLOYMENTS_SETTING = "AZURE_OPENAI_DEPLOYMENTS";

  /**
   * The provider of a member whose entry in {@value #DEPLOYMENTS_SETTING} names none, {@value}: the
   * setting is Azure OpenAI's, so its members are Azure deployments unless they say otherwise.
   */
  public static final String DEFAULT_MEMBER_PROVIDER = "azure";

  /** The provider id the pool reports when its members come from different providers. */
  static final String PROVIDER_ID = "pool";

  private static final Logger LOG = LoggerFactory.getLogger(DeploymentPool.class);

  private final List<PoolMember> members;
  private final BackendInfo info;
  private final @Nullable BackendInfo embeddingInfo;
  private final boolean servesChat;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private final boolean ownsScheduler;
  private final Tracer tracer;
  private final @Nullable Consumer<DeploymentRoute> onRoute;
  private final long maxWaitNanos;
  private final PoolStats stats;
  private final List<AutoCloseable> closeWithPool;

  // one lock for the routing, the members' state and the queue: a decision reads all three
  private final Object lock = new Object();
  private final PoolRouter router;
  private final BudgetWaitQueue queue;
  private volatile boolean closed;

  DeploymentPool(DeploymentPoolBuilder b) {
    this.clock = b.clock;
    this.tracer = b.tracer;
    this.onRoute = b.onRoute;
    this.stats = new PoolStats(b.prices);
    this.closeWithPool = List.copyOf(b.closeWithPool);
    this.maxWaitNanos = PoolTime.nanosAtMost(b.maxWait, Long.MAX_VALUE);
    this.members = b.poolMembers(maxWaitNanos);
    int[] tiers = members.stream().mapToInt(m -> m.config.tier()).distinct().sorted().toArray();
    List<PoolMember> chat = members.stream().filter(m -> m.chat != null).toList();
    List<PoolMember> embedding = members.stream().filter(m -> m.embeddings != null).toList();
    this.servesChat = !chat.isEmpty();
    this.info = PoolRouter.poolInfo(servesChat ? chat : embedding);
    this.embeddingInfo = embedding.isEmpty() ? null : PoolRouter.poolInfo(embedding);
    this.router = new PoolRouter(members, tiers);
    this.ownsScheduler = b.scheduler == null;
    this.scheduler = b.scheduler != null ? b.scheduler : ClientRuntime.newScheduler();
    this.queue =
        new BudgetWaitQueue(
            clock, scheduler, this::wakeUp, info.providerId(), b.maxQueued, maxWaitNanos);
  }

  /**
   * A builder with the defaults described on {@link DeploymentPoolBuilder}.
   *
   * @return the builder
   */
  public static DeploymentPoolBuilder builder() {
    return new DeploymentPoolBuilder();
  }

  /**
   * A pool from the {@value #DEPLOYMENTS_SETTING} setting, creating each member's backend with the
   * provider of that id found on the classpath.
   *
   * @param settings the settings, with the environment as fallback
   * @return the pool; close it (or the client it is given to) when done
   * @throws dev.llmclient.api.LlmConfigurationException when the setting is missing or malformed, a
   *     provider is not on the classpath, or a member's settings are incomplete
   */
  public static DeploymentPool fromSettings(ProviderSettings settings) {
    return builder().members(settings).build();
  }

  /**
   * A pool from the {@value #DEPLOYMENTS_SETTING} setting, creating each member's backend with a
   * factory: for custom providers, or to wrap the backends.
   *
   * @param settings the settings, with the environment as fallback
   * @param factory creates a backend from a provider id ({@code "azure"}, {@code "openai"}) and
   *     that member's settings, which hold the member's endpoint, deployment and key under the
   *     names the provider of that id on the classpath declares
   * @return the pool; close it (or the client it is given to) when done
   * @throws dev.llmclient.api.LlmConfigurationException when the setting is missing or malformed,
   *     or the factory rejects a member's settings
   */
  public static DeploymentPool fromSettings(
      ProviderSettings settings, BiFunction<String, ProviderSettings, ChatBackend> factory) {
    return builder().members(settings, factory).build();
  }

  /**
   * Describes the members the {@value #DEPLOYMENTS_SETTING} setting lists, one line each, without
   * creating a backend or reading a key, e.g. {@code "west: gpt-4o@https://west.openai.azure.com
   * provider=azure tier=1 weight=1 rpm=300 tpm=45000 key=WEST_KEY"}, with {@code (not set)} after a
   * key setting that is not set.
   *
   * @param settings the settings, with the environment as fallback
   * @return the members, empty when the setting is not set
   * @throws dev.llmclient.api.LlmConfigurationException when the setting is malformed
   */
  public static List<String> describeMembers(ProviderSettings settings) {
    return DeploymentSettings.describeAll(settings);
  }

  /**
   * The pool as one backend: the provider of its members (or {@code "pool"} when they differ) and
   * the default deployments of its first top-tier member.
   *
   * @return the info
   */
  @Override
  public BackendInfo info() {
    return info;
  }

  /**
   * Routes one request to a member, failing over and waiting for budget as the class describes.
   *
   * @param request the request
   * @return the completion of the member that answered, or the failure of the last member tried, or
   *     {@link DeploymentUnavailableException} when every member's breaker is open
   */
  @Override
  public CompletableFuture<ChatCompletion> complete(ChatCompletionRequest request) {
    Objects.requireNonNull(request, "request");
    if (!servesChat) {
      return CompletableFuture.failedFuture(
          new LlmConfigurationException(
              "This DeploymentPool has embedding members only; add a chat member"
                  + " (DeploymentMember.builder(name, chatBackend)) to send chat calls"));
    }
    return start(new ChatCall(request, info, span(), deadline()));
  }

  /**
   * The pool as an embedding backend, for {@code LlmClients.embedder().backend(...)}: calls are
   * routed over the embedding members ({@link DeploymentMember#builder(String, EmbeddingBackend)})
   * as chat calls are over the chat members, and a call for the default embedding deployment (the
   * first top-tier embedding member's) goes to each member as its own.
   *
   * @return the backend; closing it closes the pool
   * @throws IllegalStateException when the pool has no embedding member
   */
  public EmbeddingBackend embeddings() {
    if (embeddingInfo == null) {
      throw new IllegalStateException(
          "This DeploymentPool has no embedding member; add one with"
              + " DeploymentMember.builder(name, embeddingBackend)");
    }
    return new PoolEmbeddings(this, embeddingInfo);
  }

  SafeSpan span() {
    return SafeSpan.start(tracer, "llmclient.pool.route", SpanKind.INTERNAL);
  }

  long deadline() {
    return PoolTime.saturatedAdd(PoolTime.nanos(clock), maxWaitNanos);
  }

  /** Routes a new call of any kind. */
  <R> CompletableFuture<R> start(PoolCall<R> call) {
    if (closed) {
      call.finish(null, closedException());
      return call.result;
    }
    call.result.whenComplete(
        (c, e) -> {
          if (e instanceof CancellationException) {
            cancelled(call);
          }
        });
    dispatch(call, false);
    return call.result;
  }

  /**
   * The name of the member that answered the request with this server request id ({@code
   * LlmResponse.requestId()}), for the last 10,000 answers.
   *
   * @param requestId the server's request id
   * @return the member's name, or empty when unknown
   */
  public Optional<String> memberFor(String requestId) {
    return stats.memberFor(requestId);
  }

  /**
   * A snapshot of every member, in the order they were added.
   *
   * @return the stats
   */
  public List<DeploymentStats> stats() {
    synchronized (lock) {
      return PoolStats.snapshot(members, PoolTime.nanos(clock));
    }
  }

  /**
   * The total cost of every member's answers, from the pool's price table.
   *
   * @return the cost, 0 without a price table
   */
  public double totalCost() {
    return PoolStats.totalCost(stats());
  }

  /** Fails the calls still waiting, closes every member's backend and stops the pool's timer. */
  @Override
  public void close() {
    List<PoolCall<?>> dropped;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      dropped = queue.close();
    }
    for (PoolCall<?> c : dropped) {
      c.finish(null, closedException());
    }
    List<AutoCloseable> resources = new ArrayList<>();
    members.forEach(m -> resources.add(m.backend()));
    resources.addAll(closeWithPool);
    for (AutoCloseable resource : resources) {
      try {
        resource.close();
      } catch (Exception e) {
        LOG.warn("closing {} with the pool failed", resource, e);
      }
    }
    if (ownsScheduler) {
      scheduler.shutdownNow();
    }
  }

  @Override
  public String toString() {
    List<String> names = new ArrayList<>();
    for (PoolMember m : members) {
      names.add(m.config.toString());
    }
    return "DeploymentPool" + names;
  }

  // ---- dispatch -----------------------------------------------------------------------------

  /** Routes a new call, or a failed-over one (which goes to the front of the queue). */
  private void dispatch(PoolCall<?> call, boolean failover) {
    Decision d;
    boolean drainNow = false;
    synchronized (lock) {
      try {
        if (closed) {
          d = Decision.fail(closedException());
        } else if (!failover && !queue.isEmpty()) {
          // someone is already waiting: queue behind them so nobody starves
          d = queue.enqueue(call, false, 0);
          drainNow = d.kind() == Kind.WAIT;
        } else {
          d = router.route(call, PoolTime.nanos(clock));
          if (d.kind() == Kind.WAIT) {
            d = queue.enqueue(call, failover, d.waitNanos());
          }
        }
      } catch (RuntimeException | Error e) {
        queue.remove(call);
        d = Decision.fail(bug("routing a call", e));
      }
    }
    act(call, d);
    if (drainNow) {
      drain();
    }
  }

  private void act(PoolCall<?> call, Decision d) {
    switch (d.kind()) {
      case SEND ->
          send(call, Objects.requireNonNull(d.member()), Objects.requireNonNull(d.reservation()));
      case FAIL -> call.finish(null, Objects.requireNonNull(d.error()));
      case WAIT -> {
        // queued; drain() picks it up
      }
    }
  }

  private void wakeUp() {
    synchronized (lock) {
      queue.woken();
    }
    drain();
  }

  /** Sends, fails or keeps each waiting call, oldest first. */
  private void drain() {
    List<BudgetWaitQueue.Leaving> leaving;
    synchronized (lock) {
      leaving = queue.drain(router);
    }
    for (BudgetWaitQueue.Leaving l : leaving) {
      act(l.call(), l.decision());
    }
  }

  private <R> void send(PoolCall<R> call, PoolMember m, BudgetStore.Reservation reservation) {
    call.failingOverTo(m);
    long started = PoolTime.nanos(clock);
    CompletableFuture<R> future = call.attempt(m);
    call.inFlight = future;
    if (call.result.isDone()) {
      future.cancel(true);
    }
    future.whenComplete((c, e) -> attemptDone(call, m, reservation, started, c, e));
  }

  /**
   * Books an attempt's outcome and finishes, fails over or re-queues its call. Whatever throws in
   * here (a bug, a listener, an {@link Error}) still finishes the call with the member's own answer
   * or failure, returns the breaker permit and drains the queue: a call the pool took is never left
   * hanging.
   */
  private <R> void attemptDone(
      PoolCall<R> call,
      PoolMember m,
      BudgetStore.Reservation reservation,
      long started,
      @Nullable R completion,
      @Nullable Throwable error) {
    Throwable cause = error == null ? null : ClientRuntime.unwrap(error);
    boolean success = cause == null && completion != null;
    try {
      PoolCall.Answer answer = success ? call.answer(Objects.requireNonNull(completion)) : null;
      boolean failover;
      synchronized (lock) {
        failover =
            m.book(call, reservation, started, PoolTime.nanos(clock), answer, cause, stats, closed);
      }
      if (success) {
        stats.answered(call, m, Objects.requireNonNull(answer), onRoute);
        call.finish(call.servedBy(Objects.requireNonNull(completion), m.name), null);
      } else if (failover) {
        dispatch(call, true);
      } else if (!(cause instanceof CancellationException && call.result.isDone())) {
        call.finish(null, cause != null ? cause : m.missingAnswer());
      }
    } catch (RuntimeException | Error e) {
      LOG.error(
          "the deployment pool failed while completing a call to member {}; the call gets the"
              + " member's own answer. This is a bug, please report it",
          m.name,
          e);
      if (!call.result.isDone()) {
        if (success) {
          call.finish(call.servedBy(Objects.requireNonNull(completion), m.name), null);
        } else {
          call.finish(null, cause != null ? cause : e);
        }
      }
    } finally {
      drain();
    }
  }

  private void cancelled(PoolCall<?> call) {
    synchronized (lock) {
      queue.remove(call);
    }
    call.abandon();
  }

  // ---- helpers ------------------------------------------------------------------------------

  /** Logs a failure of the pool's own code and returns the error to fail the call with. */
  static Throwable bug(String doing, Throwable e) {
    LOG.error("the deployment pool failed {}; this is a bug, please report it", doing, e);
    return e;
  }

  private static LlmConnectionException closedException() {
    return new LlmConnectionException(
        "This DeploymentPool is closed; build a new one with DeploymentPool.builder() or"
            + " DeploymentPool.fromSettings(...)");
  }
}
