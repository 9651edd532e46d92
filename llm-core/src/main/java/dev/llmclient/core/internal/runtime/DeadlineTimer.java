package dev.llmclient.core.internal.runtime;

import java.time.Clock;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One deadline timer per client for the calls that nobody waits for on a thread of their own (async
 * calls, streams): instead of a scheduler task per call, set when it starts and cancelled when it
 * ends (a wake-up of the scheduler's thread per call), the client keeps one task, due at the
 * earliest deadline it watches. A call's deadline is its start plus the client's one deadline
 * setting, so a call that starts while the task is pending is due no earlier than the task: it is
 * only added to the set. When the task runs it fails the calls whose deadline has passed and, if
 * calls remain, sets itself again for the earliest of them; when none remain it is not set again.
 */
final class DeadlineTimer {

  private final ScheduledExecutorService scheduler;
  private final Clock clock;
  private final Set<Call<?, ?, ?>> watched = ConcurrentHashMap.newKeySet();

  // Guarded by this: the pending task and the instant it is due.
  private @Nullable ScheduledFuture<?> task;
  private @Nullable Instant due;

  DeadlineTimer(ScheduledExecutorService scheduler, Clock clock) {
    this.scheduler = scheduler;
    this.clock = clock;
  }

  /**
   * Fails the call at its deadline unless it is {@link #unwatch unwatched} first.
   *
   * @param call the call
   * @param deadline its deadline ({@link Instant#MAX} for none)
   * @throws RejectedExecutionException when the scheduler is shut down (the client is closed)
   */
  void watch(Call<?, ?, ?> call, Instant deadline) {
    if (deadline.equals(Instant.MAX)) {
      return; // no deadline
    }
    synchronized (this) {
      // added under the lock: a task that runs after this sees the call (see run())
      watched.add(call);
      Instant pending = due;
      if (pending == null || pending.isAfter(deadline)) {
        setTask(deadline, clock.instant());
      }
    }
  }

  /**
   * Stops watching a call that ended; the task stays set for the calls that remain (or until it
   * runs, finds none, and is not set again).
   *
   * @param call the call
   */
  void unwatch(Call<?, ?, ?> call) {
    watched.remove(call);
  }

  /** The client closed (and failed its calls): the pending task, if any, is cancelled. */
  void close() {
    ScheduledFuture<?> pending;
    synchronized (this) {
      pending = task;
      task = null;
      due = null;
    }
    if (pending != null) {
      pending.cancel(false);
    }
  }

  private void run() {
    Instant firedFor;
    synchronized (this) {
      firedFor = due;
      task = null;
      due = null;
    }
    // The task was due at firedFor; a clock that reads a little behind the scheduler's does not
    // keep a call alive past it.
    Instant now = clock.instant();
    if (firedFor != null && firedFor.isAfter(now)) {
      now = firedFor;
    }
    Instant next = null;
    for (Call<?, ?, ?> call : watched) {
      Instant deadline = call.deadline();
      if (!deadline.isAfter(now)) {
        watched.remove(call);
        call.deadlinePassed();
      } else if (next == null || deadline.isBefore(next)) {
        next = deadline;
      }
    }
    if (next != null) {
      synchronized (this) {
        Instant pending = due;
        if (pending == null || pending.isAfter(next)) {
          try {
            setTask(next, now);
          } catch (RejectedExecutionException closed) {
            // the client closed meanwhile; close() fails its calls
          }
        }
      }
    }
  }

  /** Replaces the pending task with one due at {@code at}; the caller holds the lock. */
  private void setTask(Instant at, Instant now) {
    ScheduledFuture<?> previous = task;
    task = scheduler.schedule(this::run, nanosBetween(now, at), TimeUnit.NANOSECONDS);
    due = at;
    if (previous != null) {
      previous.cancel(false);
    }
  }

  /** {@code to - from} in nanoseconds: 0 in the past, {@code Long.MAX_VALUE} beyond 292 years. */
  static long nanosBetween(Instant from, Instant to) {
    long seconds = to.getEpochSecond() - from.getEpochSecond();
    if (seconds >= Long.MAX_VALUE / 1_000_000_000L - 1) {
      return Long.MAX_VALUE;
    }
    if (seconds < -1) {
      return 0;
    }
    long nanos = seconds * 1_000_000_000L + (to.getNano() - from.getNano());
    return Math.max(0, nanos);
  }
}
