package dev.llmclient.core;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A concurrency limit that never blocks: tasks wait in a FIFO queue and run, on the thread that
 * frees a permit or submits, once one of the permits is free. Each task must call {@link
 * #release()} exactly once when its work is done, and must not throw. Draining is a loop, not
 * recursion, so a task that completes synchronously and releases at once cannot grow the stack.
 */
final class AsyncLimiter {

  private static final Logger LOG = LoggerFactory.getLogger(AsyncLimiter.class);

  private final Queue<Runnable> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger available;
  private final AtomicInteger wip = new AtomicInteger();
  private final int permits;

  AsyncLimiter(int permits) {
    if (permits < 1) {
      throw new IllegalArgumentException("permits must be at least 1, got " + permits);
    }
    this.permits = permits;
    this.available = new AtomicInteger(permits);
  }

  /** Runs the task now if a permit is free, else when one is. */
  void submit(Runnable task) {
    queue.add(task);
    drain();
  }

  /** Returns a permit taken by a task. */
  void release() {
    available.incrementAndGet();
    drain();
  }

  /** Permits in use, for tests and spans. */
  int inUse() {
    return permits - available.get();
  }

  private void drain() {
    if (wip.getAndIncrement() != 0) {
      return;
    }
    int missed = 1;
    do {
      // Only the draining thread takes permits, so the check and the decrement cannot race.
      while (available.get() > 0) {
        Runnable task = queue.poll();
        if (task == null) {
          break;
        }
        available.decrementAndGet();
        try {
          task.run();
        } catch (RuntimeException e) {
          // Tasks release their permit themselves and are written not to throw; never reached.
          LOG.error("a task under the concurrency limit threw; this is a bug", e);
        }
      }
      missed = wip.addAndGet(-missed);
    } while (missed != 0);
  }
}
