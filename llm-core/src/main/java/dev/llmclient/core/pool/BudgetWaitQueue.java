package dev.llmclient.core.pool;

import dev.llmclient.api.ErrorContext;
import dev.llmclient.api.RateLimitException;
import dev.llmclient.core.pool.PoolRouter.Decision;
import dev.llmclient.core.pool.PoolRouter.Kind;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The calls that wait for budget or cool-down: a bounded queue, oldest first (a failed-over call
 * goes to the front), each waiting at most the pool's maxWait, with one timer that wakes the pool
 * when the earliest of them may go. No thread is held while a call waits. Guarded by the pool's
 * lock.
 */
final class BudgetWaitQueue {

  /** A waiting call and what to do with it now that it leaves the queue. */
  record Leaving(PoolCall<?> call, Decision decision) {}

  private final ArrayDeque<PoolCall<?>> waiting = new ArrayDeque<>();
  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private final Runnable onWake;
  private final String providerId;
  private final int maxQueued;
  private final long maxWaitNanos;
  private @Nullable ScheduledFuture<?> wake;
  private long wakeAt = Long.MAX_VALUE;
  private boolean closed;

  BudgetWaitQueue(
      Clock clock,
      ScheduledExecutorService scheduler,
      Runnable onWake,
      String providerId,
      int maxQueued,
      long maxWaitNanos) {
    this.clock = clock;
    this.scheduler = scheduler;
    this.onWake = onWake;
    this.providerId = providerId;
    this.maxQueued = maxQueued;
    this.maxWaitNanos = maxWaitNanos;
  }

  boolean isEmpty() {
    return waiting.isEmpty();
  }

  void remove(PoolCall<?> call) {
    waiting.remove(call);
  }

  /** Puts a call in the queue, or fails it when the queue is full or the wait too long. */
  Decision enqueue(PoolCall<?> call, boolean front, long waitNanos) {
    long now = PoolTime.nanos(clock);
    if (!front && waiting.size() >= maxQueued) {
      return Decision.fail(
          overBudget(
              "the pool's queue of "
                  + maxQueued
                  + " waiting calls is full; raise DeploymentPool.builder().maxQueued(...) or the"
                  + " members' limits, or send fewer calls at once",
              waitNanos));
    }
    if (waitNanos > call.deadline - now) {
      return Decision.fail(
          overBudget(
              "no member has budget left within the pool's maxWait of "
                  + Duration.ofNanos(maxWaitNanos)
                  + "; raise DeploymentPool.builder().maxWait(...), the members' limits, or add"
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
    scheduleWake(PoolTime.saturatedAdd(now, Math.max(waitNanos, TimeUnit.MILLISECONDS.toNanos(1))));
    return Decision.waitFor(waitNanos);
  }

  /**
   * Routes each waiting call, oldest first, and takes out those that go or fail; stops at the first
   * new call that must keep waiting, so nobody is overtaken, and sets the timer for the rest.
   */
  List<Leaving> drain(PoolRouter router) {
    List<Leaving> out = new ArrayList<>();
    if (waiting.isEmpty() || closed) {
      return out;
    }
    long now = PoolTime.nanos(clock);
    long earliest = Long.MAX_VALUE;
    Iterator<PoolCall<?>> it = waiting.iterator();
    while (it.hasNext()) {
      PoolCall<?> call = it.next();
      if (call.result.isDone()) {
        it.remove();
        continue;
      }
      if (now >= call.deadline) {
        it.remove();
        call.waitedNanos += now - call.waitStart;
        out.add(
            new Leaving(
                call,
                Decision.fail(
                    overBudget(
                        "the call waited the pool's maxWait of "
                            + Duration.ofNanos(maxWaitNanos)
                            + " without a member with budget left; raise"
                            + " DeploymentPool.builder().maxWait(...) or the members' limits",
                        0))));
        continue;
      }
      Decision d;
      try {
        d = router.route(call, now);
      } catch (RuntimeException | Error e) {
        d = Decision.fail(DeploymentPool.bug("routing a waiting call", e));
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
      out.add(new Leaving(call, d));
    }
    if (!waiting.isEmpty()) {
      PoolCall<?> head = waiting.peekFirst();
      if (head != null) {
        earliest = Math.min(earliest, Math.max(0, head.deadline - now));
      }
      scheduleWake(
          PoolTime.saturatedAdd(
              now,
              Math.max(
                  earliest == Long.MAX_VALUE ? PoolRouter.PROBE_RETRY_NANOS : earliest,
                  TimeUnit.MILLISECONDS.toNanos(1))));
    }
    return out;
  }

  /** Stops the timer and hands back the calls still waiting, to be failed. */
  List<PoolCall<?>> close() {
    closed = true;
    List<PoolCall<?>> dropped = new ArrayList<>(waiting);
    waiting.clear();
    if (wake != null) {
      wake.cancel(false);
    }
    return dropped;
  }

  /** The timer fired: the next drain may set a new one. */
  void woken() {
    wake = null;
    wakeAt = Long.MAX_VALUE;
  }

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
      wake =
          scheduler.schedule(onWake, Math.max(0, at - PoolTime.nanos(clock)), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      wake = null;
    }
  }

  RateLimitException overBudget(String why, long waitNanos) {
    return new RateLimitException(
        "The call was not sent: " + why,
        ErrorContext.provider(providerId),
        waitNanos > 0 ? Duration.ofNanos(waitNanos) : null,
        null);
  }
}
