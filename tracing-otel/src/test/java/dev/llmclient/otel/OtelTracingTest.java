package dev.llmclient.otel;

import static io.opentelemetry.api.common.AttributeKey.booleanKey;
import static io.opentelemetry.api.common.AttributeKey.doubleKey;
import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringArrayKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.llmclient.api.LlmTimeoutException;
import dev.llmclient.api.RateLimitException;
import dev.llmclient.api.spi.Span;
import dev.llmclient.api.spi.SpanKind;
import dev.llmclient.api.spi.SpanStatus;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Drives the Tracer SPI exactly as the core does: the outer span starts on the caller's thread
 * inside the application's span, each HTTP attempt starts later on a scheduler thread as a CLIENT
 * child, with the GenAI attributes, exceptions and status the core sets.
 */
class OtelTracingTest {

  /** gen-ai-metrics.md, gen_ai.client.operation.duration, ExplicitBucketBoundaries. */
  private static final List<Double> SPEC_DURATION_BUCKETS =
      List.of(
          0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92);

  /** gen-ai-metrics.md, gen_ai.client.token.usage, ExplicitBucketBoundaries. */
  private static final List<Double> SPEC_TOKEN_BUCKETS =
      List.of(
          1d, 4d, 16d, 64d, 256d, 1024d, 4096d, 16384d, 65536d, 262144d, 1048576d, 4194304d,
          16777216d, 67108864d);

  private static final String DURATION = "gen_ai.client.operation.duration";
  private static final String TOKENS = "gen_ai.client.token.usage";

  private OtelTestHarness otel;
  private FakeNanoClock clock;
  private OtelTracing tracer;
  private ExecutorService scheduler;

  @BeforeEach
  void setUp() {
    otel = OtelTestHarness.create();
    clock = new FakeNanoClock();
    tracer = OtelTracing.builder(otel.openTelemetry()).nanoClock(clock).build();
    scheduler = Executors.newSingleThreadExecutor(r -> new Thread(r, "llm-retry-scheduler"));
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    scheduler.shutdownNow();
    assertThat(scheduler.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    otel.close();
  }

  @Test
  void aSuccessfulCallIsAGenerateSpanUnderTheCallersSpanWithOneClientChildAndBothMetrics()
      throws Exception {
    io.opentelemetry.api.trace.Span request = appSpan("handle request");
    Span generate =
        inside(request, () -> tracer.startSpan("llmclient.llm.generate", SpanKind.INTERNAL));
    setGraphitiAttributes(generate);

    onScheduler(
        () -> {
          Span attempt = generate.startChild("chat gpt-4o", SpanKind.CLIENT);
          setRequestAttributes(attempt, "gpt-4o");
          clock.advance(Duration.ofMillis(1500));
          setResponseAttributes(attempt, "gpt-4o-2024-08-06", "chatcmpl-123", 25, 42);
          attempt.setStatus(SpanStatus.OK, null);
          attempt.end();
        });
    generate.setAttribute("cache.hit", false);
    generate.setAttribute("llmclient.attempts", 1);
    generate.setAttribute("llmclient.reasks", 0);
    generate.setStatus(SpanStatus.OK, null);
    generate.end();
    request.end();

    SpanData app = otel.span("handle request");
    SpanData outer = otel.span("llmclient.llm.generate");
    SpanData chat = otel.span("chat gpt-4o");
    assertThat(outer.getKind()).isEqualTo(io.opentelemetry.api.trace.SpanKind.INTERNAL);
    assertThat(chat.getKind()).isEqualTo(io.opentelemetry.api.trace.SpanKind.CLIENT);
    assertThat(outer.getParentSpanId()).isEqualTo(app.getSpanId());
    assertThat(chat.getParentSpanId()).isEqualTo(outer.getSpanId());
    assertThat(List.of(outer.getTraceId(), chat.getTraceId())).containsOnly(app.getTraceId());
    assertThat(outer.getStatus().getStatusCode()).isEqualTo(StatusCode.OK);
    assertThat(chat.getStatus().getStatusCode()).isEqualTo(StatusCode.OK);
    assertThat(outer.getInstrumentationScopeInfo().getName()).isEqualTo("dev.llmclient");

    Map<AttributeKey<?>, Object> graphiti = new LinkedHashMap<>();
    graphiti.put(stringKey("llm.provider"), "azure");
    graphiti.put(stringKey("model.size"), "medium");
    graphiti.put(longKey("max_tokens"), 8192L);
    graphiti.put(booleanKey("cache.enabled"), true);
    graphiti.put(booleanKey("cache.hit"), false);
    graphiti.put(stringKey("prompt.name"), "extract_nodes");
    graphiti.put(longKey("llmclient.attempts"), 1L);
    graphiti.put(longKey("llmclient.reasks"), 0L);
    assertThat(outer.getAttributes().asMap()).containsExactlyInAnyOrderEntriesOf(graphiti);

    Map<AttributeKey<?>, Object> genAi = new LinkedHashMap<>();
    genAi.put(stringKey("gen_ai.operation.name"), "chat");
    genAi.put(stringKey("gen_ai.provider.name"), "azure.ai.openai");
    genAi.put(stringKey("gen_ai.request.model"), "gpt-4o");
    genAi.put(longKey("gen_ai.request.max_tokens"), 8192L);
    genAi.put(doubleKey("gen_ai.request.temperature"), 0.0);
    genAi.put(stringKey("server.address"), "my-resource.openai.azure.com");
    genAi.put(longKey("server.port"), 443L);
    genAi.put(stringKey("gen_ai.response.model"), "gpt-4o-2024-08-06");
    genAi.put(stringKey("gen_ai.response.id"), "chatcmpl-123");
    genAi.put(stringArrayKey("gen_ai.response.finish_reasons"), List.of("stop"));
    genAi.put(longKey("gen_ai.usage.input_tokens"), 25L);
    genAi.put(longKey("gen_ai.usage.output_tokens"), 42L);
    assertThat(chat.getAttributes().asMap()).containsExactlyInAnyOrderEntriesOf(genAi);

    Attributes metricAttributes = metricAttributes("gpt-4o", "gpt-4o-2024-08-06");
    MetricData duration = otel.metric(DURATION).orElseThrow();
    assertThat(duration.getType()).isEqualTo(MetricDataType.HISTOGRAM);
    assertThat(duration.getUnit()).isEqualTo("s");
    assertThat(duration.getInstrumentationScopeInfo().getName()).isEqualTo("dev.llmclient");
    HistogramPointData seconds = otel.histogramPoint(DURATION, metricAttributes);
    assertThat(seconds.getBoundaries()).isEqualTo(SPEC_DURATION_BUCKETS);
    assertThat(seconds.getCount()).isEqualTo(1);
    assertThat(seconds.getSum()).isCloseTo(1.5, within(1e-9));
    assertThat(seconds.getCounts().get(8)).as("bucket (1.28, 2.56]").isEqualTo(1);

    MetricData tokens = otel.metric(TOKENS).orElseThrow();
    assertThat(tokens.getType()).isEqualTo(MetricDataType.HISTOGRAM);
    assertThat(tokens.getUnit()).isEqualTo("{token}");
    HistogramPointData input =
        otel.histogramPoint(TOKENS, withTokenType(metricAttributes, "input"));
    HistogramPointData output =
        otel.histogramPoint(TOKENS, withTokenType(metricAttributes, "output"));
    assertThat(input.getBoundaries()).isEqualTo(SPEC_TOKEN_BUCKETS);
    assertThat(List.of(input.getCount(), output.getCount())).containsExactly(1L, 1L);
    assertThat(input.getSum()).isEqualTo(25.0);
    assertThat(output.getSum()).isEqualTo(42.0);
    assertThat(input.getCounts().get(3)).as("bucket (16, 64]").isEqualTo(1);
    assertThat(otel.histogramPoints(TOKENS)).hasSize(2);
  }

  @Test
  void aRateLimitedAttemptThenASuccessGiveTwoChildrenARetryEventAndAnErrorTypedDuration()
      throws Exception {
    Span generate = tracer.startSpan("llmclient.llm.generate", SpanKind.INTERNAL);
    RateLimitException rateLimited = new RateLimitException("Rate limit exceeded. Retry later.");

    onScheduler(
        () -> {
          Span first = generate.startChild("chat gpt-4o", SpanKind.CLIENT);
          setRequestAttributes(first, "gpt-4o");
          clock.advance(Duration.ofMillis(30));
          first.setAttribute("error.type", "429");
          first.recordException(rateLimited);
          first.setStatus(SpanStatus.ERROR, "HTTP 429");
          first.end();
        });
    generate.addEvent(
        "llmclient.retry", Map.of("llmclient.attempt", 1, "llmclient.delay_ms", 250L));
    onScheduler(
        () -> {
          Span second = generate.startChild("chat gpt-4o", SpanKind.CLIENT);
          setRequestAttributes(second, "gpt-4o");
          clock.advance(Duration.ofMillis(700));
          setResponseAttributes(second, "gpt-4o-2024-08-06", "chatcmpl-2", 10, 5);
          second.end();
        });
    generate.setAttribute("llmclient.attempts", 2);
    generate.end();

    SpanData outer = otel.span("llmclient.llm.generate");
    List<SpanData> attempts = otel.spans("chat gpt-4o");
    assertThat(attempts).hasSize(2);
    assertThat(attempts)
        .allSatisfy(a -> assertThat(a.getParentSpanId()).isEqualTo(outer.getSpanId()));
    SpanData failed = attempts.get(0);
    assertThat(failed.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(failed.getStatus().getDescription()).isEqualTo("HTTP 429");
    assertThat(failed.getAttributes().get(stringKey("error.type"))).isEqualTo("429");
    EventData exceptionEvent = failed.getEvents().get(0);
    assertThat(exceptionEvent.getName()).isEqualTo("exception");
    assertThat(exceptionEvent.getAttributes().get(stringKey("exception.type")))
        .isEqualTo(RateLimitException.class.getName());
    assertThat(attempts.get(1).getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(attempts.get(1).getAttributes().get(stringKey("error.type"))).isNull();

    assertThat(outer.getEvents()).hasSize(1);
    EventData retry = outer.getEvents().get(0);
    assertThat(retry.getName()).isEqualTo("llmclient.retry");
    assertThat(retry.getAttributes().asMap())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(longKey("llmclient.attempt"), 1L, longKey("llmclient.delay_ms"), 250L));

    Attributes failedAttributes =
        metricAttributes("gpt-4o", null).toBuilder().put("error.type", "429").build();
    HistogramPointData failedDuration = otel.histogramPoint(DURATION, failedAttributes);
    assertThat(failedDuration.getSum()).isCloseTo(0.03, within(1e-9));
    HistogramPointData okDuration =
        otel.histogramPoint(DURATION, metricAttributes("gpt-4o", "gpt-4o-2024-08-06"));
    assertThat(okDuration.getSum()).isCloseTo(0.7, within(1e-9));
    assertThat(otel.histogramPoints(DURATION)).hasSize(2);
    assertThat(otel.histogramPoints(TOKENS))
        .extracting(p -> p.getAttributes().get(stringKey("gen_ai.response.model")))
        .containsOnly("gpt-4o-2024-08-06");
  }

  @Test
  void aFailureWithoutErrorTypeRecordsTheExceptionClassAsErrorTypeOnSpanAndMetric()
      throws Exception {
    Span generate = tracer.startSpan("llmclient.llm.generate", SpanKind.INTERNAL);
    onScheduler(
        () -> {
          Span attempt = generate.startChild("chat gpt-4o", SpanKind.CLIENT);
          setRequestAttributes(attempt, "gpt-4o");
          clock.advance(Duration.ofSeconds(30));
          attempt.recordException(new LlmTimeoutException("No response within 30s"));
          attempt.end();
        });
    generate.end();

    SpanData attempt = otel.span("chat gpt-4o");
    String timeout = LlmTimeoutException.class.getName();
    assertThat(attempt.getAttributes().get(stringKey("error.type"))).isEqualTo(timeout);
    assertThat(attempt.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(attempt.getStatus().getDescription()).isEqualTo(timeout);
    HistogramPointData duration =
        otel.histogramPoint(
            DURATION,
            metricAttributes("gpt-4o", null).toBuilder().put("error.type", timeout).build());
    assertThat(duration.getSum()).isCloseTo(30.0, within(1e-9));
    assertThat(duration.getCounts().get(12)).as("bucket (20.48, 40.96]").isEqualTo(1);
    assertThat(otel.histogramPoints(TOKENS)).isEmpty();
  }

  @Test
  void anErrorStatusWithNeitherExceptionNorErrorTypeIsRecordedAsOther() {
    Span attempt =
        tracer
            .startSpan("llmclient.llm.generate", SpanKind.INTERNAL)
            .startChild("chat gpt-4o", SpanKind.CLIENT);
    setRequestAttributes(attempt, "gpt-4o");
    attempt.setStatus(SpanStatus.ERROR, null);
    attempt.end();

    assertThat(otel.span("chat gpt-4o").getAttributes().get(stringKey("error.type")))
        .isEqualTo("_OTHER");
    assertThat(
            otel.histogramPoint(
                    DURATION,
                    metricAttributes("gpt-4o", null).toBuilder()
                        .put("error.type", "_OTHER")
                        .build())
                .getCount())
        .isEqualTo(1);
  }

  @Test
  void anEmbeddingsAttemptRecordsInputTokensOnly() {
    Span embed = tracer.startSpan("llmclient.embed", SpanKind.INTERNAL);
    Span attempt = embed.startChild("embeddings text-embedding-3-small", SpanKind.CLIENT);
    attempt.setAttribute("gen_ai.operation.name", "embeddings");
    attempt.setAttribute("gen_ai.provider.name", "openai");
    attempt.setAttribute("gen_ai.request.model", "text-embedding-3-small");
    attempt.setAttribute("server.address", "127.0.0.1");
    attempt.setAttribute("server.port", 8089);
    attempt.setAttribute("gen_ai.usage.input_tokens", 12);
    clock.advance(Duration.ofMillis(15));
    attempt.end();
    embed.end();

    Attributes expected =
        Attributes.builder()
            .put("gen_ai.operation.name", "embeddings")
            .put("gen_ai.provider.name", "openai")
            .put("gen_ai.request.model", "text-embedding-3-small")
            .put("server.address", "127.0.0.1")
            .put("server.port", 8089L)
            .build();
    assertThat(otel.histogramPoint(DURATION, expected).getSum()).isCloseTo(0.015, within(1e-9));
    assertThat(otel.histogramPoints(TOKENS)).hasSize(1);
    assertThat(otel.histogramPoint(TOKENS, withTokenType(expected, "input")).getSum())
        .isEqualTo(12.0);
    assertThat(otel.span("embeddings text-embedding-3-small").getParentSpanId())
        .isEqualTo(otel.span("llmclient.embed").getSpanId());
  }

  @Test
  void theChildKeepsItsOuterParentWhenStartedLaterOnAThreadWhereAnotherSpanIsCurrent()
      throws Exception {
    io.opentelemetry.api.trace.Span request = appSpan("handle request");
    Span generate =
        inside(request, () -> tracer.startSpan("llmclient.llm.generate", SpanKind.INTERNAL));
    request.end();

    onScheduler(
        () -> {
          io.opentelemetry.api.trace.Span unrelated = appSpan("unrelated work");
          inside(
              unrelated,
              () -> {
                clock.advance(Duration.ofSeconds(2));
                generate.startChild("chat gpt-4o", SpanKind.CLIENT).end();
                return null;
              });
          unrelated.end();
        });
    generate.end();

    SpanData outer = otel.span("llmclient.llm.generate");
    SpanData child = otel.span("chat gpt-4o");
    SpanData unrelated = otel.span("unrelated work");
    assertThat(child.getParentSpanId()).isEqualTo(outer.getSpanId());
    assertThat(child.getTraceId()).isEqualTo(otel.span("handle request").getTraceId());
    assertThat(child.getTraceId()).isNotEqualTo(unrelated.getTraceId());
  }

  @Test
  void concurrentAttemptsOnManyThreadsAreAllChildrenOfTheirCallAndAllMeasured() throws Exception {
    int threads = 4;
    int attemptsPerThread = 50;
    Span generate = tracer.startSpan("llmclient.llm.generate", SpanKind.INTERNAL);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < attemptsPerThread; i++) {
                    Span attempt = generate.startChild("chat gpt-4o", SpanKind.CLIENT);
                    setRequestAttributes(attempt, "gpt-4o");
                    setResponseAttributes(attempt, "gpt-4o", "chatcmpl-" + i, 1, 2);
                    attempt.end();
                  }
                }));
      }
      for (Future<?> f : done) {
        f.get(10, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    generate.end();

    String outer = otel.span("llmclient.llm.generate").getSpanId();
    assertThat(otel.spans("chat gpt-4o"))
        .hasSize(threads * attemptsPerThread)
        .allSatisfy(s -> assertThat(s.getParentSpanId()).isEqualTo(outer));
    assertThat(otel.histogramPoint(DURATION, metricAttributes("gpt-4o", "gpt-4o")).getCount())
        .isEqualTo(threads * attemptsPerThread);
    assertThat(
            otel.histogramPoint(
                    TOKENS, withTokenType(metricAttributes("gpt-4o", "gpt-4o"), "output"))
                .getSum())
        .isEqualTo(2.0 * threads * attemptsPerThread);
  }

  @Test
  void aCallMadeWithNothingCurrentIsARootSpan() {
    tracer.startSpan("llmclient.llm.generate", SpanKind.INTERNAL).end();

    assertThat(otel.span("llmclient.llm.generate").getParentSpanContext().isValid()).isFalse();
  }

  @Test
  void endingTwiceRecordsOneSpanAndOneMeasurement() {
    Span attempt =
        tracer
            .startSpan("llmclient.llm.generate", SpanKind.INTERNAL)
            .startChild("chat gpt-4o", SpanKind.CLIENT);
    setRequestAttributes(attempt, "gpt-4o");
    attempt.end();
    attempt.end();

    assertThat(otel.spans("chat gpt-4o")).hasSize(1);
    assertThat(otel.histogramPoints(DURATION))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.getCount()).isEqualTo(1);
            });
  }

  @Test
  void aClientSpanWithoutAnOperationNameRecordsNoMetrics() {
    tracer
        .startSpan("llmclient.llm.generate", SpanKind.INTERNAL)
        .startChild("GET /health", SpanKind.CLIENT)
        .end();

    assertThat(otel.spans("GET /health")).hasSize(1);
    assertThat(otel.histogramPoints(DURATION)).isEmpty();
  }

  @Test
  void theOuterSpanRecordsNoMetricsOfItsOwn() {
    Span generate = tracer.startSpan("llmclient.llm.generate", SpanKind.INTERNAL);
    generate.setAttribute("gen_ai.operation.name", "chat");
    generate.setAttribute("gen_ai.provider.name", "openai");
    generate.end();

    assertThat(otel.histogramPoints(DURATION)).isEmpty();
  }

  private io.opentelemetry.api.trace.Span appSpan(String name) {
    return otel.openTelemetry().getTracer("app").spanBuilder(name).startSpan();
  }

  /** Runs {@code work} with {@code span} current on this thread, as application code would. */
  private static <T> T inside(io.opentelemetry.api.trace.Span span, Callable<T> work) {
    try {
      return Context.current().with(span).wrap(work).call();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aStreamedAttemptRecordsTimeToFirstChunkAndTimePerOutputChunkWithoutChunkEventsOnTheSpan()
      throws Exception {
    Span generate = tracer.startSpan("llmclient.llm.generate", SpanKind.INTERNAL);
    onScheduler(
        () -> {
          Span attempt = generate.startChild("chat gpt-4o", SpanKind.CLIENT);
          setRequestAttributes(attempt, "gpt-4o");
          attempt.setAttribute("gen_ai.request.stream", true);
          attempt.setAttribute("gen_ai.response.time_to_first_chunk", 0.25);
          attempt.addEvent(
              "llmclient.stream.chunk",
              Map.of("gen_ai.client.operation.time_per_output_chunk", 0.03));
          attempt.addEvent(
              "llmclient.stream.chunk",
              Map.of("gen_ai.client.operation.time_per_output_chunk", 0.05));
          setResponseAttributes(attempt, "gpt-4o-2024-08-06", "chatcmpl-1", 5, 7);
          attempt.setStatus(SpanStatus.OK, null);
          attempt.end();
        });
    generate.end();
    // a plain attempt records neither stream metric
    Span plain = tracer.startSpan("llmclient.llm.generate", SpanKind.INTERNAL);
    Span attempt = plain.startChild("chat gpt-4o", SpanKind.CLIENT);
    setRequestAttributes(attempt, "gpt-4o");
    attempt.end();
    plain.end();

    assertThat(otel.spans("chat gpt-4o").get(0).getEvents()).isEmpty();
    HistogramPointData first =
        otel.histogramPoint(
            "gen_ai.client.operation.time_to_first_chunk",
            metricAttributes("gpt-4o", "gpt-4o-2024-08-06"));
    assertThat(first.getCount()).isEqualTo(1);
    assertThat(first.getSum()).isEqualTo(0.25);
    assertThat(first.getBoundaries()).isEqualTo(SPEC_DURATION_BUCKETS);
    assertThat(otel.histogramPoints("gen_ai.client.operation.time_to_first_chunk")).hasSize(1);
    HistogramPointData chunks =
        otel.histogramPoint(
            "gen_ai.client.operation.time_per_output_chunk", metricAttributes("gpt-4o", null));
    assertThat(chunks.getCount()).isEqualTo(2);
    assertThat(chunks.getSum()).isCloseTo(0.08, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(chunks.getBoundaries()).isEqualTo(SPEC_DURATION_BUCKETS);
  }

  private void onScheduler(Runnable work) throws Exception {
    scheduler.submit(work).get(5, TimeUnit.SECONDS);
  }

  /** What the core sets on the outer span before the first attempt. */
  private static void setGraphitiAttributes(Span generate) {
    generate.setAttribute("llm.provider", "azure");
    generate.setAttribute("model.size", "medium");
    generate.setAttribute("max_tokens", 8192);
    generate.setAttribute("cache.enabled", true);
    generate.setAttribute("prompt.name", "extract_nodes");
  }

  /** What the core sets on each attempt before sending it. */
  private static void setRequestAttributes(Span attempt, String model) {
    attempt.setAttribute("gen_ai.operation.name", "chat");
    attempt.setAttribute("gen_ai.provider.name", "azure.ai.openai");
    attempt.setAttribute("gen_ai.request.model", model);
    attempt.setAttribute("gen_ai.request.max_tokens", 8192);
    attempt.setAttribute("gen_ai.request.temperature", 0.0f);
    attempt.setAttribute("server.address", "my-resource.openai.azure.com");
    attempt.setAttribute("server.port", 443);
  }

  /** What the core sets on an attempt when the response arrives. */
  private static void setResponseAttributes(
      Span attempt, String responseModel, String id, int input, int output) {
    attempt.setAttribute("gen_ai.response.model", responseModel);
    attempt.setAttribute("gen_ai.response.id", id);
    attempt.setAttribute("gen_ai.response.finish_reasons", List.of("stop"));
    attempt.setAttribute("gen_ai.usage.input_tokens", input);
    attempt.setAttribute("gen_ai.usage.output_tokens", output);
  }

  private static Attributes metricAttributes(String requestModel, String responseModel) {
    var builder =
        Attributes.builder()
            .put("gen_ai.operation.name", "chat")
            .put("gen_ai.provider.name", "azure.ai.openai")
            .put("gen_ai.request.model", requestModel)
            .put("server.address", "my-resource.openai.azure.com")
            .put("server.port", 443L);
    if (responseModel != null) {
      builder.put("gen_ai.response.model", responseModel);
    }
    return builder.build();
  }

  private static Attributes withTokenType(Attributes attributes, String type) {
    return attributes.toBuilder().put("gen_ai.token.type", type).build();
  }
}
