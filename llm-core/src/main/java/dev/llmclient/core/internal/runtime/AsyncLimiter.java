package dev.llmclient.core.internal.runtime;

import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A concurrency limit with a bounded queue that never blocks: a task runs at once, on the
 * submitting thread, while a permit is free and nothing waits; otherwise it waits in a FIFO queue
 * and runs, on the thread that frees a permit, when one is. A new task that finds the queue full is
 * refused ({@link #submit} returns false) and never runs. Work that belongs to an already accepted
 * task (the next request of a batch, a retry) enters with {@link #submitAccepted}, which is never
 * refused; a retry goes to the front, so it does not wait behind work that arrived after it.
 *
 * <p>Each task must call {@link #release()} exactly once when its work is done, and must not throw.
 * Draining is a loop, not recursion, so a task that completes synchronously and releases at once
 * cannot grow the stack. Taking a free permit allocates nothing.
 */
public final class AsyncLimiter {

  private static final Logger LOG = LoggerFactory.getLogger(AsyncLimiter.class);

  private final ConcurrentLinkedDeque<Runnable> queue = new ConcurrentLinkedDeque<>();
  private final AtomicInteger available;
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicInteger wip = new AtomicInteger();
  private final int permits;
  private final int maxQueued;

  /** A limit whose queue is bounded only by memory. */
  public AsyncLimiter(int permits) {
    this(permits, Integer.MAX_VALUE);
  }

  public AsyncLimiter(int permits, int maxQueued) {
    if (permits < 1) {
      throw new IllegalArgumentException("permits must be at least 1, got " + permits);
    }
    if (maxQueued < 0) {
      throw new IllegalArgumentException("maxQueued must not be negative, got " + maxQueued);
    }
    this.permits = permits;
    this.maxQueued = maxQueued;
    this.available = new AtomicInteger(permits);
  }

  /**
   * Runs the task now if a permit is free, else queues it.
   *
   * @return false when the queue is full: the task was not run and never will be
   */
  public boolean submit(Runnable task) {
    if (queued.get() == 0 && tryTake()) {
      run(task);
      return true;
    }
    if (queued.incrementAndGet() > maxQueued) {
      queued.decrementAndGet();
      return false;
    }
    queue.addLast(task);
    drain();
    return true;
  }

  /**
   * Runs or queues work of a task that was already accepted, even beyond the queue's bound.
   *
   * @param first true to queue it ahead of everything waiting (a retry), false behind it
   */
  public void submitAccepted(Runnable task, boolean first) {
    if (queued.get() == 0 && tryTake()) {
      run(task);
      return;
    }
    queued.incrementAndGet();
    if (first) {
      queue.addFirst(task);
    } else {
      queue.addLast(task);
    }
    drain();
  }

  /** Whether a new task would be run or queued now rather than refused. */
  public boolean hasRoom() {
    int waiting = queued.get();
    return waiting < maxQueued || (waiting == 0 && available.get() > 0);
  }

  /** Returns a permit taken by a task. */
  public void release() {
    available.incrementAndGet();
    drain();
  }

  /** Permits in use, for tests and spans. */
  public int inUse() {
    return permits - available.get();
  }

  /** Tasks waiting for a permit, for tests. */
  int waiting() {
    return queued.get();
  }

  public int permits() {
    return permits;
  }

  public int maxQueued() {
    return maxQueued;
  }

  private boolean tryTake() {
    while (true) {
      int free = available.get();
      if (free <= 0) {
        return false;
      }
      if (available.compareAndSet(free, free - 1)) {
        return true;
      }
    }
  }

  private void drain() {
    if (wip.getAndIncrement() != 0) {
      return;
    }
    int missed = 1;
    do {
      while (!queue.isEmpty() && tryTake()) {
        // only the draining thread polls, so the queue cannot have emptied since the check
        Runnable task = queue.pollFirst();
        if (task == null) {
          available.incrementAndGet();
          break;
        }
        queued.decrementAndGet();
        run(task);
      }
      missed = wip.addAndGet(-missed);
    } while (missed != 0);
  }

  private static void run(Runnable task) {
    try {
      task.run();
    } catch (RuntimeException e) {
      // Tasks release their permit themselves and are written not to throw; never reached.
      LOG.error("a task under the concurrency limit threw; this is a bug", e);
    }
  }
}
