package dev.llmclient.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A scheduler on virtual time: tasks run only when the test advances the clock, on the test's
 * thread. Nothing sleeps. The clock it exposes moves with it.
 */
public final class ManualScheduler extends AbstractExecutorService
    implements ScheduledExecutorService {

  private final class Task implements ScheduledFuture<Object> {
    final long dueNanos;
    final long seq;
    final Runnable body;
    boolean cancelled;
    boolean done;

    Task(long dueNanos, long seq, Runnable body) {
      this.dueNanos = dueNanos;
      this.seq = seq;
      this.body = body;
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(dueNanos - nowNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed o) {
      return Long.compare(getDelay(TimeUnit.NANOSECONDS), o.getDelay(TimeUnit.NANOSECONDS));
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      cancelled = true;
      return !done;
    }

    @Override
    public boolean isCancelled() {
      return cancelled;
    }

    @Override
    public boolean isDone() {
      return done || cancelled;
    }

    @Override
    public Object get() {
      return null;
    }

    @Override
    public Object get(long timeout, TimeUnit unit) {
      return null;
    }
  }

  private final Instant epoch = Instant.parse("2026-01-01T00:00:00Z");
  private final PriorityQueue<Task> queue =
      new PriorityQueue<>(
          Comparator.<Task>comparingLong(t -> t.dueNanos).thenComparingLong(t -> t.seq));
  private final List<Duration> requestedDelays = new ArrayList<>();
  private long nowNanos;
  private long seq;
  private boolean shutdown;

  /** A clock that reads this scheduler's virtual time. */
  public Clock clock() {
    return new Clock() {
      @Override
      public ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return epoch.plusNanos(nowNanos);
      }
    };
  }

  /** Every delay passed to schedule(), in order, the deadline timer included. */
  public synchronized List<Duration> requestedDelays() {
    return List.copyOf(requestedDelays);
  }

  /** Advances virtual time, running each task that falls due, in order. */
  public void advance(Duration by) {
    long target = nowNanos + by.toNanos();
    while (true) {
      Task next;
      synchronized (this) {
        next = queue.peek();
        if (next == null || next.dueNanos > target) {
          break;
        }
        queue.poll();
        nowNanos = Math.max(nowNanos, next.dueNanos);
      }
      if (!next.cancelled) {
        next.done = true;
        next.body.run();
      }
    }
    nowNanos = target;
  }

  /** Tasks waiting that are not cancelled. */
  public synchronized long pending() {
    return queue.stream().filter(t -> !t.cancelled).count();
  }

  @Override
  public synchronized ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    if (shutdown) {
      throw new java.util.concurrent.RejectedExecutionException("shut down");
    }
    long nanos = unit.toNanos(delay);
    requestedDelays.add(Duration.ofNanos(nanos));
    long due = nowNanos + nanos;
    // like ScheduledThreadPoolExecutor: a delay too long to add is "never", not the past
    Task t = new Task(due < nowNanos ? Long.MAX_VALUE : due, seq++, command);
    queue.add(t);
    return t;
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    throw new UnsupportedOperationException();
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(
      Runnable command, long initialDelay, long period, TimeUnit unit) {
    throw new UnsupportedOperationException();
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(
      Runnable command, long initialDelay, long delay, TimeUnit unit) {
    throw new UnsupportedOperationException();
  }

  @Override
  public synchronized void shutdown() {
    shutdown = true;
  }

  @Override
  public synchronized List<Runnable> shutdownNow() {
    shutdown = true;
    return List.of();
  }

  @Override
  public synchronized boolean isShutdown() {
    return shutdown;
  }

  @Override
  public synchronized boolean isTerminated() {
    return shutdown;
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return true;
  }

  @Override
  public void execute(Runnable command) {
    command.run();
  }
}
