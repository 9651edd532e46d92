package dev.llmclient.api.spi;

/**
 * Starts spans for the core. The default records nothing; add {@code tracing-otel} for
 * OpenTelemetry.
 */
public interface Tracer {

  /**
   * A tracer that records nothing.
   *
   * @return the no-op tracer
   */
  static Tracer noop() {
    return NoopTracing.TRACER;
  }

  /**
   * Starts a span whose parent is the calling thread's current trace context.
   *
   * @param name the full span name, e.g. {@code llmclient.llm.generate}
   * @param kind the span's kind
   * @return the started span; never null
   */
  Span startSpan(String name, SpanKind kind);
}
