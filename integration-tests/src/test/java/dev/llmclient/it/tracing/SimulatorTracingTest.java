package dev.llmclient.it.tracing;

import static dev.llmclient.it.tracing.Spans.attributes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.entry;

import dev.llmclient.api.ContentFilterException;
import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmRequest;
import dev.llmclient.api.LlmResponse;
import dev.llmclient.api.LlmTimeoutException;
import dev.llmclient.api.Message;
import dev.llmclient.api.RateLimitException;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.core.LlmClients;
import dev.llmclient.core.RetryPolicy;
import dev.llmclient.it.faults.TestClients;
import dev.llmclient.it.faults.TestClients.City;
import dev.llmclient.it.secrets.Canary;
import dev.llmclient.otel.OtelTestHarness;
import dev.llmclient.otel.OtelTracing;
import dev.llmclient.testkit.simulator.Fault;
import dev.llmclient.testkit.simulator.LlmSimulator;
import dev.llmclient.testkit.simulator.RecordedRequest;
import dev.llmclient.testkit.simulator.Route;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Spans and metrics of a real provider-openai client talking HTTP to the simulator: the server
 * attributes, the response id and usage the server sent, W3C {@code traceparent} arriving at the
 * server on every attempt, and the parent link across an async 429 retry.
 */
class SimulatorTracingTest {

  private static LlmSimulator sim;
  private OtelTestHarness otel;

  @BeforeAll
  static void startSimulator() {
    sim = LlmSimulator.builder().apiKey(Canary.API_KEY).retryAfterMs(true).start();
  }

  @AfterAll
  static void stopSimulator() {
    sim.close();
    Canary.assertNotLogged();
  }

  @BeforeEach
  void reset() {
    sim.reset();
    otel = OtelTestHarness.create();
  }

  @AfterEach
  void closeOtel() {
    otel.close();
  }

  private LlmClient client(RetryPolicy policy) {
    Map<String, String> s =
        TestClients.settings(TestClients.Api.OPENAI, sim.baseUri(), "gpt-4o", Canary.API_KEY);
    s.put("LLM_HTTP_RESPONSE_TIMEOUT", "300ms");
    return LlmClients.builder()
        .provider("openai")
        .settings(ProviderSettings.of(s))
        .retryPolicy(policy)
        .tracer(OtelTracing.create(otel.openTelemetry()))
        .build();
  }

  private static LlmRequest<City> request(String prompt) {
    return LlmRequest.builder()
        .messages(List.of(Message.user(prompt)))
        .responseType(City.class)
        .maxTokens(400)
        .promptName("extract_city")
        .build();
  }

  private static Attributes metricBase() {
    return Attributes.builder()
        .put("gen_ai.operation.name", "chat")
        .put("gen_ai.provider.name", "openai")
        .put("gen_ai.request.model", "gpt-4o")
        .put("server.address", "127.0.0.1")
        .put("server.port", (long) sim.port())
        .build();
  }

  private static String traceparentOf(SpanData span) {
    return "00-" + span.getTraceId() + "-" + span.getSpanId() + "-01";
  }

  private static void assertAttemptRequest(SpanData attempt, SpanData generate) {
    assertThat(attempt.getName()).isEqualTo("chat gpt-4o");
    assertThat(attempt.getKind()).isEqualTo(SpanKind.CLIENT);
    assertThat(attempt.getParentSpanId()).isEqualTo(generate.getSpanId());
    assertThat(attributes(attempt))
        .contains(
            entry("gen_ai.operation.name", "chat"),
            entry("gen_ai.provider.name", "openai"),
            entry("gen_ai.request.model", "gpt-4o"),
            entry("gen_ai.request.max_tokens", 400L),
            entry("server.address", "127.0.0.1"),
            entry("server.port", (long) sim.port()));
  }

  @Test
  void aSuccessCarriesTheServersAnswerAndTraceparentReachesTheServer() {
    LlmResponse<City> response;
    try (LlmClient client = client(TestClients.fastRetries())) {
      response = client.generate(request("Describe Lyon as JSON."));
    }
    SpanData generate = otel.span(Spans.GENERATE);
    assertThat(generate.getKind()).isEqualTo(SpanKind.INTERNAL);
    assertThat(generate.getStatus().getStatusCode()).isEqualTo(StatusCode.OK);
    assertThat(attributes(generate))
        .contains(
            entry("llm.provider", "openai"),
            entry("model.size", "medium"),
            entry("max_tokens", 400L),
            entry("cache.enabled", false),
            entry("cache.hit", false),
            entry("prompt.name", "extract_city"),
            entry("gen_ai.request.model", "gpt-4o"),
            entry("gen_ai.response.model", response.model()),
            entry("llmclient.attempts", 1L),
            entry("llmclient.reasks", 0L));
    SpanData attempt = Spans.attemptsOf(otel, generate).get(0);
    assertAttemptRequest(attempt, generate);
    assertThat(attributes(attempt))
        .contains(
            entry("gen_ai.response.model", response.model()),
            entry("gen_ai.response.finish_reasons", List.of("stop")),
            entry("gen_ai.usage.input_tokens", response.usage().inputTokens()),
            entry("gen_ai.usage.output_tokens", response.usage().outputTokens()))
        .doesNotContainKey("error.type");
    assertThat((String) attributes(attempt).get("gen_ai.response.id")).startsWith("chatcmpl-");

    RecordedRequest received = sim.lastRequest();
    assertThat(received.header("traceparent")).isEqualTo(traceparentOf(attempt));

    HistogramPointData duration =
        otel.histogramPoint(
            "gen_ai.client.operation.duration",
            metricBase().toBuilder().put("gen_ai.response.model", response.model()).build());
    assertThat(duration.getCount()).isEqualTo(1);
    assertThat(Spans.histogram(otel, "gen_ai.client.operation.duration", "s")).hasSize(1);
    HistogramPointData input =
        otel.histogramPoint(
            "gen_ai.client.token.usage",
            metricBase().toBuilder()
                .put("gen_ai.response.model", response.model())
                .put("gen_ai.token.type", "input")
                .build());
    assertThat((long) input.getSum()).isEqualTo(response.usage().inputTokens());
    assertThat(Spans.histogram(otel, "gen_ai.client.token.usage", "{token}")).hasSize(2);
  }

  @Test
  void eachAttemptOfAnAsync429RetrySendsItsOwnTraceparentUnderTheCallersTrace() throws Exception {
    sim.addFault(Fault.rateLimited(Duration.ofMillis(80)).times(1));
    Span caller = otel.openTelemetry().getTracer("test").spanBuilder("caller").startSpan();
    try (LlmClient client = client(TestClients.fastRetries())) {
      CompletableFuture<LlmResponse<City>> future;
      Scope scope = caller.makeCurrent();
      try {
        future = client.generateAsync(request("Describe Lyon as JSON."));
      } finally {
        scope.close();
      }
      assertThat(future.get(10, TimeUnit.SECONDS).attempts()).isEqualTo(2);
    } finally {
      caller.end();
    }
    SpanData callerData = otel.span("caller");
    SpanData generate = otel.span(Spans.GENERATE);
    assertThat(generate.getParentSpanId()).isEqualTo(callerData.getSpanId());
    List<SpanData> attempts = Spans.attemptsOf(otel, generate);
    assertThat(attempts).hasSize(2);
    attempts.forEach(a -> assertAttemptRequest(a, generate));
    assertThat(attributes(attempts.get(0)))
        .containsEntry("error.type", RateLimitException.class.getName());
    assertThat(attempts.get(0).getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(attributes(attempts.get(1))).doesNotContainKey("error.type");
    assertThat(Spans.event(generate, "llmclient.retry").getAttributes().asMap()).isNotEmpty();

    List<RecordedRequest> received = sim.requests(Route.CHAT_COMPLETIONS);
    assertThat(received).hasSize(2);
    assertThat(received.get(0).header("traceparent")).isEqualTo(traceparentOf(attempts.get(0)));
    assertThat(received.get(1).header("traceparent")).isEqualTo(traceparentOf(attempts.get(1)));
    assertThat(attempts.get(1).getTraceId()).isEqualTo(callerData.getTraceId());

    HistogramPointData failed =
        otel.histogramPoint(
            "gen_ai.client.operation.duration",
            metricBase().toBuilder().put("error.type", RateLimitException.class.getName()).build());
    assertThat(failed.getCount()).isEqualTo(1);
  }

  @Test
  void aPromptFilteredByTheServerIsAFailedAttemptAndGenerateSpan() {
    Throwable error;
    try (LlmClient client = client(TestClients.fastRetries())) {
      error =
          catchThrowable(
              () ->
                  client.generate(
                      request("Describe Lyon " + LlmSimulator.DEFAULT_PROMPT_FILTER_TRIGGER)));
    }
    assertThat(error).isInstanceOf(ContentFilterException.class);
    SpanData generate = otel.span(Spans.GENERATE);
    assertThat(generate.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    List<SpanData> attempts = Spans.attemptsOf(otel, generate);
    assertThat(attempts).hasSize(1);
    assertAttemptRequest(attempts.get(0), generate);
    assertThat(attributes(attempts.get(0)))
        .containsEntry("error.type", ContentFilterException.class.getName());
    assertThat(Spans.event(attempts.get(0), "exception")).isNotNull();
    assertThat(
            otel.histogramPoint(
                    "gen_ai.client.operation.duration",
                    metricBase().toBuilder()
                        .put("error.type", ContentFilterException.class.getName())
                        .build())
                .getCount())
        .isEqualTo(1);
  }

  @Test
  void aResponseTimeoutIsAFailedAttemptWithTheTimeoutType() {
    sim.addFault(Fault.delayedHeaders(Duration.ofSeconds(3)));
    Throwable error;
    try (LlmClient client = client(RetryPolicy.none())) {
      error = catchThrowable(() -> client.generate(request("Describe Lyon as JSON.")));
    }
    assertThat(error).isInstanceOf(LlmTimeoutException.class);
    SpanData generate = otel.span(Spans.GENERATE);
    assertThat(generate.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(attributes(generate)).containsEntry("llmclient.attempts", 1L);
    SpanData attempt = Spans.attemptsOf(otel, generate).get(0);
    assertAttemptRequest(attempt, generate);
    assertThat(attributes(attempt))
        .containsEntry("error.type", LlmTimeoutException.class.getName());
    assertThat(attempt.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(
            otel.histogramPoint(
                    "gen_ai.client.operation.duration",
                    metricBase().toBuilder()
                        .put("error.type", LlmTimeoutException.class.getName())
                        .build())
                .getCount())
        .isEqualTo(1);
    assertThat(otel.histogramPoints("gen_ai.client.token.usage")).isEmpty();
  }
}
