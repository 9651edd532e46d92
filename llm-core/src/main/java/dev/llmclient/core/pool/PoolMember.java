package dev.llmclient.core.pool;

import dev.llmclient.api.LlmException;
import dev.llmclient.api.RateLimitException;
import dev.llmclient.api.Usage;
import dev.llmclient.api.spi.BackendInfo;
import dev.llmclient.api.spi.ChatBackend;
import dev.llmclient.api.spi.EmbeddingBackend;
import dev.llmclient.api.spi.RateLimitInfo;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member's configuration and live state: its breaker, cool-down, counters and the correction of
 * its token estimate, and what it learns from each attempt (usage, {@code x-ratelimit-*} headers,
 * 429s). The mutable fields are guarded by the pool's lock.
 */
final class PoolMember {

  private static final Logger LOG = LoggerFactory.getLogger(DeploymentPool.class);

  /** What the members share: the pool's budget store, cool-down and learning settings. */
  record Settings(
      BudgetStore store,
      long defaultCooldownNanos,
      long maxCooldownNanos,
      long maxWaitNanos,
      boolean learnLimits,
      Clock clock) {}

  final DeploymentMember config;
  final String name;
  final @Nullable ChatBackend chat;
  final @Nullable EmbeddingBackend embeddings;
  final BackendInfo info;
  final CircuitBreaker breaker;
  final String budgetKey;
  private final Settings settings;
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

  PoolMember(DeploymentMember config, CircuitBreaker breaker, Settings settings) {
    this.config = config;
    this.name = config.name();
    this.chat = config.chatOrNull();
    this.embeddings = config.embeddingsOrNull();
    this.info = chat != null ? chat.info() : Objects.requireNonNull(embeddings).info();
    this.breaker = breaker;
    this.budgetKey = config.budgetKey();
    this.settings = settings;
    // from the breaker's events, so that a transition made elsewhere (another pool sharing the
    // registry, an operator) is seen too
    breaker
        .getEventPublisher()
        .onStateTransition(
            e -> {
              if (e.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
                openUntil = PoolTime.saturatedAdd(PoolTime.nanos(settings.clock()), openNanos());
              }
            });
    if (breaker.getState() == CircuitBreaker.State.OPEN) {
      // opened before this pool: it reopens at the latest one open duration from now
      openUntil = PoolTime.saturatedAdd(PoolTime.nanos(settings.clock()), openNanos());
    }
  }

  /** How long the breaker stays open, as its own configuration says. */
  private long openNanos() {
    Long millis = breaker.getCircuitBreakerConfig().getWaitIntervalFunctionInOpenState().apply(1);
    return millis == null ? 0 : TimeUnit.MILLISECONDS.toNanos(Math.max(0, millis));
  }

  /** The backend the pool closes with this member. */
  AutoCloseable backend() {
    return chat != null ? chat : Objects.requireNonNull(embeddings);
  }

  BudgetStore store() {
    return settings.store();
  }

  /** Whether the breaker is open and its wait not over: the member takes no call. */
  boolean isOpen(long now) {
    return breaker.getState() == CircuitBreaker.State.OPEN && now <= openUntil;
  }

  /** How long until the member's cool-down after a 429 ends, 0 when it is not cooling. */
  long coolingNanos(long now) {
    return now < coolUntil ? coolUntil - now : 0;
  }

  /** Notes a move of the breaker since {@code before} in the log and on the call's span. */
  void breakerMoved(PoolCall<?> call, CircuitBreaker.State before) {
    CircuitBreaker.State after = breaker.getState();
    if (before == after) {
      return;
    }
    LOG.info("deployment pool member {}: circuit breaker {} -> {}", name, before, after);
    call.span.event(
        "llmclient.pool.breaker",
        Map.of(
            "llmclient.pool.member", name,
            "llmclient.pool.breaker.from", before.name(),
            "llmclient.pool.breaker.to", after.name()));
  }

  /**
   * Updates the counters, budget, cool-down and breaker for one attempt, and puts an answer's cost
   * in {@link PoolCall#cost}. The breaker always gets the permit back, also when the bookkeeping
   * throws. Call under the pool's lock.
   *
   * @return whether the call fails over to another member
   */
  boolean book(
      PoolCall<?> call,
      BudgetStore.Reservation reservation,
      long started,
      long now,
      PoolCall.@Nullable Answer completion,
      @Nullable Throwable cause,
      PoolStats stats,
      boolean closed) {
    long took = Math.max(0, now - started);
    inFlight--;
    CircuitBreaker.State before = breaker.getState();
    boolean permitBack = false;
    try {
      boolean failover = false;
      if (cause == null && completion != null) {
        successes++;
        breaker.onSuccess(took, TimeUnit.NANOSECONDS);
        permitBack = true;
        Usage reported = completion.usage();
        usage = usage.plus(reported);
        double price = stats.priceOf(completion, call.model(), reported);
        cost += price;
        if (call.waitStart != Long.MIN_VALUE) {
          budgetWaits++;
        }
        learn(call, reservation, completion, now);
        call.cost = price;
      } else if (cause instanceof CancellationException && call.result.isDone()) {
        breaker.releasePermission();
        permitBack = true;
        store().release(reservation, reservation.tokens(), now);
      } else {
        Throwable failure = cause != null ? cause : missingAnswer();
        failures++;
        breaker.onError(took, TimeUnit.NANOSECONDS, failure);
        permitBack = true;
        // the server may have counted it: it keeps its share for a window
        store().release(reservation, reservation.tokens(), now);
        if (failure instanceof RateLimitException rl) {
          rateLimited++;
          coolDown(rl, now);
        }
        failover =
            failure instanceof LlmException le
                && le.isRetryable()
                && !call.result.isDone()
                && !closed;
        if (failover) {
          call.tried.add(this);
          call.lastError = failure;
          failovers++;
        }
      }
      breakerMoved(call, before);
      return failover;
    } finally {
      if (!permitBack) {
        breaker.releasePermission();
      }
    }
  }

  IllegalStateException missingAnswer() {
    return new IllegalStateException(
        "the backend of pool member " + name + " completed with neither an answer nor a failure");
  }

  /**
   * Cools the member down for the server's wait (or the default), clamped to the pool's
   * maxCooldown: a wait in the year 9999 or of a century must not silence a member for good, nor
   * overflow into no cool-down at all.
   */
  private void coolDown(RateLimitException rl, long now) {
    Duration asked = rl.retryAfter();
    long wait =
        asked == null
            ? settings.defaultCooldownNanos()
            : PoolTime.nanosAtMost(asked, settings.maxCooldownNanos());
    coolUntil = Math.max(coolUntil, PoolTime.saturatedAdd(now, wait));
  }

  /** Corrects the budget with reported usage and learns the server's limits and remaining room. */
  private void learn(
      PoolCall<?> call, BudgetStore.Reservation reservation, PoolCall.Answer c, long now) {
    BudgetStore store = store();
    long input = c.usage().inputTokens();
    if (input > 0) {
      double ratio = (double) input / (double) call.promptTokens;
      tokenFactor = Math.max(0.25, Math.min(4.0, 0.8 * tokenFactor + 0.2 * ratio));
      Integer cap = call.outputCap;
      long charged = input + (cap != null ? cap : c.usage().outputTokens());
      store.release(reservation, charged, now);
    } else {
      store.release(reservation, reservation.tokens(), now);
    }
    if (!settings.learnLimits()) {
      return;
    }
    RateLimitInfo rl = c.rateLimit();
    if (rl.limitRequests() != null || rl.limitTokens() != null) {
      BudgetStore.Limits limits = store.limits(budgetKey);
      int rpm = limits.requestsPerMinute();
      int tpm = limits.tokensPerMinute();
      if (config.requestsPerMinute() == 0 && rl.limitRequests() != null) {
        rpm = (int) Math.min(Integer.MAX_VALUE, Math.max(0, rl.limitRequests()));
      }
      if (config.tokensPerMinute() == 0 && rl.limitTokens() != null) {
        tpm = (int) Math.min(Integer.MAX_VALUE, Math.max(0, rl.limitTokens()));
      }
      if (rpm != limits.requestsPerMinute() || tpm != limits.tokensPerMinute()) {
        store.learnLimits(budgetKey, rpm, tpm);
      }
    }
    Long remainingRequests = rl.remainingRequests();
    if (remainingRequests != null && remainingRequests == 0) {
      store.holdUntil(budgetKey, PoolTime.saturatedAdd(now, resetNanos(rl.resetRequests())));
    }
    Long remainingTokens = rl.remainingTokens();
    if (remainingTokens != null && remainingTokens == 0) {
      store.holdUntil(budgetKey, PoolTime.saturatedAdd(now, resetNanos(rl.resetTokens())));
    }
  }

  private long resetNanos(@Nullable Duration reset) {
    if (reset == null || reset.isNegative()) {
      return settings.defaultCooldownNanos();
    }
    return PoolTime.nanosAtMost(reset, settings.maxWaitNanos());
  }

  /** A snapshot of this member; call under the pool's lock. */
  DeploymentStats snapshot(long now) {
    CircuitBreaker.State state = breaker.getState();
    Instant open = state == CircuitBreaker.State.OPEN ? PoolTime.instant(openUntil) : null;
    Instant cooling = coolUntil > now ? PoolTime.instant(coolUntil) : null;
    BudgetStore.Limits limits = store().limits(budgetKey);
    return new DeploymentStats(
        name,
        config.tier(),
        state.name(),
        open,
        cooling,
        inFlight,
        limits.requestsPerMinute(),
        limits.tokensPerMinute(),
        requests,
        successes,
        failures,
        rateLimited,
        failovers,
        budgetWaits,
        usage,
        cost);
  }
}
