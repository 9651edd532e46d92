package dev.llmclient.core.pool;

import dev.llmclient.api.AuthenticationException;
import dev.llmclient.api.ErrorContext;
import dev.llmclient.api.LlmConnectionException;
import dev.llmclient.api.LlmException;
import dev.llmclient.api.NotFoundException;
import dev.llmclient.api.RateLimitException;
import dev.llmclient.api.Usage;
import dev.llmclient.api.spi.BackendInfo;
import dev.llmclient.api.spi.ChatBackend;
import dev.llmclient.api.spi.ChatCompletion;
import dev.llmclient.api.spi.ChatCompletionRequest;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.api.spi.RateLimitInfo;
import dev.llmclient.api.spi.Tracer;
import dev.llmclient.core.PriceTable;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Several deployments (regions, quota pools, or providers) behind one {@link ChatBackend}: wire it
 * with {@code LlmClients.builder().backend(pool)} and every call of the client is routed, failed
 * over, throttled and broken per member.
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
 * until its {@code Retry-After} (or {@link Builder#defaultCooldown} when it sent none), but never
 * longer than {@link Builder#maxCooldown} (60 s by default), however far ahead the server's wait or
 * date lies. Failures that are not retryable (a bad request, a content filter, a refusal) are the
 * same everywhere and are returned as they are.
 *
 * <h2>Circuit breakers</h2>
 *
 * Each member has a resilience4j circuit breaker that opens when the failure rate or the slow-call
 * rate of its recent calls passes a threshold, lets a few probe calls through after {@link
 * Builder#breakerOpenDuration}, and closes again when they succeed. 5xx, timeouts, connection
 * failures, 401/403 and 404 (the last three usually mean that one member is misconfigured) count as
 * failures; 429s count as neither. When every member's breaker is open a call fails at once with
 * {@link DeploymentUnavailableException}, naming the members and when each reopens.
 *
 * <h2>Client-side budget</h2>
 *
 * A member with a requests-per-minute or tokens-per-minute limit (configured, or learned from the
 * server's {@code x-ratelimit-limit-*} headers) gets at most that share per {@link
 * Builder#budgetWindow} (10 s by default, as Azure OpenAI evaluates its quotas): a request holds
 * its share from when it is sent until one window after its answer, so no window the server counts
 * in can see more, however long the requests take. A call counts its prompt tokens, estimated at
 * about four characters each and corrected by the usage the server reports, plus its output-token
 * cap. When no member can take a call it waits, without blocking a thread, in a bounded queue for
 * at most {@link Builder#maxWait}; a server that reports {@code x-ratelimit-remaining-requests: 0}
 * (or tokens) holds its member until the reset it names.
 *
 * <h2>Settings</h2>
 *
 * {@link #fromSettings(ProviderSettings)} builds the pool from one setting, {@value
 * #DEPLOYMENTS_SETTING}: members separated by commas, each {@code deployment@endpoint} followed by
 * optional {@code ;key=value} attributes:
 *
 * <pre>
 * AZURE_OPENAI_DEPLOYMENTS=gpt-4o@https://east.openai.azure.com;rpm=600;tpm=90000;weight=2,
 *     gpt-4o@https://west.openai.azure.com;rpm=300;tpm=45000;key=WEST_KEY,
 *     gpt-4o@https://api.openai.com/v1;provider=openai;tier=2;key=OPENAI_API_KEY
 * </pre>
 *
 * <table>
 *   <caption>member attributes</caption>
 *   <tr><td>{@code name}</td><td>the member's name (default {@code deployment@host[:port]})</td></tr>
 *   <tr><td>{@code provider}</td><td>{@code azure} (default) or {@code openai}</td></tr>
 *   <tr><td>{@code tier}, {@code weight}</td><td>priority tier (default 1), weight (default
 *       1)</td></tr>
 *   <tr><td>{@code rpm}, {@code tpm}</td><td>the deployment's requests and tokens per minute</td></tr>
 *   <tr><td>{@code key}</td><td>the name of the setting or environment variable holding this
 *       member's API key (keys never appear in the list itself); default: the provider's usual
 *       {@code AZURE_OPENAI_API_KEY} or {@code OPENAI_API_KEY}</td></tr>
 *   <tr><td>{@code small}</td><td>the member's deployment for {@code SMALL} calls</td></tr>
 * </table>
 *
 * <p>Every other setting (API version, managed identity, HTTP timeouts, ...) is shared by all
 * members. Leave {@code MODEL_NAME} unset (or equal to the first member's deployment): a call for
 * the pool's default deployment is sent to each member as that member's own deployment name.
 *
 * <h2>Observability</h2>
 *
 * With {@link Builder#tracer(Tracer)} each call gets a span {@code llmclient.pool.route} with the
 * attributes {@code llmclient.pool.member}, {@code llmclient.pool.failovers} and {@code
 * llmclient.pool.budget_wait_ms}, and the events {@code llmclient.pool.failover}, {@code
 * llmclient.pool.breaker} (a breaker changed state) and {@code llmclient.pool.budget_wait}. {@link
 * #stats()} gives counters, usage and cost per member; {@link #memberFor(String)} and {@link
 * Builder#onRoute} tell which member answered a request.
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

  /** The provider id the pool reports when its members come from different providers. */
  static final String PROVIDER_ID = "pool";

  private static final Logger LOG = LoggerFactory.getLogger(DeploymentPool.class);
  private static final long PROBE_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
  private static final int REMEMBERED_REQUEST_IDS = 10_000;
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final List<Member> members;
  private final int[] tiers;
  private final BackendInfo info;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private final boolean ownsScheduler;
  private final Tracer tracer;
  private final @Nullable PriceTable prices;
  private final @Nullable Consumer<DeploymentRoute> onRoute;
  private final int maxQueued;
  private final long maxWaitNanos;
  private final long defaultCooldownNanos;
  private final long maxCooldownNanos;
  private final boolean learnLimits;
  private final Duration breakerOpenDuration;

  private final Object lock = new Object();
  private final ArrayDeque<Call> waiting = new ArrayDeque<>();
  private @Nullable ScheduledFuture<?> wake;
  private long wakeAt = Long.MAX_VALUE;
  private int rotation;
  private final Map<String, String> answeredBy =
      new LinkedHashMap<>(256, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
          return size() > REMEMBERED_REQUEST_IDS;
        }
      };
  private volatile boolean closed;

  private DeploymentPool(Builder b) {
    this.clock = b.clock;
    this.tracer = b.tracer;
    this.prices = b.prices;
    this.onRoute = b.onRoute;
    this.maxQueued = b.maxQueued;
    this.maxWaitNanos = nanosAtMost(b.maxWait, Long.MAX_VALUE);
    this.maxCooldownNanos = nanosAtMost(b.maxCooldown, Long.MAX_VALUE);
    this.defaultCooldownNanos = nanosAtMost(b.defaultCooldown, maxCooldownNanos);
    this.learnLimits = b.learnLimits;
    this.breakerOpenDuration = b.breakerOpenDuration;
    CircuitBreakerConfig breakerConfig =
        CircuitBreakerConfig.custom()
            .clock(b.clock)
            .slidingWindow(
                b.breakerWindow,
                b.breakerMinimumCalls,
                CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
            .failureRateThreshold(b.failureRateThreshold)
            .slowCallRateThreshold(b.slowCallRateThreshold)
            .slowCallDurationThreshold(b.slowCallDuration)
            .waitDurationInOpenState(b.breakerOpenDuration)
            .permittedNumberOfCallsInHalfOpenState(b.breakerProbeCalls)
            .recordException(DeploymentPool::countsAgainstBreaker)
            .ignoreException(t -> t instanceof RateLimitException)
            .writableStackTraceEnabled(false)
            .build();
    List<Member> list = new ArrayList<>();
    TreeSet<Integer> tierSet = new TreeSet<>();
    long windowNanos = b.budgetWindow.toNanos();
    for (DeploymentMember m : b.members) {
      list.add(new Member(m, breakerConfig, windowNanos, b.budgetUtilisation));
      tierSet.add(m.tier());
    }
    this.members = List.copyOf(list);
    this.tiers = tierSet.stream().mapToInt(Integer::intValue).toArray();
    this.info = poolInfo(members, tiers[0]);
    if (b.scheduler != null) {
      this.scheduler = b.scheduler;
      this.ownsScheduler = false;
    } else {
      ScheduledThreadPoolExecutor exec =
          new ScheduledThreadPoolExecutor(
              1,
              r -> {
                Thread t = new Thread(r, "llmclient-pool-" + THREADS.incrementAndGet());
                t.setDaemon(true);
                return t;
              });
      exec.setRemoveOnCancelPolicy(true);
      this.scheduler = exec;
      this.ownsScheduler = true;
    }
  }

  /**
   * A builder with the defaults described on {@link Builder}.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
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
   *     that member's settings
   * @return the pool; close it (or the client it is given to) when done
   * @throws dev.llmclient.api.LlmConfigurationException when the setting is missing or malformed,
   *     or the factory rejects a member's settings
   */
  public static DeploymentPool fromSettings(
      ProviderSettings settings, BiFunction<String, ProviderSettings, ChatBackend> factory) {
    return builder().members(settings, factory).build();
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
    if (closed) {
      return CompletableFuture.failedFuture(closedException());
    }
    Call call =
        new Call(
            request,
            PoolSpan.start(tracer, "llmclient.pool.route"),
            saturatedAdd(nanos(), maxWaitNanos));
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
    synchronized (answeredBy) {
      return Optional.ofNullable(answeredBy.get(requestId));
    }
  }

  /**
   * A snapshot of every member, in the order they were added.
   *
   * @return the stats
   */
  public List<DeploymentStats> stats() {
    List<DeploymentStats> out = new ArrayList<>(members.size());
    synchronized (lock) {
      long now = nanos();
      for (Member m : members) {
        CircuitBreaker.State state = m.breaker.getState();
        Instant openUntil = state == CircuitBreaker.State.OPEN ? instant(m.openUntil) : null;
        Instant cooling = m.coolUntil > now ? instant(m.coolUntil) : null;
        out.add(
            new DeploymentStats(
                m.name,
                m.config.tier(),
                state.name(),
                openUntil,
                cooling,
                m.inFlight,
                m.budget.requestsPerMinute(),
                m.budget.tokensPerMinute(),
                m.requests,
                m.successes,
                m.failures,
                m.rateLimited,
                m.failovers,
                m.budgetWaits,
                m.usage,
                m.cost));
      }
    }
    return out;
  }

  /**
   * The total cost of every member's answers, from the pool's price table.
   *
   * @return the cost, 0 without a price table
   */
  public double totalCost() {
    double total = 0;
    for (DeploymentStats s : stats()) {
      total += s.cost();
    }
    return total;
  }

  /** Fails the calls still waiting, closes every member's backend and stops the pool's timer. */
  @Override
  public void close() {
    List<Call> dropped;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      dropped = new ArrayList<>(waiting);
      waiting.clear();
      if (wake != null) {
        wake.cancel(false);
      }
    }
    for (Call c : dropped) {
      finish(c, null, closedException());
    }
    for (Member m : members) {
      try {
        m.backend.close();
      } catch (RuntimeException e) {
        LOG.warn("closing the backend of pool member {} failed", m.name, e);
      }
    }
    if (ownsScheduler) {
      scheduler.shutdownNow();
    }
  }

  @Override
  public String toString() {
    List<String> names = new ArrayList<>();
    for (Member m : members) {
      names.add(m.config.toString());
    }
    return "DeploymentPool" + names;
  }

  // ---- routing ------------------------------------------------------------------------------

  private enum Kind {
    SEND,
    WAIT,
    FAIL
  }

  private record Decision(
      Kind kind,
      @Nullable Member member,
      DeploymentBudget.@Nullable Entry entry,
      long waitNanos,
      @Nullable Throwable error) {

    static Decision send(Member m, DeploymentBudget.Entry e) {
      return new Decision(Kind.SEND, m, e, 0, null);
    }

    static Decision waitFor(long nanos) {
      return new Decision(Kind.WAIT, null, null, nanos, null);
    }

    static Decision fail(Throwable t) {
      return new Decision(Kind.FAIL, null, null, 0, t);
    }
  }

  /** Routes a new call, or a failed-over one (which goes to the front of the queue). */
  private void dispatch(Call call, boolean failover) {
    Decision d;
    boolean drainNow = false;
    synchronized (lock) {
      try {
        if (closed) {
          d = Decision.fail(closedException());
        } else if (!failover && !waiting.isEmpty()) {
          // someone is already waiting: queue behind them so nobody starves
          d = enqueue(call, false, 0);
          drainNow = d.kind() == Kind.WAIT;
        } else {
          long now = nanos();
          d = route(call, now);
          if (d.kind() == Kind.WAIT) {
            d = enqueue(call, failover, d.waitNanos());
          }
        }
      } catch (RuntimeException | Error e) {
        waiting.remove(call);
        d = Decision.fail(bug("routing a call", e));
      }
    }
    act(call, d);
    if (drainNow) {
      drain();
    }
  }

  /** Puts a call in the queue, or fails it when the queue is full or the wait too long. */
  private Decision enqueue(Call call, boolean front, long waitNanos) {
    long now = nanos();
    if (!front && waiting.size() >= maxQueued) {
      return Decision.fail(
          overBudget(
              "the pool's queue of "
                  + maxQueued
                  + " waiting calls is full; raise DeploymentPool.Builder.maxQueued(...) or the"
                  + " members' limits, or send fewer calls at once",
              waitNanos));
    }
    if (waitNanos > call.deadline - now) {
      return Decision.fail(
          overBudget(
              "no member has budget left within the pool's maxWait of "
                  + Duration.ofNanos(maxWaitNanos)
                  + "; raise DeploymentPool.Builder.maxWait(...), the members' limits, or add"
                  + " members",
              waitNanos));
    }
    if (front) {
      waiting.addFirst(call);
    } else {
      waiting.addLast(call);
    }
    if (call.waitStart == Long.MIN_VALUE) {
      call.waitStart = now;
      call.span.event(
          "llmclient.pool.budget_wait",
          Map.of("llmclient.pool.wait_ms", TimeUnit.NANOSECONDS.toMillis(waitNanos)));
    }
    scheduleWake(saturatedAdd(now, Math.max(waitNanos, TimeUnit.MILLISECONDS.toNanos(1))));
    return Decision.waitFor(waitNanos);
  }

  /** Chooses a member for the call, under the lock. */
  private Decision route(Call call, long now) {
    Set<Member> denied = null;
    scan:
    while (true) {
      Map<String, Instant> open = new TreeMap<>();
      boolean usable = false;
      long earliest = Long.MAX_VALUE;
      int n = members.size();
      int start = Math.floorMod(rotation++, n);
      for (int tier : tiers) {
        Member best = null;
        double bestScore = -1;
        for (int i = 0; i < n; i++) {
          Member m = members.get((start + i) % n);
          if (m.config.tier() != tier || call.tried.contains(m)) {
            continue;
          }
          if (m.breaker.getState() == CircuitBreaker.State.OPEN && now <= m.openUntil) {
            open.put(m.name, instant(m.openUntil));
            continue;
          }
          usable = true;
          if (denied != null && denied.contains(m)) {
            earliest = Math.min(earliest, PROBE_RETRY_NANOS);
            continue;
          }
          long cooling = now < m.coolUntil ? m.coolUntil - now : 0;
          long delay = Math.max(cooling, m.budget.delayNanos(now, call.tokensFor(m)));
          if (delay > 0) {
            earliest = Math.min(earliest, delay);
            continue;
          }
          double score = m.config.weight() * (0.05 + m.budget.headroom(now)) / (m.inFlight + 1.0);
          if (score > bestScore) {
            best = m;
            bestScore = score;
          }
        }
        if (best != null) {
          CircuitBreaker.State before = best.breaker.getState();
          boolean permitted = best.breaker.tryAcquirePermission();
          breakerMoved(call, best, before);
          if (!permitted) {
            if (denied == null) {
              denied = new HashSet<>();
            }
            denied.add(best);
            continue scan;
          }
          DeploymentBudget.Entry entry = best.budget.acquire(now, call.tokensFor(best));
          best.inFlight++;
          best.requests++;
          return Decision.send(best, entry);
        }
      }
      if (!usable) {
        Throwable last = call.lastError;
        if (last != null) {
          return Decision.fail(last);
        }
        return Decision.fail(unavailable(open));
      }
      return Decision.waitFor(earliest);
    }
  }

  private void breakerMoved(Call call, Member m, CircuitBreaker.State before) {
    CircuitBreaker.State after = m.breaker.getState();
    if (before == after) {
      return;
    }
    if (after == CircuitBreaker.State.OPEN) {
      m.openUntil = saturatedAdd(nanos(), nanosAtMost(breakerOpenDuration, Long.MAX_VALUE));
    }
    LOG.info("deployment pool member {}: circuit breaker {} -> {}", m.name, before, after);
    call.span.event(
        "llmclient.pool.breaker",
        Map.of(
            "llmclient.pool.member", m.name,
            "llmclient.pool.breaker.from", before.name(),
            "llmclient.pool.breaker.to", after.name()));
  }

  private void act(Call call, Decision d) {
    switch (d.kind()) {
      case SEND ->
          send(call, Objects.requireNonNull(d.member()), Objects.requireNonNull(d.entry()));
      case FAIL -> finish(call, null, Objects.requireNonNull(d.error()));
      case WAIT -> {
        // queued; drain() picks it up
      }
    }
  }

  private void send(Call call, Member m, DeploymentBudget.Entry entry) {
    if (!call.tried.isEmpty()) {
      Member from = call.tried.get(call.tried.size() - 1);
      call.span.event(
          "llmclient.pool.failover",
          Map.of(
              "llmclient.pool.from", from.name,
              "llmclient.pool.member", m.name,
              "error.type", errorType(call.lastError)));
    }
    long started = nanos();
    CompletableFuture<ChatCompletion> future;
    try {
      future = m.backend.complete(call.requestFor(m, info));
      if (future == null) {
        future =
            CompletableFuture.failedFuture(
                new IllegalStateException(
                    "the backend of pool member " + m.name + " returned null instead of a future"));
      }
    } catch (RuntimeException e) {
      future = CompletableFuture.failedFuture(e);
    }
    call.inFlight = future;
    if (call.result.isDone()) {
      future.cancel(true);
    }
    future.whenComplete((c, e) -> attemptDone(call, m, entry, started, c, e));
  }

  /**
   * Books an attempt's outcome and finishes, fails over or re-queues its call. Whatever throws in
   * here (a bug, a listener, an {@link Error}) still finishes the call with the member's own answer
   * or failure, returns the breaker permit and drains the queue: a call the pool took is never left
   * hanging.
   */
  private void attemptDone(
      Call call,
      Member m,
      DeploymentBudget.Entry entry,
      long started,
      @Nullable ChatCompletion completion,
      @Nullable Throwable error) {
    Throwable cause = error == null ? null : unwrap(error);
    boolean success = cause == null && completion != null;
    try {
      boolean failover = book(call, m, entry, started, completion, cause);
      if (success) {
        succeeded(call, m, Objects.requireNonNull(completion), call.cost);
      } else if (failover) {
        dispatch(call, true);
      } else if (!(cause instanceof CancellationException && call.result.isDone())) {
        finish(call, null, cause != null ? cause : missingAnswer(m));
      }
    } catch (RuntimeException | Error e) {
      LOG.error(
          "the deployment pool failed while completing a call to member {}; the call gets the"
              + " member's own answer. This is a bug, please report it",
          m.name,
          e);
      if (!call.result.isDone()) {
        if (success) {
          finish(call, Objects.requireNonNull(completion).withServedBy(m.name), null);
        } else {
          finish(call, null, cause != null ? cause : e);
        }
      }
    } finally {
      drain();
    }
  }

  /**
   * Updates the member's counters, budget, cool-down and breaker for one attempt, under the lock,
   * and puts an answer's cost in {@link Call#cost}. The breaker always gets the permit back, also
   * when the bookkeeping throws.
   *
   * @return whether the call fails over to another member
   */
  private boolean book(
      Call call,
      Member m,
      DeploymentBudget.Entry entry,
      long started,
      @Nullable ChatCompletion completion,
      @Nullable Throwable cause) {
    synchronized (lock) {
      long now = nanos();
      long took = Math.max(0, now - started);
      m.inFlight--;
      CircuitBreaker.State before = m.breaker.getState();
      boolean permitBack = false;
      try {
        boolean failover = false;
        if (cause == null && completion != null) {
          m.successes++;
          m.breaker.onSuccess(took, TimeUnit.NANOSECONDS);
          permitBack = true;
          Usage usage = completion.usage();
          m.usage = m.usage.plus(usage);
          double cost = priceOf(completion, call.request, usage);
          m.cost += cost;
          if (call.waitStart != Long.MIN_VALUE) {
            m.budgetWaits++;
          }
          learn(m, call, entry, completion, now);
          call.cost = cost;
        } else if (cause instanceof CancellationException && call.result.isDone()) {
          m.breaker.releasePermission();
          permitBack = true;
          m.budget.complete(entry, now, entry.tokens);
        } else {
          Throwable failure = cause != null ? cause : missingAnswer(m);
          m.failures++;
          m.breaker.onError(took, TimeUnit.NANOSECONDS, failure);
          permitBack = true;
          // the server may have counted it: it keeps its share for a window
          m.budget.complete(entry, now, entry.tokens);
          if (failure instanceof RateLimitException rl) {
            m.rateLimited++;
            coolDown(m, rl, now);
          }
          failover =
              failure instanceof LlmException le
                  && le.isRetryable()
                  && !call.result.isDone()
                  && !closed;
          if (failover) {
            call.tried.add(m);
            call.lastError = failure;
            m.failovers++;
          }
        }
        breakerMoved(call, m, before);
        return failover;
      } finally {
        if (!permitBack) {
          m.breaker.releasePermission();
        }
      }
    }
  }

  /**
   * Cools a throttled member down for the server's wait (or the default), clamped to {@link
   * Builder#maxCooldown}: a wait in the year 9999 or of a century must not silence a member for
   * good, nor overflow into no cool-down at all.
   */
  private void coolDown(Member m, RateLimitException rl, long now) {
    Duration asked = rl.retryAfter();
    long wait = asked == null ? defaultCooldownNanos : nanosAtMost(asked, maxCooldownNanos);
    m.coolUntil = Math.max(m.coolUntil, saturatedAdd(now, wait));
  }

  private static IllegalStateException missingAnswer(Member m) {
    return new IllegalStateException(
        "the backend of pool member " + m.name + " completed with neither an answer nor a failure");
  }

  /** Corrects the budget with reported usage and learns the server's limits and remaining room. */
  private void learn(
      Member m, Call call, DeploymentBudget.Entry entry, ChatCompletion c, long now) {
    long input = c.usage().inputTokens();
    if (input > 0) {
      double ratio = (double) input / (double) call.promptTokens;
      m.tokenFactor = Math.max(0.25, Math.min(4.0, 0.8 * m.tokenFactor + 0.2 * ratio));
      Integer cap = call.request.maxOutputTokens();
      long charged = input + (cap != null ? cap : c.usage().outputTokens());
      m.budget.complete(entry, now, charged);
    } else {
      m.budget.complete(entry, now, entry.tokens);
    }
    RateLimitInfo rl = c.rateLimit();
    if (learnLimits) {
      int rpm = m.budget.requestsPerMinute();
      int tpm = m.budget.tokensPerMinute();
      if (m.config.requestsPerMinute() == 0 && rl.limitRequests() != null) {
        rpm = (int) Math.min(Integer.MAX_VALUE, Math.max(0, rl.limitRequests()));
      }
      if (m.config.tokensPerMinute() == 0 && rl.limitTokens() != null) {
        tpm = (int) Math.min(Integer.MAX_VALUE, Math.max(0, rl.limitTokens()));
      }
      if (rpm != m.budget.requestsPerMinute() || tpm != m.budget.tokensPerMinute()) {
        m.budget.setLimits(rpm, tpm);
      }
      Long remainingRequests = rl.remainingRequests();
      if (remainingRequests != null && remainingRequests == 0) {
        m.budget.holdUntil(saturatedAdd(now, resetNanos(rl.resetRequests())));
      }
      Long remainingTokens = rl.remainingTokens();
      if (remainingTokens != null && remainingTokens == 0) {
        m.budget.holdUntil(saturatedAdd(now, resetNanos(rl.resetTokens())));
      }
    }
  }

  private long resetNanos(@Nullable Duration reset) {
    if (reset == null || reset.isNegative()) {
      return defaultCooldownNanos;
    }
    return nanosAtMost(reset, maxWaitNanos);
  }

  private double priceOf(ChatCompletion c, ChatCompletionRequest request, Usage usage) {
    PriceTable table = prices;
    if (table == null) {
      return 0;
    }
    String model = c.model();
    if (model != null && table.hasPrice(model)) {
      return table.cost(model, usage);
    }
    return table.cost(request.model(), usage);
  }

  private void succeeded(Call call, Member m, ChatCompletion c, double cost) {
    String requestId = c.requestId();
    if (requestId != null) {
      synchronized (answeredBy) {
        answeredBy.put(requestId, m.name);
      }
    }
    call.span.set("llmclient.pool.member", m.name);
    Consumer<DeploymentRoute> listener = onRoute;
    if (listener != null) {
      List<String> failed = new ArrayList<>();
      for (Member t : call.tried) {
        failed.add(t.name);
      }
      String model = c.model() != null ? c.model() : call.request.model();
      try {
        listener.accept(
            new DeploymentRoute(
                m.name,
                failed,
                Duration.ofNanos(call.waitedNanos),
                model,
                requestId,
                c.usage(),
                cost));
      } catch (RuntimeException e) {
        LOG.warn("the deployment pool's onRoute listener failed", e);
      }
    }
    finish(call, c.withServedBy(m.name), null);
  }

  private void finish(Call call, @Nullable ChatCompletion c, @Nullable Throwable error) {
    call.span.set("llmclient.pool.failovers", (long) call.tried.size());
    call.span.set("llmclient.pool.budget_wait_ms", TimeUnit.NANOSECONDS.toMillis(call.waitedNanos));
    call.span.end(error);
    if (error != null) {
      call.result.completeExceptionally(error);
    } else {
      call.result.complete(c);
    }
  }

  private void cancelled(Call call) {
    synchronized (lock) {
      waiting.remove(call);
    }
    CompletableFuture<ChatCompletion> pending = call.inFlight;
    if (pending != null && !pending.isDone()) {
      pending.cancel(true);
    }
    call.span.end(new CancellationException("cancelled by the caller"));
  }

  // ---- waiting ------------------------------------------------------------------------------

  private void scheduleWake(long at) {
    if (closed) {
      return;
    }
    ScheduledFuture<?> current = wake;
    if (current != null && !current.isDone() && wakeAt <= at) {
      return;
    }
    if (current != null) {
      current.cancel(false);
    }
    wakeAt = at;
    try {
      wake = scheduler.schedule(this::wakeUp, Math.max(0, at - nanos()), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      wake = null;
    }
  }

  private void wakeUp() {
    synchronized (lock) {
      wake = null;
      wakeAt = Long.MAX_VALUE;
    }
    drain();
  }

  /** Sends, fails or keeps each waiting call, oldest first. */
  private void drain() {
    List<Call> calls = new ArrayList<>();
    List<Decision> decisions = new ArrayList<>();
    synchronized (lock) {
      if (waiting.isEmpty() || closed) {
        return;
      }
      long now = nanos();
      long earliest = Long.MAX_VALUE;
      Iterator<Call> it = waiting.iterator();
      while (it.hasNext()) {
        Call call = it.next();
        if (call.result.isDone()) {
          it.remove();
          continue;
        }
        if (now >= call.deadline) {
          it.remove();
          call.waitedNanos += now - call.waitStart;
          calls.add(call);
          decisions.add(
              Decision.fail(
                  overBudget(
                      "the call waited the pool's maxWait of "
                          + Duration.ofNanos(maxWaitNanos)
                          + " without a member with budget left; raise"
                          + " DeploymentPool.Builder.maxWait(...) or the members' limits",
                      0)));
          continue;
        }
        Decision d;
        try {
          d = route(call, now);
        } catch (RuntimeException | Error e) {
          d = Decision.fail(bug("routing a waiting call", e));
        }
        if (d.kind() == Kind.WAIT) {
          earliest = Math.min(earliest, Math.min(d.waitNanos(), call.deadline - now));
          if (call.tried.isEmpty()) {
            break;
          }
          continue;
        }
        it.remove();
        call.waitedNanos += now - call.waitStart;
        calls.add(call);
        decisions.add(d);
      }
      if (!waiting.isEmpty()) {
        Call head = waiting.peekFirst();
        if (head != null) {
          earliest = Math.min(earliest, Math.max(0, head.deadline - now));
        }
        scheduleWake(
            saturatedAdd(
                now,
                Math.max(
                    earliest == Long.MAX_VALUE ? PROBE_RETRY_NANOS : earliest,
                    TimeUnit.MILLISECONDS.toNanos(1))));
      }
    }
    for (int i = 0; i < calls.size(); i++) {
      act(calls.get(i), decisions.get(i));
    }
  }

  // ---- helpers ------------------------------------------------------------------------------

  private static boolean countsAgainstBreaker(Throwable t) {
    if (t instanceof RateLimitException) {
      return false;
    }
    if (t instanceof LlmException e) {
      return e.isRetryable()
          || e instanceof AuthenticationException
          || e instanceof NotFoundException;
    }
    return true;
  }

  private DeploymentUnavailableException unavailable(Map<String, Instant> open) {
    StringBuilder sb =
        new StringBuilder("Every deployment of the pool has an open circuit breaker (");
    boolean first = true;
    for (Map.Entry<String, Instant> e : open.entrySet()) {
      if (!first) {
        sb.append(", ");
      }
      first = false;
      sb.append(e.getKey()).append(" open until ").append(e.getValue());
    }
    sb.append("); the call was not sent. Try again after the earliest of these, check the")
        .append(" deployments' health, or add a member in another region or tier");
    return new DeploymentUnavailableException(sb.toString(), open, null);
  }

  private RateLimitException overBudget(String why, long waitNanos) {
    return new RateLimitException(
        "The call was not sent: " + why,
        ErrorContext.provider(info.providerId()),
        waitNanos > 0 ? Duration.ofNanos(waitNanos) : null,
        null);
  }

  /** Logs a failure of the pool's own code and returns the error to fail the call with. */
  private static Throwable bug(String doing, Throwable e) {
    LOG.error("the deployment pool failed {}; this is a bug, please report it", doing, e);
    return e;
  }

  private static LlmConnectionException closedException() {
    return new LlmConnectionException(
        "This DeploymentPool is closed; build a new one with DeploymentPool.builder() or"
            + " DeploymentPool.fromSettings(...)");
  }

  private static String errorType(@Nullable Throwable t) {
    return t == null ? "unknown" : t.getClass().getName();
  }

  private static Throwable unwrap(Throwable t) {
    Throwable current = t;
    while ((current instanceof CompletionException || current instanceof ExecutionException)
        && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }

  /**
   * A non-negative duration in nanoseconds, at most {@code max}; never overflows, whatever the
   * duration (a negative one is 0).
   */
  static long nanosAtMost(Duration d, long max) {
    if (d.isNegative()) {
      return 0;
    }
    if (d.compareTo(Duration.ofNanos(max)) >= 0) {
      return max;
    }
    return d.toNanos();
  }

  /**
   * {@code a + b}, held at {@link Long#MAX_VALUE} or {@link Long#MIN_VALUE} instead of wrapping.
   */
  static long saturatedAdd(long a, long b) {
    long sum = a + b;
    if (((a ^ sum) & (b ^ sum)) < 0) {
      return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
    return sum;
  }

  private long nanos() {
    Instant now = clock.instant();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  private static Instant instant(long epochNanos) {
    return Instant.ofEpochSecond(
        Math.floorDiv(epochNanos, 1_000_000_000L), Math.floorMod(epochNanos, 1_000_000_000L));
  }

  private static BackendInfo poolInfo(List<Member> members, int topTier) {
    Set<String> providers = new HashSet<>();
    Set<String> genAi = new HashSet<>();
    for (Member m : members) {
      providers.add(m.info.providerId());
      genAi.add(m.info.genAiProviderName());
    }
    Member first = members.get(0);
    for (Member m : members) {
      if (m.config.tier() == topTier) {
        first = m;
        break;
      }
    }
    return new BackendInfo(
        providers.size() == 1 ? first.info.providerId() : PROVIDER_ID,
        genAi.size() == 1 ? first.info.genAiProviderName() : PROVIDER_ID,
        null,
        first.info.defaultModel(),
        first.info.defaultSmallModel());
  }

  /** One member's configuration and live state; the mutable fields are guarded by the lock. */
  private static final class Member {
    final DeploymentMember config;
    final String name;
    final ChatBackend backend;
    final BackendInfo info;
    final CircuitBreaker breaker;
    final DeploymentBudget budget;
    int inFlight;
    long coolUntil;
    volatile long openUntil;
    double tokenFactor = 1.0;
    long requests;
    long successes;
    long failures;
    long rateLimited;
    long failovers;
    long budgetWaits;
    Usage usage = Usage.ZERO;
    double cost;

    Member(
        DeploymentMember config,
        CircuitBreakerConfig breakerConfig,
        long windowNanos,
        double utilisation) {
      this.config = config;
      this.name = config.name();
      this.backend = config.backend();
      this.info = backend.info();
      this.breaker = CircuitBreaker.of(config.name(), breakerConfig);
      this.budget =
          new DeploymentBudget(
              windowNanos, utilisation, config.requestsPerMinute(), config.tokensPerMinute());
    }
  }

  /** One request to the pool, across its failovers and waits. */
  private static final class Call {
    final ChatCompletionRequest request;
    final CompletableFuture<ChatCompletion> result = new CompletableFuture<>();
    final PoolSpan span;
    final long promptTokens;
    final long outputCap;
    final long deadline;
    final List<Member> tried = new ArrayList<>(2);
    volatile @Nullable Throwable lastError;
    volatile @Nullable CompletableFuture<ChatCompletion> inFlight;
    long waitStart = Long.MIN_VALUE;
    long waitedNanos;
    double cost;

    Call(ChatCompletionRequest request, PoolSpan span, long deadline) {
      this.request = request;
      this.span = span;
      this.promptTokens = DeploymentBudget.estimatePromptTokens(request);
      Integer cap = request.maxOutputTokens();
      this.outputCap = cap == null ? 0 : cap;
      this.deadline = deadline;
    }

    long tokensFor(Member m) {
      return (long) Math.ceil(promptTokens * m.tokenFactor) + outputCap;
    }

    /** The request with the pool's default deployment names replaced by the member's own. */
    ChatCompletionRequest requestFor(Member m, BackendInfo pool) {
      String model = request.model();
      String mapped = model;
      if (model.equals(pool.defaultModel()) && m.info.defaultModel() != null) {
        mapped = m.info.defaultModel();
      } else if (model.equals(pool.defaultSmallModel()) && m.info.defaultSmallModel() != null) {
        mapped = m.info.defaultSmallModel();
      }
      if (mapped == null || mapped.equals(model)) {
        return request;
      }
      return new ChatCompletionRequest(
          mapped,
          request.messages(),
          request.temperature(),
          request.maxOutputTokens(),
          request.responseFormat(),
          request.reasoningEffort(),
          request.verbosity(),
          request.user(),
          request.headers());
    }
  }

  /**
   * Builds a {@link DeploymentPool}. Not thread-safe; {@link #build()} validates.
   *
   * <p>Defaults: breakers open at a 50% failure rate or a 100% slow-call rate (calls over 120 s)
   * over the last 20 calls (once 10 were made), stay open 30 s, then let 3 probe calls through;
   * budgets over a 10 s window used to 95%; a 429 without {@code Retry-After} cools its member down
   * for 1 s, and no 429 for more than 60 s; at most 10,000 calls wait, each at most 30 s; limits
   * are learned from headers.
   */
  public static final class Builder {
    private final List<DeploymentMember> members = new ArrayList<>();
    private Clock clock = Clock.systemUTC();
    private @Nullable ScheduledExecutorService scheduler;
    private Tracer tracer = Tracer.noop();
    private @Nullable PriceTable prices;
    private @Nullable Consumer<DeploymentRoute> onRoute;
    private int maxQueued = 10_000;
    private Duration maxWait = Duration.ofSeconds(30);
    private Duration defaultCooldown = Duration.ofSeconds(1);
    private Duration maxCooldown = Duration.ofSeconds(60);
    private boolean learnLimits = true;
    private Duration budgetWindow = Duration.ofSeconds(10);
    private double budgetUtilisation = 0.95;
    private float failureRateThreshold = 50;
    private float slowCallRateThreshold = 100;
    private Duration slowCallDuration = Duration.ofSeconds(120);
    private int breakerWindow = 20;
    private int breakerMinimumCalls = 10;
    private Duration breakerOpenDuration = Duration.ofSeconds(30);
    private int breakerProbeCalls = 3;

    private Builder() {}

    /**
     * Adds a member.
     *
     * @param member the member; names must be unique
     * @return this builder
     */
    public Builder member(DeploymentMember member) {
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
    public Builder member(String name, ChatBackend backend) {
      return member(DeploymentMember.of(name, backend));
    }

    /**
     * Adds the members described by the {@value DeploymentPool#DEPLOYMENTS_SETTING} setting,
     * creating each backend with the provider of that id on the classpath; the builder's other
     * options still apply.
     *
     * <pre>{@code
     * DeploymentPool pool = DeploymentPool.builder()
     *     .members(ProviderSettings.fromEnvironment())
     *     .breakerOpenDuration(Duration.ofSeconds(10), 2)
     *     .build();
     * }</pre>
     *
     * @param settings the settings, with the environment as fallback
     * @return this builder
     * @throws dev.llmclient.api.LlmConfigurationException when the setting is missing or malformed,
     *     a provider is not on the classpath, or a member's settings are incomplete
     */
    public Builder members(ProviderSettings settings) {
      return members(settings, DeploymentSettings::createWithServiceLoader);
    }

    /**
     * Adds the members described by the {@value DeploymentPool#DEPLOYMENTS_SETTING} setting,
     * creating each backend with a factory.
     *
     * @param settings the settings, with the environment as fallback
     * @param factory creates a backend from a provider id and that member's settings
     * @return this builder
     * @throws dev.llmclient.api.LlmConfigurationException when the setting is missing or malformed,
     *     or the factory rejects a member's settings
     */
    public Builder members(
        ProviderSettings settings, BiFunction<String, ProviderSettings, ChatBackend> factory) {
      DeploymentSettings.configure(this, settings, factory);
      return this;
    }

    /**
     * Sets the clock for cool-downs, budgets and breakers (default: the system UTC clock).
     *
     * @param value the clock
     * @return this builder
     */
    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    /**
     * Sets the scheduler that wakes waiting calls; the pool does not shut it down. Default: a
     * daemon thread of its own.
     *
     * @param value the scheduler
     * @return this builder
     */
    public Builder scheduler(ScheduledExecutorService value) {
      this.scheduler = Objects.requireNonNull(value, "scheduler");
      return this;
    }

    /**
     * Traces each call as a span {@code llmclient.pool.route} (off by default).
     *
     * @param value the tracer
     * @return this builder
     */
    public Builder tracer(Tracer value) {
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
    public Builder prices(PriceTable value) {
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
    public Builder onRoute(Consumer<DeploymentRoute> listener) {
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
    public Builder maxQueued(int value) {
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
    public Builder maxWait(Duration value) {
      this.maxWait = Objects.requireNonNull(value, "maxWait");
      return this;
    }

    /**
     * Sets how long a member cools down after a 429 that named no wait.
     *
     * @param value a non-negative duration
     * @return this builder
     */
    public Builder defaultCooldown(Duration value) {
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
     * @param value a positive duration (default 60 s, the default {@code
     *     RetryPolicy.maxRetryAfter})
     * @return this builder
     */
    public Builder maxCooldown(Duration value) {
      this.maxCooldown = Objects.requireNonNull(value, "maxCooldown");
      return this;
    }

    /**
     * Whether members without configured limits adopt the server's {@code x-ratelimit-limit-*}
     * headers, and whether {@code x-ratelimit-remaining-*: 0} holds a member until its reset
     * (default true).
     *
     * @param value true to learn
     * @return this builder
     */
    public Builder learnLimits(boolean value) {
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
    public Builder budgetWindow(Duration value) {
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
    public Builder budgetUtilisation(double value) {
      this.budgetUtilisation = value;
      return this;
    }

    /**
     * Sets the failure rate, in percent, at which a member's breaker opens.
     *
     * @param percent more than 0, at most 100
     * @return this builder
     */
    public Builder failureRateThreshold(float percent) {
      this.failureRateThreshold = percent;
      return this;
    }

    /**
     * Sets when a call counts as slow, and the share of slow calls, in percent, at which a member's
     * breaker opens.
     *
     * @param duration a positive duration
     * @param percent more than 0, at most 100
     * @return this builder
     */
    public Builder slowCalls(Duration duration, float percent) {
      this.slowCallDuration = Objects.requireNonNull(duration, "duration");
      this.slowCallRateThreshold = percent;
      return this;
    }

    /**
     * Sets how many recent calls each breaker judges, and how many it needs before it may open.
     *
     * @param window 1 to 10,000 calls
     * @param minimumCalls 1 to {@code window}
     * @return this builder
     */
    public Builder breakerWindow(int window, int minimumCalls) {
      this.breakerWindow = window;
      this.breakerMinimumCalls = minimumCalls;
      return this;
    }

    /**
     * Sets how long a breaker stays open, and how many probe calls it then lets through.
     *
     * @param duration a positive duration
     * @param probeCalls 1 to 100
     * @return this builder
     */
    public Builder breakerOpenDuration(Duration duration, int probeCalls) {
      this.breakerOpenDuration = Objects.requireNonNull(duration, "duration");
      this.breakerProbeCalls = probeCalls;
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
                + DEPLOYMENTS_SETTING);
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
      if (budgetWindow.toMillis() < 1 || budgetWindow.compareTo(Duration.ofMinutes(1)) > 0) {
        throw new IllegalArgumentException(
            "budgetWindow must be 1 ms to 60 s, got " + budgetWindow);
      }
      if (!(budgetUtilisation > 0 && budgetUtilisation <= 1)) {
        throw new IllegalArgumentException(
            "budgetUtilisation must be more than 0 and at most 1, got " + budgetUtilisation);
      }
      percent("failureRateThreshold", failureRateThreshold);
      percent("slow-call rate", slowCallRateThreshold);
      positive("slow-call duration", slowCallDuration);
      if (breakerWindow < 1 || breakerWindow > 10_000) {
        throw new IllegalArgumentException(
            "the breaker window must be 1 to 10,000 calls, got " + breakerWindow);
      }
      if (breakerMinimumCalls < 1 || breakerMinimumCalls > breakerWindow) {
        throw new IllegalArgumentException(
            "the breaker's minimum calls must be 1 to the window ("
                + breakerWindow
                + "), got "
                + breakerMinimumCalls);
      }
      positive("breakerOpenDuration", breakerOpenDuration);
      if (breakerProbeCalls < 1 || breakerProbeCalls > 100) {
        throw new IllegalArgumentException(
            "the breaker's probe calls must be 1 to 100, got " + breakerProbeCalls);
      }
      return new DeploymentPool(this);
    }

    private static void positive(String name, Duration d) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, got " + d);
      }
    }

    private static void percent(String name, float value) {
      if (!(value > 0 && value <= 100)) {
        throw new IllegalArgumentException(
            name + " must be a percentage more than 0 and at most 100, got " + value);
      }
    }
  }
}
