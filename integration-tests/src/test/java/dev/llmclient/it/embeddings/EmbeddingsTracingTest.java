package dev.llmclient.it.embeddings;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmclient.api.EmbedderClient;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.core.LlmClients;
import dev.llmclient.core.TokenUsageTracker;
import dev.llmclient.otel.OtelTracing;
import dev.llmclient.testkit.simulator.LlmSimulator;
import dev.llmclient.testkit.simulator.RecordedRequest;
import dev.llmclient.testkit.simulator.Route;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Embeddings through the real OpenTelemetry bridge: one {@code llmclient.llm.embed} span, one
 * {@code embeddings <model>} CLIENT child per request carrying the GenAI attributes, the {@code
 * gen_ai.client.token.usage} metric for the embeddings operation, and trace context on the wire.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class EmbeddingsTracingTest {

  @Test
  void eachRequestIsAClientSpanAndItsTokensReachTheUsageMetric() {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    InMemoryMetricReader metrics = InMemoryMetricReader.create();
    List<String> texts = IntStream.range(0, 3000).mapToObj(i -> "node " + i).toList();
    TokenUsageTracker usage = new TokenUsageTracker();
    List<SpanData> finished;
    List<MetricData> collected;
    try (LlmSimulator sim = LlmSimulator.builder().apiKey("k").start();
        OpenTelemetrySdk sdk =
            OpenTelemetrySdk.builder()
                .setTracerProvider(
                    SdkTracerProvider.builder()
                        .addSpanProcessor(SimpleSpanProcessor.create(spans))
                        .build())
                .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build();
        EmbedderClient embedder =
            LlmClients.embedder()
                .provider("openai")
                .settings(
                    ProviderSettings.of(
                        Map.of(
                            "OPENAI_API_KEY", "k",
                            "OPENAI_BASE_URL", sim.openAiBaseUri().toString(),
                            "EMBEDDING_DIM", "32")))
                .tracer(OtelTracing.create(sdk))
                .tokenUsageTracker(usage)
                .promptName("embed_nodes")
                .build()) {
      assertThat(embedder.createBatch(texts)).hasSize(3000);

      List<RecordedRequest> sent = sim.requests(Route.EMBEDDINGS);
      assertThat(sent).hasSize(2);
      assertThat(sent).allSatisfy(r -> assertThat(r.header("traceparent")).isNotNull());
      // Read before the SDK closes: shutting the in-memory exporter down clears it.
      finished = spans.getFinishedSpanItems();
      collected = List.copyOf(metrics.collectAllMetrics());
    }

    SpanData root = only(finished, "llmclient.llm.embed");
    assertThat(root.getAttributes().get(AttributeKey.stringKey("prompt.name")))
        .isEqualTo("embed_nodes");
    List<SpanData> clients =
        finished.stream()
            .filter(s -> s.getName().equals("embeddings text-embedding-3-small"))
            .toList();
    assertThat(clients).hasSize(2);
    long spanTokens = 0;
    for (SpanData client : clients) {
      assertThat(client.getKind()).isEqualTo(SpanKind.CLIENT);
      assertThat(client.getParentSpanId()).isEqualTo(root.getSpanId());
      assertThat(client.getAttributes().get(AttributeKey.stringKey("gen_ai.operation.name")))
          .isEqualTo("embeddings");
      assertThat(client.getAttributes().get(AttributeKey.stringKey("gen_ai.provider.name")))
          .isEqualTo("openai");
      Long tokens = client.getAttributes().get(AttributeKey.longKey("gen_ai.usage.input_tokens"));
      assertThat(tokens).isPositive();
      spanTokens += tokens;
    }
    assertThat(usage.usage("embed_nodes").inputTokens()).isEqualTo(spanTokens);

    MetricData tokenUsage =
        collected.stream()
            .filter(m -> m.getName().equals("gen_ai.client.token.usage"))
            .findFirst()
            .orElseThrow();
    List<HistogramPointData> embeddingPoints =
        tokenUsage.getHistogramData().getPoints().stream()
            .filter(
                p ->
                    "embeddings"
                        .equals(
                            p.getAttributes().get(AttributeKey.stringKey("gen_ai.operation.name"))))
            .toList();
    assertThat(embeddingPoints).hasSize(1);
    assertThat(embeddingPoints.get(0).getCount()).isEqualTo(2);
    assertThat((long) embeddingPoints.get(0).getSum()).isEqualTo(spanTokens);
  }

  private static SpanData only(List<SpanData> spans, String name) {
    List<SpanData> named = spans.stream().filter(s -> s.getName().equals(name)).toList();
    assertThat(named).as("spans named %s in %s", name, spans).hasSize(1);
    return named.get(0);
  }
}
