package dev.llmclient.api.spi;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The package-private no-op tracer and span behind {@link Tracer#noop()}. */
final class NoopTracing implements Tracer, Span {

  static final NoopTracing TRACER = new NoopTracing();
  static final NoopTracing SPAN = TRACER;

  private NoopTracing() {}

  @Override
  public Span startSpan(String name, SpanKind kind) {
    return this;
  }

  @Override
  public Span setAttribute(String key, @Nullable Object value) {
    return this;
  }

  @Override
  public void addEvent(String name, Map<String, ?> attributes) {}

  @Override
  public void recordException(Throwable exception) {}

  @Override
  public void setStatus(SpanStatus status, @Nullable String description) {}

  @Override
  public Span startChild(String name, SpanKind kind) {
    return this;
  }

  @Override
  public Map<String, String> propagationHeaders() {
    return Map.of();
  }

  @Override
  public void end() {}

  @Override
  public String toString() {
    return "Tracer.noop()";
  }
}
