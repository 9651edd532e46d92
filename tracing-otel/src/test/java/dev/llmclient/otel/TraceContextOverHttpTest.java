package dev.llmclient.otel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmclient.api.spi.Span;
import dev.llmclient.api.spi.SpanKind;
import dev.llmclient.testkit.simulator.LlmSimulator;
import dev.llmclient.testkit.simulator.LlmSimulatorExtension;
import dev.llmclient.testkit.simulator.RecordedRequest;
import dev.llmclient.testkit.simulator.Route;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The headers of an attempt, copied onto a real chat completions request as a provider does, reach
 * the LLM simulator on loopback intact and the request is still served: what a gateway in front of
 * Azure sees.
 */
class TraceContextOverHttpTest {

  private static final String KEY = "trace-key";

  @RegisterExtension
  static final LlmSimulatorExtension SIM =
      LlmSimulatorExtension.create(b -> b.apiKey(KEY).deployment("gpt-4o"));

  private final OtelTestHarness otel = OtelTestHarness.create();

  @AfterEach
  void closeHarness() {
    otel.close();
  }

  @Test
  void theServerReceivesTheTraceparentOfTheAttemptSpan() throws Exception {
    LlmSimulator sim = SIM.simulator();
    Span generate =
        OtelTracing.create(otel.openTelemetry())
            .startSpan("llmclient.llm.generate", SpanKind.INTERNAL);
    Span attempt = generate.startChild("chat gpt-4o", SpanKind.CLIENT);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(sim.openAiBaseUri().resolve("/v1/chat/completions"))
            .timeout(Duration.ofSeconds(5))
            .header("Authorization", "Bearer " + KEY)
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"));
    attempt.propagationHeaders().forEach(request::header);

    HttpResponse<String> response =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .build()
            .send(request.build(), HttpResponse.BodyHandlers.ofString());
    attempt.end();
    generate.end();

    SpanData span = otel.span("chat gpt-4o");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(sim.requests()).hasSize(1);
    RecordedRequest received = sim.lastRequest();
    assertThat(received.route()).isEqualTo(Route.CHAT_COMPLETIONS);
    assertThat(received.header("traceparent"))
        .isEqualTo("00-" + span.getTraceId() + "-" + span.getSpanId() + "-01");
  }
}
