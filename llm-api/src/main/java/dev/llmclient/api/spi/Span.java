package dev.llmclient.api.spi;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One traced operation, in the shape of Graphiti's tracer span plus what asynchronous retries need:
 * explicit children and trace-context headers.
 *
 * <p>Implementations must be safe to call from any thread and must never throw; the core
 * nevertheless guards every call, so a faulty tracer cannot break or change an LLM call.
 */
public interface Span {

  /**
   * A span that records nothing.
   *
   * @return the no-op span
   */
  static Span noop() {
    return NoopTracing.SPAN;
  }

  /**
   * Sets one attribute. Strings, booleans, whole numbers, floating-point numbers and lists of
   * strings are kept as they are; other values as their {@code toString()}; null is ignored.
   *
   * @param key the attribute name, e.g. {@code gen_ai.request.model}
   * @param value the value, or null to set nothing
   * @return this span
   */
  Span setAttribute(String key, @Nullable Object value);

  /**
   * Sets several attributes, as {@link #setAttribute} does one.
   *
   * @param attributes the attributes
   * @return this span
   */
  default Span setAttributes(Map<String, ?> attributes) {
    attributes.forEach(this::setAttribute);
    return this;
  }

  /**
   * Adds a timestamped event, e.g. a retry or a re-ask.
   *
   * @param name the event name
   * @param attributes the event's attributes
   */
  void addEvent(String name, Map<String, ?> attributes);

  /**
   * Records an exception on the span.
   *
   * @param exception the exception
   */
  void recordException(Throwable exception);

  /**
   * Sets the outcome.
   *
   * @param status OK or ERROR
   * @param description why, for ERROR; null otherwise
   */
  void setStatus(SpanStatus status, @Nullable String description);

  /**
   * Starts a child of this span, on any thread: used for each HTTP attempt, which may run later on
   * a scheduler thread.
   *
   * @param name the child's name, e.g. {@code chat gpt-4o}
   * @param kind the child's kind
   * @return the started child
   */
  Span startChild(String name, SpanKind kind);

  /**
   * The headers that carry this span's trace context to a server, e.g. W3C {@code traceparent}.
   *
   * @return the headers; empty when the tracer propagates nothing
   */
  Map<String, String> propagationHeaders();

  /** Ends the span. Calls after the first are ignored. */
  void end();
}
