package dev.llmclient.cli;

import dev.llmclient.api.spi.Span;
import dev.llmclient.api.spi.SpanKind;
import dev.llmclient.api.spi.SpanStatus;
import dev.llmclient.api.spi.Tracer;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * Counts what the core reports on its generate spans: transport retries, re-asks, and the calls
 * that are retrying right now. It records nothing else, so no prompt or answer is kept.
 */
final class CallTracer implements Tracer {

  static final String RETRY_EVENT = "llmclient.retry";
  static final String REASK_EVENT = "llmclient.reask";

  private final LongAdder retries = new LongAdder();
  private final LongAdder reasks = new LongAdder();
  private final AtomicInteger retrying = new AtomicInteger();

  @Override
  public Span startSpan(String name, SpanKind kind) {
    return new CallSpan();
  }

  /** Transport retries so far, of every call. */
  long retries() {
    return retries.sum();
  }

  /** Re-asks (answers that were not valid JSON or not valid against the schema) so far. */
  long reasks() {
    return reasks.sum();
  }

  /** Calls in flight that have retried at least once. */
  int retrying() {
    return retrying.get();
  }

  private final class CallSpan implements Span {
    private boolean retried;
    private boolean ended;

    @Override
    public Span setAttribute(String key, @Nullable Object value) {
      return this;
    }

    @Override
    public synchronized void addEvent(String name, Map<String, ?> attributes) {
      if (RETRY_EVENT.equals(name)) {
        retries.increment();
        if (!retried && !ended) {
          retried = true;
          retrying.incrementAndGet();
        }
      } else if (REASK_EVENT.equals(name)) {
        reasks.increment();
      }
    }

    @Override
    public void recordException(Throwable exception) {}

    @Override
    public void setStatus(SpanStatus status, @Nullable String description) {}

    @Override
    public Span startChild(String name, SpanKind kind) {
      return Span.noop();
    }

    @Override
    public Map<String, String> propagationHeaders() {
      return Map.of();
    }

    @Override
    public synchronized void end() {
      if (!ended) {
        ended = true;
        if (retried) {
          retrying.decrementAndGet();
        }
      }
    }
  }
}
