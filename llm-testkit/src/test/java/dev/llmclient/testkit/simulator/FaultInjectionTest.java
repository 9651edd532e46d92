package dev.llmclient.testkit.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FaultInjectionTest {

  private static final String CHAT = "/v1/chat/completions";
  private LlmSimulator sim;

  @AfterEach
  void stop() {
    if (sim != null) {
      sim.close();
    }
  }

  private SimHttp start(Fault fault) {
    sim = LlmSimulator.builder().seed(3).fault(fault).start();
    return new SimHttp(sim);
  }

  @ParameterizedTest
  @CsvSource({
    "500,InternalServerError",
    "502,BadGateway",
    "503,ServiceUnavailable",
    "504,Timeout",
    "408,Timeout"
  })
  void statusFaultsAnswerTheStatusWithTheServiceBody(int status, String azureCode) {
    SimHttp http = start(Fault.status(status));

    SimHttp.Response openAi = http.post(CHAT, SimHttp.chat("m", "hi"));
    SimHttp.Response azure =
        http.post(
            "/openai/deployments/m/chat/completions?api-version=2024-10-21",
            "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

    assertThat(openAi.status()).isEqualTo(status);
    assertThat(openAi.json().path("error").path("message").asText()).isNotBlank();
    assertThat(openAi.header("x-request-id")).isNotBlank();
    assertThat(azure.status()).isEqualTo(status);
    assertThat(azure.json().path("error").path("code").asText()).isEqualTo(azureCode);
    assertThat(sim.counters().responses(status)).isEqualTo(2);
  }

  @Test
  void rateLimitFaultSendsRetryAfterInSecondsAndMilliseconds() {
    sim =
        LlmSimulator.builder()
            .retryAfterMs(true)
            .fault(Fault.rateLimited(Duration.ofMillis(1500)))
            .start();

    SimHttp.Response r = new SimHttp(sim).post(CHAT, SimHttp.chat("m", "hi"));

    assertThat(r.status()).isEqualTo(429);
    assertThat(r.header("retry-after")).isEqualTo("2");
    assertThat(r.header("retry-after-ms")).isEqualTo("1500");
    assertThat(sim.counters().faults(Fault.Kind.RATE_LIMITED_429)).isEqualTo(1);
  }

  @Test
  void timesLimitsHowOftenAFaultFires() {
    SimHttp http = start(Fault.status(503).times(2));

    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      statuses.add(http.post(CHAT, SimHttp.chat("m", "hi")).status());
    }

    assertThat(statuses).containsExactly(503, 503, 200, 200);
  }

  @Test
  void everyNthFiresOnMultiplesOnly() {
    SimHttp http = start(Fault.status(500).everyNth(3));

    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      statuses.add(http.post(CHAT, SimHttp.chat("m", "hi")).status());
    }

    assertThat(statuses).containsExactly(200, 200, 500, 200, 200, 500);
  }

  @Test
  void probabilityIsSeededSoTheSameSeedFailsTheSameRequests() {
    List<Integer> first = statusesWithProbability(42);
    List<Integer> second = statusesWithProbability(42);

    assertThat(first).isEqualTo(second).contains(200, 500);
    assertThat(first.stream().filter(s -> s == 500).count()).isBetween(3L, 17L);
  }

  private List<Integer> statusesWithProbability(long seed) {
    try (LlmSimulator s =
        LlmSimulator.builder().seed(seed).fault(Fault.status(500).withProbability(0.5)).start()) {
      SimHttp http = new SimHttp(s);
      List<Integer> statuses = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        statuses.add(http.post(CHAT, SimHttp.chat("m", "hi")).status());
      }
      return statuses;
    }
  }

  @Test
  void routeFilterKeepsAFaultOffOtherRoutes() {
    SimHttp http = start(Fault.status(500).onRoutes(Route.EMBEDDINGS));

    assertThat(http.post(CHAT, SimHttp.chat("m", "hi")).status()).isEqualTo(200);
    assertThat(http.post("/v1/embeddings", "{\"model\":\"m\",\"input\":\"x\"}").status())
        .isEqualTo(500);
  }

  @Test
  void resetBeforeHeadersSendsNoByteAndResetsTheConnection() throws IOException {
    start(Fault.resetBeforeHeaders());

    RawExchange raw = RawExchange.post(sim, CHAT, SimHttp.chat("m", "hi"));

    assertThat(raw.received).isEmpty();
    assertThat(raw.failure).isInstanceOf(SocketException.class);
    assertThat(sim.counters().faults(Fault.Kind.RESET_BEFORE_HEADERS)).isEqualTo(1);
  }

  @Test
  void resetMidBodySendsHeadersAndPartOfTheBodyThenResets() throws IOException {
    start(Fault.resetMidBody());

    RawExchange raw = RawExchange.post(sim, CHAT, SimHttp.chat("m", "hi"));

    String text = new String(raw.received, StandardCharsets.ISO_8859_1);
    assertThat(text).startsWith("HTTP/1.1 200");
    int headerEnd = text.indexOf("\r\n\r\n");
    long declared = contentLength(text);
    assertThat(text.length() - headerEnd - 4).isPositive().isLessThan((int) declared);
    assertThat(raw.failure).isInstanceOf(SocketException.class);
  }

  @Test
  void resetMidBodyTruncatesAStreamToo() throws IOException {
    start(Fault.resetMidBody());

    RawExchange raw =
        RawExchange.post(
            sim,
            CHAT,
            "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

    String text = new String(raw.received, StandardCharsets.ISO_8859_1);
    assertThat(text).contains("text/event-stream").contains("data: {").doesNotContain("[DONE]");
    assertThat(raw.failure).isInstanceOf(SocketException.class);
  }

  @Test
  void delayedHeadersOutlastAClientTimeout() {
    start(Fault.delayedHeaders(Duration.ofSeconds(5)));
    HttpClient client = HttpClient.newHttpClient();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(sim.baseUri() + CHAT))
            .timeout(Duration.ofMillis(300))
            .POST(HttpRequest.BodyPublishers.ofString(SimHttp.chat("m", "hi")))
            .build();

    long t0 = System.nanoTime();
    assertThatThrownBy(() -> client.send(request, HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(HttpTimeoutException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void delayedHeadersStillAnswerForAPatientClient() {
    SimHttp http = start(Fault.delayedHeaders(Duration.ofMillis(300)));

    long t0 = System.nanoTime();
    SimHttp.Response r = http.post(CHAT, SimHttp.chat("m", "hi"));

    assertThat(r.status()).isEqualTo(200);
    assertThat(Duration.ofNanos(System.nanoTime() - t0))
        .isGreaterThanOrEqualTo(Duration.ofMillis(280));
  }

  @Test
  void truncatedJsonIsA200WhoseBodyDoesNotParse() {
    SimHttp http = start(Fault.of(Fault.Kind.TRUNCATED_JSON));

    SimHttp.Response r = http.post(CHAT, SimHttp.chat("m", "hi"));

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).startsWith("{");
    assertThatThrownBy(r::json).isInstanceOf(UncheckedIOException.class);
  }

  @Test
  void nonJson200AndHtmlGatewayPage() {
    sim =
        LlmSimulator.builder()
            .fault(Fault.of(Fault.Kind.NON_JSON_200).times(1))
            .fault(Fault.of(Fault.Kind.HTML_GATEWAY_PAGE).times(1))
            .start();
    SimHttp http = new SimHttp(sim);

    SimHttp.Response nonJson = http.post(CHAT, SimHttp.chat("m", "hi"));
    SimHttp.Response html = http.post(CHAT, SimHttp.chat("m", "hi"));

    assertThat(nonJson.status()).isEqualTo(200);
    assertThat(nonJson.header("content-type")).startsWith("text/plain");
    assertThatThrownBy(nonJson::json).isInstanceOf(UncheckedIOException.class);
    assertThat(html.status()).isEqualTo(502);
    assertThat(html.header("content-type")).startsWith("text/html");
    assertThat(html.body()).contains("<title>502 Bad Gateway</title>");
  }

  @Test
  void emptyContentRefusalAndInvalidAgainstSchema() {
    sim =
        LlmSimulator.builder()
            .fault(Fault.of(Fault.Kind.EMPTY_CONTENT).times(1))
            .fault(Fault.of(Fault.Kind.REFUSAL).times(1))
            .fault(Fault.of(Fault.Kind.INVALID_AGAINST_SCHEMA).times(1))
            .start();
    SimHttp http = new SimHttp(sim);
    String schemaRequest =
        "{\"model\":\"m\",\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"P\",\"strict\":true,"
            + "\"schema\":{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"}},\"required\":[\"name\"],"
            + "\"additionalProperties\":false}}},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    JsonNode empty = http.post(CHAT, schemaRequest).json().path("choices").get(0).path("message");
    JsonNode refusal = http.post(CHAT, schemaRequest).json().path("choices").get(0).path("message");
    JsonNode invalid = http.post(CHAT, schemaRequest).json().path("choices").get(0).path("message");
    JsonNode valid = http.post(CHAT, schemaRequest).json().path("choices").get(0).path("message");

    assertThat(empty.path("content").asText()).isEmpty();
    assertThat(refusal.path("refusal").asText()).isEqualTo(LlmSimulator.REFUSAL_TEXT);
    assertThat(invalid.path("content").asText()).isEqualTo("{}");
    assertThat(valid.path("content").asText()).contains("\"name\"");
  }

  @Test
  void faultsCanBeAddedAndClearedWhileRunning() {
    SimHttp http = start(Fault.status(500).times(1));
    sim.clearFaults();
    assertThat(http.post(CHAT, SimHttp.chat("m", "hi")).status()).isEqualTo(200);
    sim.addFault(Fault.status(503));
    assertThat(http.post(CHAT, SimHttp.chat("m", "hi")).status()).isEqualTo(503);
    sim.reset();
    assertThat(http.post(CHAT, SimHttp.chat("m", "hi")).status()).isEqualTo(500);
  }

  private static long contentLength(String headers) {
    for (String line : headers.split("\r\n")) {
      if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
        return Long.parseLong(line.substring(15).trim());
      }
    }
    throw new AssertionError("no content-length in " + headers);
  }

  /** A raw HTTP/1.1 exchange that keeps every byte received and the failure that ended it. */
  static final class RawExchange {
    byte[] received = new byte[0];
    Exception failure;

    static RawExchange post(LlmSimulator sim, String path, String body) throws IOException {
      RawExchange ex = new RawExchange();
      try (Socket socket = new Socket("127.0.0.1", sim.port())) {
        socket.setSoTimeout(5000);
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        OutputStream out = socket.getOutputStream();
        out.write(
            ("POST "
                    + path
                    + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: "
                    + b.length
                    + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(b);
        out.flush();
        InputStream in = socket.getInputStream();
        java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
          int n;
          while ((n = in.read(buf)) >= 0) {
            got.write(buf, 0, n);
          }
          ex.failure = new java.io.EOFException("closed without reset");
        } catch (IOException e) {
          ex.failure = e;
        }
        ex.received = got.toByteArray();
      }
      return ex;
    }
  }
}
