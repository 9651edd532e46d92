package dev.llmclient.it.tracing;

import static dev.llmclient.it.tracing.Spans.attributes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.entry;

import dev.llmclient.api.ContentFilterException;
import dev.llmclient.api.ErrorContext;
import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmRequest;
import dev.llmclient.api.LlmResponse;
import dev.llmclient.api.LlmTimeoutException;
import dev.llmclient.api.Message;
import dev.llmclient.api.RateLimitException;
import dev.llmclient.api.Usage;
import dev.llmclient.api.spi.ChatCompletion;
import dev.llmclient.api.spi.RateLimitInfo;
import dev.llmclient.core.LlmClients;
import dev.llmclient.it.faults.TestClients;
import dev.llmclient.it.faults.TestClients.City;
import dev.llmclient.otel.OtelTestHarness;
import dev.llmclient.otel.OtelTracing;
import dev.llmclient.testkit.ScriptedChatBackend;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Spans and metrics of a real {@link LlmClient} over the testkit's {@link ScriptedChatBackend},
 * traced by {@link OtelTracing} into an in-memory OpenTelemetry SDK: success, cache hit, re-ask,
 * 429 then success (also async, with the retry on the client's scheduler thread), content filter
 * and timeout.
 */
class ScriptedBackendTracingTest {

  private static final String CITY =
      "{\"name\":\"Lyon\",\"population\":522000,\"districts\":[\"Croix-Rousse\"],\"size\":\"SMALL\"}";

  private final OtelTestHarness otel = OtelTestHarness.create();
  private final ScriptedChatBackend backend = new ScriptedChatBackend();
  private final List<String> sendingThreads = Collections.synchronizedList(new ArrayList<>());

  @AfterEach
  void close() {
    otel.close();
  }

  private LlmClient client(boolean cache) {
    LlmClients.Builder b =
        LlmClients.builder()
            .backend(backend)
            .tracer(OtelTracing.create(otel.openTelemetry()))
            .retryPolicy(TestClients.fastRetries());
    if (cache) {
      b.enableCache();
    }
    return b.build();
  }

  private static LlmRequest<City> request() {
    return LlmRequest.builder()
        .messages(List.of(Message.system("Answer in JSON."), Message.user("Describe Lyon.")))
        .responseType(City.class)
        .maxTokens(500)
        .temperature(0.3)
        .promptName("extract_nodes")
        .build();
  }

  private ScriptedChatBackend answer(String content, String id) {
    return backend.enqueue(
        req -> {
          sendingThreads.add(Thread.currentThread().getName());
          return new ChatCompletion(
              content,
              null,
              "stop",
              Usage.of(12, 7),
              "fake-model-2024",
              id,
              "req-" + id,
              RateLimitInfo.NONE);
        });
  }

  private ScriptedChatBackend failWith(RuntimeException failure) {
    return backend.enqueue(
        req -> {
          sendingThreads.add(Thread.currentThread().getName());
          throw failure;
        });
  }

  private static Map<String, Object> outerExpected(boolean cacheEnabled, boolean cacheHit) {
    return Map.of(
        "llm.provider", "fake",
        "model.size", "medium",
        "max_tokens", 500L,
        "cache.enabled", cacheEnabled,
        "cache.hit", cacheHit,
        "prompt.name", "extract_nodes",
        "gen_ai.request.model", "fake-model");
  }

  private static void assertAttemptRequest(SpanData attempt, SpanData parent) {
    assertThat(attempt.getName()).isEqualTo("chat fake-model");
    assertThat(attempt.getKind()).isEqualTo(SpanKind.CLIENT);
    assertThat(attempt.getParentSpanId()).isEqualTo(parent.getSpanId());
    assertThat(attempt.getTraceId()).isEqualTo(parent.getTraceId());
    assertThat(attributes(attempt))
        .contains(
            entry("gen_ai.operation.name", "chat"),
            entry("gen_ai.provider.name", "fake"),
            entry("gen_ai.request.model", "fake-model"),
            entry("gen_ai.request.max_tokens", 500L),
            entry("gen_ai.request.temperature", 0.3));
  }

  private static void assertAttemptSucceeded(SpanData attempt, String id) {
    assertThat(attributes(attempt))
        .contains(
            entry("gen_ai.response.model", "fake-model-2024"),
            entry("gen_ai.response.id", id),
            entry("gen_ai.response.finish_reasons", List.of("stop")),
            entry("gen_ai.usage.input_tokens", 12L),
            entry("gen_ai.usage.output_tokens", 7L))
        .doesNotContainKey("error.type");
    assertThat(attempt.getStatus().getStatusCode()).isNotEqualTo(StatusCode.ERROR);
  }

  private static void assertAttemptFailed(SpanData attempt, Class<?> type) {
    assertThat(attributes(attempt)).containsEntry("error.type", type.getName());
    assertThat(attempt.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    EventData exception = Spans.event(attempt, "exception");
    assertThat(exception.getAttributes().get(AttributeKey.stringKey("exception.type")))
        .isEqualTo(type.getName());
  }

  private static Attributes metricBase(boolean withResponseModel) {
    var b =
        Attributes.builder()
            .put("gen_ai.operation.name", "chat")
            .put("gen_ai.provider.name", "fake")
            .put("gen_ai.request.model", "fake-model");
    if (withResponseModel) {
      b.put("gen_ai.response.model", "fake-model-2024");
    }
    return b.build();
  }

  private void assertSuccessMetrics(long attempts) {
    List<HistogramPointData> durations =
        Spans.histogram(otel, "gen_ai.client.operation.duration", "s");
    HistogramPointData ok =
        otel.histogramPoint("gen_ai.client.operation.duration", metricBase(true));
    assertThat(ok.getCount()).isEqualTo(attempts);
    assertThat(ok.getSum()).isPositive();
    assertThat(durations).hasSize(1);
    List<HistogramPointData> tokens = Spans.histogram(otel, "gen_ai.client.token.usage", "{token}");
    assertThat(tokens).hasSize(2);
    HistogramPointData input =
        otel.histogramPoint(
            "gen_ai.client.token.usage",
            metricBase(true).toBuilder().put("gen_ai.token.type", "input").build());
    HistogramPointData output =
        otel.histogramPoint(
            "gen_ai.client.token.usage",
            metricBase(true).toBuilder().put("gen_ai.token.type", "output").build());
    assertThat(input.getSum()).isEqualTo(12.0 * attempts);
    assertThat(output.getSum()).isEqualTo(7.0 * attempts);
  }

  @Test
  void aSuccessfulCallIsOneGenerateSpanWithOneClientChildAndBothMetrics() {
    answer(CITY, "resp-1");
    Span caller = otel.openTelemetry().getTracer("test").spanBuilder("caller").startSpan();
    LlmResponse<City> response;
    try (LlmClient client = client(false)) {
      Scope scope = caller.makeCurrent();
      try {
        response = client.generate(request());
      } finally {
        scope.close();
      }
    } finally {
      caller.end();
    }
    assertThat(response.value().name()).isEqualTo("Lyon");

    SpanData generate = otel.span(Spans.GENERATE);
    SpanData callerData = otel.span("caller");
    assertThat(generate.getKind()).isEqualTo(SpanKind.INTERNAL);
    assertThat(generate.getParentSpanId()).isEqualTo(callerData.getSpanId());
    assertThat(generate.getTraceId()).isEqualTo(callerData.getTraceId());
    assertThat(attributes(generate))
        .containsAllEntriesOf(outerExpected(false, false))
        .contains(
            entry("gen_ai.response.model", "fake-model-2024"),
            entry("llmclient.attempts", 1L),
            entry("llmclient.reasks", 0L));
    assertThat(generate.getStatus().getStatusCode()).isEqualTo(StatusCode.OK);
    assertThat(generate.getEvents()).isEmpty();

    List<SpanData> attempts = Spans.attemptsOf(otel, generate);
    assertThat(attempts).hasSize(1);
    assertAttemptRequest(attempts.get(0), generate);
    assertAttemptSucceeded(attempts.get(0), "resp-1");
    assertThat(attempts.get(0).getEvents()).isEmpty();
    assertSuccessMetrics(1);
  }

  @Test
  void aCacheHitIsAGenerateSpanWithoutAnyClientChildOrMetric() {
    answer(CITY, "resp-1");
    try (LlmClient client = client(true)) {
      client.generate(request());
      LlmResponse<City> second = client.generate(request());
      assertThat(second.cacheHit()).isTrue();
    }
    List<SpanData> generates = Spans.generateSpans(otel);
    assertThat(generates).hasSize(2);
    SpanData hit = generates.get(1);
    assertThat(attributes(hit))
        .containsAllEntriesOf(outerExpected(true, true))
        .contains(entry("llmclient.attempts", 0L), entry("llmclient.reasks", 0L));
    assertThat(hit.getStatus().getStatusCode()).isEqualTo(StatusCode.OK);
    assertThat(Spans.attemptsOf(otel, hit)).isEmpty();
    assertThat(attributes(generates.get(0))).containsAllEntriesOf(outerExpected(true, false));
    assertSuccessMetrics(1);
  }

  @Test
  void aReaskIsAnEventOnTheGenerateSpanAndASecondClientChild() {
    answer("this is not JSON", "resp-1");
    answer(CITY, "resp-2");
    try (LlmClient client = client(false)) {
      LlmResponse<City> response = client.generate(request());
      assertThat(response.reasks()).isEqualTo(1);
    }
    SpanData generate = otel.span(Spans.GENERATE);
    assertThat(attributes(generate))
        .containsAllEntriesOf(outerExpected(false, false))
        .contains(entry("llmclient.attempts", 2L), entry("llmclient.reasks", 1L));
    EventData reask = Spans.event(generate, "llmclient.reask");
    assertThat(attributes(reask.getAttributes()))
        .containsOnly(
            entry("llmclient.attempt", 1L),
            entry("llmclient.reask", 1L),
            entry("error.type", "InvalidJson"));
    List<SpanData> attempts = Spans.attemptsOf(otel, generate);
    assertThat(attempts).hasSize(2);
    attempts.forEach(a -> assertAttemptRequest(a, generate));
    assertAttemptSucceeded(attempts.get(0), "resp-1");
    assertAttemptSucceeded(attempts.get(1), "resp-2");
    assertSuccessMetrics(2);
  }

  @Test
  void a429ThenSuccessIsAFailedAndASucceededChildAndARetryEvent() {
    failWith(
        new RateLimitException(
            "Rate limited; retry later",
            ErrorContext.provider("fake"),
            Duration.ofMillis(30),
            null));
    answer(CITY, "resp-2");
    try (LlmClient client = client(false)) {
      assertThat(client.<City>generate(request()).attempts()).isEqualTo(2);
    }
    SpanData generate = otel.span(Spans.GENERATE);
    assertThat(generate.getStatus().getStatusCode()).isEqualTo(StatusCode.OK);
    assertThat(attributes(generate)).contains(entry("llmclient.attempts", 2L));
    EventData retry = Spans.event(generate, "llmclient.retry");
    assertThat(attributes(retry.getAttributes()))
        .containsOnly(
            entry("llmclient.attempt", 1L),
            entry("llmclient.wait_ms", 30L),
            entry("error.type", RateLimitException.class.getName()));
    List<SpanData> attempts = Spans.attemptsOf(otel, generate);
    assertThat(attempts).hasSize(2);
    attempts.forEach(a -> assertAttemptRequest(a, generate));
    assertAttemptFailed(attempts.get(0), RateLimitException.class);
    assertAttemptSucceeded(attempts.get(1), "resp-2");

    HistogramPointData failed =
        otel.histogramPoint(
            "gen_ai.client.operation.duration",
            metricBase(false).toBuilder()
                .put("error.type", RateLimitException.class.getName())
                .build());
    assertThat(failed.getCount()).isEqualTo(1);
    HistogramPointData ok =
        otel.histogramPoint("gen_ai.client.operation.duration", metricBase(true));
    assertThat(ok.getCount()).isEqualTo(1);
    assertThat(Spans.histogram(otel, "gen_ai.client.token.usage", "{token}")).hasSize(2);
  }

  @Test
  void theParentLinkSurvivesAnAsyncRetryOnTheSchedulerThread() throws Exception {
    failWith(
        new RateLimitException(
            "Rate limited; retry later",
            ErrorContext.provider("fake"),
            Duration.ofMillis(50),
            null));
    answer(CITY, "resp-2");
    Span caller = otel.openTelemetry().getTracer("test").spanBuilder("caller").startSpan();
    try (LlmClient client = client(false)) {
      java.util.concurrent.CompletableFuture<LlmResponse<City>> future;
      Scope scope = caller.makeCurrent();
      try {
        future = client.generateAsync(request());
      } finally {
        scope.close();
      }
      // The caller's scope is closed before the retry runs 50 ms later on another thread.
      assertThat(Context.current()).isEqualTo(Context.root());
      assertThat(future.get(10, TimeUnit.SECONDS).attempts()).isEqualTo(2);
    } finally {
      caller.end();
    }
    assertThat(sendingThreads).hasSize(2);
    assertThat(sendingThreads.get(1))
        .as("the retry ran on the client's scheduler, not the caller's thread")
        .startsWith("llmclient-scheduler-")
        .isNotEqualTo(Thread.currentThread().getName());

    SpanData callerData = otel.span("caller");
    SpanData generate = otel.span(Spans.GENERATE);
    assertThat(generate.getParentSpanId()).isEqualTo(callerData.getSpanId());
    List<SpanData> attempts = Spans.attemptsOf(otel, generate);
    assertThat(attempts).hasSize(2);
    for (SpanData a : attempts) {
      assertThat(a.getTraceId()).isEqualTo(callerData.getTraceId());
      assertThat(a.getParentSpanId()).isEqualTo(generate.getSpanId());
    }
  }

  @Test
  void aContentFilterFailsTheAttemptAndTheGenerateSpanWithoutRetry() {
    // By the ChatBackend contract a filtered prompt or completion is an exception, never retried.
    failWith(
        new ContentFilterException(
            "The completion was filtered (violence: medium); rephrase the prompt",
            ErrorContext.provider("fake"),
            ContentFilterException.Side.COMPLETION,
            List.of(),
            null));
    Throwable error;
    try (LlmClient client = client(false)) {
      error = catchThrowable(() -> client.generate(request()));
    }
    assertThat(error).isInstanceOf(ContentFilterException.class);
    SpanData generate = otel.span(Spans.GENERATE);
    assertThat(generate.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(attributes(generate))
        .containsAllEntriesOf(outerExpected(false, false))
        .contains(entry("llmclient.attempts", 1L), entry("llmclient.reasks", 0L));
    assertThat(Spans.events(generate, "llmclient.retry")).isEmpty();
    EventData exception = Spans.event(generate, "exception");
    assertThat(exception.getAttributes().get(AttributeKey.stringKey("exception.type")))
        .isEqualTo(ContentFilterException.class.getName());
    List<SpanData> attempts = Spans.attemptsOf(otel, generate);
    assertThat(attempts).hasSize(1);
    assertAttemptRequest(attempts.get(0), generate);
    assertAttemptFailed(attempts.get(0), ContentFilterException.class);
    HistogramPointData failed =
        otel.histogramPoint(
            "gen_ai.client.operation.duration",
            metricBase(false).toBuilder()
                .put("error.type", ContentFilterException.class.getName())
                .build());
    assertThat(failed.getCount()).isEqualTo(1);
    assertThat(otel.histogramPoints("gen_ai.client.token.usage")).isEmpty();
  }

  @Test
  void timeoutsOnEveryAttemptAreThreeFailedChildrenAndAFailedGenerateSpan() {
    for (int i = 0; i < 3; i++) {
      failWith(new LlmTimeoutException("No response within 10s; raise LLM_HTTP_RESPONSE_TIMEOUT"));
    }
    Throwable error;
    try (LlmClient client = client(false)) {
      error = catchThrowable(() -> client.generate(request()));
    }
    assertThat(error).isInstanceOf(LlmTimeoutException.class);
    SpanData generate = otel.span(Spans.GENERATE);
    assertThat(generate.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(attributes(generate)).contains(entry("llmclient.attempts", 3L));
    assertThat(Spans.events(generate, "llmclient.retry")).hasSize(2);
    assertThat(
            Spans.event(generate, "exception")
                .getAttributes()
                .get(AttributeKey.stringKey("exception.type")))
        .isEqualTo(LlmTimeoutException.class.getName());
    List<SpanData> attempts = Spans.attemptsOf(otel, generate);
    assertThat(attempts).hasSize(3);
    attempts.forEach(
        a -> {
          assertAttemptRequest(a, generate);
          assertAttemptFailed(a, LlmTimeoutException.class);
        });
    HistogramPointData failed =
        otel.histogramPoint(
            "gen_ai.client.operation.duration",
            metricBase(false).toBuilder()
                .put("error.type", LlmTimeoutException.class.getName())
                .build());
    assertThat(failed.getCount()).isEqualTo(3);
    assertThat(otel.histogramPoints("gen_ai.client.token.usage")).isEmpty();
  }
}
