package dev.llmclient.otel;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.llmclient.api.spi.Span;
import dev.llmclient.api.spi.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The headers of an attempt, copied onto a real HTTP request as a provider does, reach a loopback
 * server intact: what a gateway in front of Azure sees.
 */
class TraceContextOverHttpTest {

  private final OtelTestHarness otel = OtelTestHarness.create();
  private final Map<String, String> received = new ConcurrentHashMap<>();
  private HttpServer server;
  private ExecutorService serverThreads;

  @BeforeEach
  void startServer() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/v1/chat/completions",
        exchange -> {
          String traceparent = exchange.getRequestHeaders().getFirst("traceparent");
          if (traceparent != null) {
            received.put("traceparent", traceparent);
          }
          byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    serverThreads = Executors.newSingleThreadExecutor();
    server.setExecutor(serverThreads);
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
    serverThreads.shutdownNow();
    otel.close();
  }

  @Test
  void theServerReceivesTheTraceparentOfTheAttemptSpan() throws Exception {
    Span generate =
        OtelTracing.create(otel.openTelemetry())
            .startSpan("llmclient.llm.generate", SpanKind.INTERNAL);
    Span attempt = generate.startChild("chat gpt-4o", SpanKind.CLIENT);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create(
                    "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/chat/completions"))
            .timeout(Duration.ofSeconds(5))
            .POST(HttpRequest.BodyPublishers.ofString("{}"));
    attempt.propagationHeaders().forEach(request::header);

    HttpResponse<String> response =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .build()
            .send(request.build(), HttpResponse.BodyHandlers.ofString());
    attempt.end();
    generate.end();

    SpanData span = otel.span("chat gpt-4o");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(received)
        .containsEntry("traceparent", "00-" + span.getTraceId() + "-" + span.getSpanId() + "-01");
  }
}
