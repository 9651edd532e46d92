package dev.llmclient.testkit.simulator;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** The requests the simulator received, newest last and bounded, and their sequence numbers. */
final class RequestLog {

  private final int limit;
  private final AtomicLong sequence = new AtomicLong();
  private final Deque<RecordedRequest> recorded = new ArrayDeque<>();

  RequestLog(int limit) {
    this.limit = limit;
  }

  /** The next request's sequence number; never reset, so ids stay unique across resets. */
  long next() {
    return sequence.incrementAndGet();
  }

  /** The latest sequence number handed out. */
  long current() {
    return sequence.get();
  }

  void add(RecordedRequest r) {
    if (limit == 0) {
      return;
    }
    synchronized (recorded) {
      recorded.addLast(r);
      while (recorded.size() > limit) {
        recorded.removeFirst();
      }
    }
  }

  List<RecordedRequest> snapshot() {
    synchronized (recorded) {
      return List.copyOf(recorded);
    }
  }

  void clear() {
    synchronized (recorded) {
      recorded.clear();
    }
  }
}
