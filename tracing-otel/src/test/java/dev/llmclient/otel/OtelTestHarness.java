package dev.llmclient.otel;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * An OpenTelemetry SDK that keeps every span and metric in memory, with the W3C trace-context and
 * baggage propagators (what the SDK's autoconfigure installs by default). Self-contained so the
 * end-to-end tests can copy it as is.
 *
 * <pre>{@code
 * try (OtelTestHarness otel = OtelTestHarness.create()) {
 *   Tracer tracer = OtelTracing.create(otel.openTelemetry());
 *   ...
 *   SpanData generate = otel.span("llmclient.llm.generate");
 *   HistogramPointData duration = otel.histogramPoint(
 *       "gen_ai.client.operation.duration", expectedAttributes);
 * }
 * }</pre>
 */
public final class OtelTestHarness implements AutoCloseable {

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final InMemoryMetricReader metrics = InMemoryMetricReader.create();
  private final OpenTelemetrySdk sdk;

  private OtelTestHarness(ContextPropagators propagators) {
    sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(spans))
                    .build())
            .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
            .setPropagators(propagators)
            .build();
  }

  /** An SDK with W3C trace context and baggage propagation. */
  public static OtelTestHarness create() {
    return new OtelTestHarness(
        ContextPropagators.create(
            TextMapPropagator.composite(
                W3CTraceContextPropagator.getInstance(), W3CBaggagePropagator.getInstance())));
  }

  /** An SDK that propagates nothing. */
  public static OtelTestHarness withoutPropagation() {
    return new OtelTestHarness(ContextPropagators.noop());
  }

  public OpenTelemetry openTelemetry() {
    return sdk;
  }

  /** Every ended span, in the order they ended. */
  public List<SpanData> spans() {
    return spans.getFinishedSpanItems();
  }

  /** The one ended span with this name; fails when there is none or several. */
  public SpanData span(String name) {
    List<SpanData> named =
        spans().stream().filter(s -> s.getName().equals(name)).collect(Collectors.toList());
    assertThat(named).as("ended spans named '%s' in %s", name, spans()).hasSize(1);
    return named.get(0);
  }

  /** Every ended span with this name, in the order they ended. */
  public List<SpanData> spans(String name) {
    return spans().stream().filter(s -> s.getName().equals(name)).collect(Collectors.toList());
  }

  /** The metrics recorded so far (cumulative). */
  public List<MetricData> metrics() {
    return List.copyOf(metrics.collectAllMetrics());
  }

  /** The metric with this name, if anything was recorded on it. */
  public Optional<MetricData> metric(String name) {
    return metrics().stream().filter(m -> m.getName().equals(name)).findFirst();
  }

  /** The histogram points of this metric; empty when nothing was recorded. */
  public List<HistogramPointData> histogramPoints(String name) {
    return metric(name).map(m -> List.copyOf(m.getHistogramData().getPoints())).orElse(List.of());
  }

  /** The one histogram point of this metric with exactly these attributes. */
  public HistogramPointData histogramPoint(String name, Attributes attributes) {
    List<HistogramPointData> matching =
        histogramPoints(name).stream()
            .filter(p -> p.getAttributes().equals(attributes))
            .collect(Collectors.toList());
    assertThat(matching)
        .as("points of %s with %s among %s", name, attributes, histogramPoints(name))
        .hasSize(1);
    return matching.get(0);
  }

  @Override
  public void close() {
    sdk.close();
  }
}
