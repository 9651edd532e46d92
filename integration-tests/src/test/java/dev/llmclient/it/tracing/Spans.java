package dev.llmclient.it.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmclient.otel.OtelTestHarness;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Assertion helpers over finished spans and metrics. */
final class Spans {

  static final String GENERATE = "llmclient.llm.generate";

  private Spans() {}

  /** A span's attributes by key name. */
  static Map<String, Object> attributes(SpanData span) {
    return attributes(span.getAttributes());
  }

  /** Attributes by key name. */
  static Map<String, Object> attributes(Attributes attributes) {
    Map<String, Object> out = new LinkedHashMap<>();
    attributes.forEach((k, v) -> out.put(k.getKey(), v));
    return out;
  }

  /** The outer generate spans, in the order they ended. */
  static List<SpanData> generateSpans(OtelTestHarness otel) {
    return otel.spans(GENERATE);
  }

  /** The CLIENT children of {@code parent}, in the order they started. */
  static List<SpanData> attemptsOf(OtelTestHarness otel, SpanData parent) {
    return otel.spans().stream()
        .filter(s -> s.getParentSpanId().equals(parent.getSpanId()))
        .filter(s -> s.getKind() == SpanKind.CLIENT)
        .sorted((a, b) -> Long.compare(a.getStartEpochNanos(), b.getStartEpochNanos()))
        .collect(Collectors.toList());
  }

  /** The one event with this name on the span. */
  static EventData event(SpanData span, String name) {
    List<EventData> events =
        span.getEvents().stream()
            .filter(e -> e.getName().equals(name))
            .collect(Collectors.toList());
    assertThat(events).as("events named %s on %s", name, span.getName()).hasSize(1);
    return events.get(0);
  }

  /** The events with this name on the span. */
  static List<EventData> events(SpanData span, String name) {
    return span.getEvents().stream()
        .filter(e -> e.getName().equals(name))
        .collect(Collectors.toList());
  }

  /** Asserts a metric's unit and returns its points. */
  static List<HistogramPointData> histogram(OtelTestHarness otel, String name, String unit) {
    MetricData metric =
        otel.metric(name).orElseThrow(() -> new AssertionError("no metric " + name));
    assertThat(metric.getUnit()).as("unit of %s", name).isEqualTo(unit);
    return List.copyOf(metric.getHistogramData().getPoints());
  }
}
