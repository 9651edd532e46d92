package dev.llmclient.otel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmclient.api.spi.Span;
import dev.llmclient.api.spi.SpanKind;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The headers an attempt hands the provider, so a gateway or the server can join the trace. */
class PropagationTest {

  private static final TextMapGetter<Map<String, String>> MAP_GETTER =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
          return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
          return carrier == null ? null : carrier.get(key);
        }
      };

  private final OtelTestHarness otel = OtelTestHarness.create();
  private final OtelTracing tracer = OtelTracing.create(otel.openTelemetry());

  @AfterEach
  void tearDown() {
    otel.close();
  }

  @Test
  void theTraceparentHeaderCarriesTheAttemptsTraceIdAndSpanId() throws Exception {
    Span generate = tracer.startSpan("llmclient.llm.generate", SpanKind.INTERNAL);
    Map<String, String> headers =
        CompletableFuture.supplyAsync(
                () -> {
                  Span attempt = generate.startChild("chat gpt-4o", SpanKind.CLIENT);
                  Map<String, String> h = attempt.propagationHeaders();
                  attempt.end();
                  return h;
                })
            .get(5, TimeUnit.SECONDS);
    generate.end();

    SpanData attempt = otel.span("chat gpt-4o");
    assertThat(headers.get("traceparent"))
        .matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01")
        .isEqualTo("00-" + attempt.getTraceId() + "-" + attempt.getSpanId() + "-01");
    assertThat(headers).doesNotContainKey("tracestate");
  }

  @Test
  void anIncomingRemoteParentAndItsTracestateReachTheOutgoingRequest() {
    Map<String, String> incoming =
        Map.of(
            "traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            "tracestate", "congo=t61rcWkgMzE");
    Context remote =
        W3CTraceContextPropagator.getInstance().extract(Context.root(), incoming, MAP_GETTER);
    Span generate =
        remote
            .wrapSupplier(() -> tracer.startSpan("llmclient.llm.generate", SpanKind.INTERNAL))
            .get();
    Span attempt = generate.startChild("chat gpt-4o", SpanKind.CLIENT);
    Map<String, String> headers = attempt.propagationHeaders();
    attempt.end();
    generate.end();

    SpanData outer = otel.span("llmclient.llm.generate");
    assertThat(outer.getTraceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
    assertThat(outer.getParentSpanId()).isEqualTo("b7ad6b7169203331");
    assertThat(headers)
        .containsEntry(
            "traceparent",
            "00-0af7651916cd43dd8448eb211c80319c-" + otel.span("chat gpt-4o").getSpanId() + "-01")
        .containsEntry("tracestate", "congo=t61rcWkgMzE");
  }

  @Test
  void baggageOfTheCallersContextTravelsWithTheAttempt() {
    Context withBaggage = Context.root().with(Baggage.builder().put("tenant", "acme").build());
    Span generate =
        withBaggage
            .wrapSupplier(() -> tracer.startSpan("llmclient.llm.generate", SpanKind.INTERNAL))
            .get();

    Map<String, String> headers =
        generate.startChild("chat gpt-4o", SpanKind.CLIENT).propagationHeaders();

    assertThat(headers).containsEntry("baggage", "tenant=acme").containsKey("traceparent");
  }

  @Test
  void theHeadersAreReadOnly() {
    Map<String, String> headers =
        tracer.startSpan("llmclient.llm.generate", SpanKind.INTERNAL).propagationHeaders();

    assertThat(headers).containsKey("traceparent");
    assertThatThrownBy(() -> headers.put("traceparent", "forged"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void withoutConfiguredPropagatorsNoHeadersAreAdded() {
    try (OtelTestHarness silent = OtelTestHarness.withoutPropagation()) {
      Span generate =
          OtelTracing.create(silent.openTelemetry())
              .startSpan("llmclient.llm.generate", SpanKind.INTERNAL);

      assertThat(generate.startChild("chat gpt-4o", SpanKind.CLIENT).propagationHeaders())
          .isEmpty();
    }
  }
}
