package dev.llmclient.core;

import dev.llmclient.api.spi.Span;
import dev.llmclient.api.spi.SpanKind;
import dev.llmclient.api.spi.SpanStatus;
import dev.llmclient.api.spi.Tracer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** A tracer that keeps every span it starts, with attributes, events, status and exceptions. */
final class RecordingTracer implements Tracer {

  static final class RecordedSpan implements Span {
    final String name;
    final SpanKind kind;
    final @Nullable RecordedSpan parent;
    final Map<String, Object> attributes = new LinkedHashMap<>();
    final List<String> events = new ArrayList<>();
    final List<Map<String, Object>> eventAttributes = new ArrayList<>();
    final List<Throwable> exceptions = new ArrayList<>();
    final List<RecordedSpan> children = new ArrayList<>();
    SpanStatus status = SpanStatus.UNSET;
    @Nullable String statusDescription;
    final String threadName = Thread.currentThread().getName();
    int ends;

    RecordedSpan(String name, SpanKind kind, @Nullable RecordedSpan parent) {
      this.name = name;
      this.kind = kind;
      this.parent = parent;
    }

    @Override
    public synchronized Span setAttribute(String key, @Nullable Object value) {
      if (value != null) {
        attributes.put(key, value);
      }
      return this;
    }

    @Override
    public synchronized void addEvent(String name, Map<String, ?> attributes) {
      events.add(name);
      eventAttributes.add(Map.<String, Object>copyOf(attributes));
    }

    @Override
    public synchronized void recordException(Throwable exception) {
      exceptions.add(exception);
    }

    @Override
    public synchronized void setStatus(SpanStatus status, @Nullable String description) {
      this.status = status;
      this.statusDescription = description;
    }

    @Override
    public synchronized Span startChild(String name, SpanKind kind) {
      RecordedSpan child = new RecordedSpan(name, kind, this);
      children.add(child);
      return child;
    }

    @Override
    public Map<String, String> propagationHeaders() {
      return Map.of("traceparent", "00-" + "a".repeat(32) + "-" + "b".repeat(16) + "-01");
    }

    @Override
    public synchronized void end() {
      ends++;
    }
  }

  final List<RecordedSpan> spans = new ArrayList<>();

  @Override
  public synchronized Span startSpan(String name, SpanKind kind) {
    RecordedSpan s = new RecordedSpan(name, kind, null);
    spans.add(s);
    return s;
  }

  synchronized RecordedSpan only() {
    if (spans.size() != 1) {
      throw new AssertionError("expected one span, got " + spans.size());
    }
    return spans.get(0);
  }

  /** A tracer whose every method throws, returned spans included. */
  static Tracer throwingEverywhere() {
    Span bad =
        new Span() {
          @Override
          public Span setAttribute(String key, @Nullable Object value) {
            throw new IllegalStateException("setAttribute");
          }

          @Override
          public void addEvent(String name, Map<String, ?> attributes) {
            throw new IllegalStateException("addEvent");
          }

          @Override
          public void recordException(Throwable exception) {
            throw new IllegalStateException("recordException");
          }

          @Override
          public void setStatus(SpanStatus status, @Nullable String description) {
            throw new IllegalStateException("setStatus");
          }

          @Override
          public Span startChild(String name, SpanKind kind) {
            return this;
          }

          @Override
          public Map<String, String> propagationHeaders() {
            throw new IllegalStateException("propagationHeaders");
          }

          @Override
          public void end() {
            throw new IllegalStateException("end");
          }
        };
    return (name, kind) -> bad;
  }

  /** A tracer that cannot even start a span. */
  static Tracer throwingOnStart() {
    return (name, kind) -> {
      throw new IllegalStateException("startSpan");
    };
  }
}
