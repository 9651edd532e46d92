package dev.llmclient.api.spi;

import java.util.Optional;

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

  /**
   * The span-name prefix this tracer was configured with, for applications that configure tracing
   * in one place. A client built with this tracer names its spans with it; a prefix set on the
   * client builder too must be the same one.
   *
   * @return the prefix without a trailing dot, or empty when the tracer leaves naming to the client
   */
  default Optional<String> spanPrefix() {
    return Optional.empty();
  }
}
