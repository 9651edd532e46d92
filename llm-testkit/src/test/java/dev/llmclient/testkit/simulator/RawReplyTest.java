package dev.llmclient.testkit.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RawReplyTest {

  private static final String CHAT = "/v1/chat/completions";
  private LlmSimulator sim;

  @AfterEach
  void stop() {
    if (sim != null) {
      sim.close();
    }
  }

  private SimHttp start() {
    sim = LlmSimulator.builder().seed(5).start();
    return new SimHttp(sim);
  }

  /** Sends one HTTP/1.1 request over a plain socket and returns every byte of the response. */
  private static byte[] exchange(int port, String request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      return in.readAllBytes();
    }
  }

  @Test
  void statusHeadersAndBodyGoOnTheWireExactlyAsGiven() throws IOException {
    start();
    byte[] body = {0x00, (byte) 0xff, 'a', '\n', (byte) 0xc3, (byte) 0xa9};
    sim.enqueueRaw(
        RawReply.bytes(418, "application/x-odd; charset=latin1", body)
            .header("X-Custom", "one")
            .header("X-Custom", "two")
            .header("Retry-After", "Fri, 27 Nov 2026 05:00:00 GMT"));

    byte[] wire =
        exchange(
            sim.port(), "GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");

    String text = new String(wire, StandardCharsets.ISO_8859_1);
    int split = text.indexOf("\r\n\r\n");
    String head = text.substring(0, split);
    List<String> lines = List.of(head.split("\r\n"));
    assertThat(lines.get(0)).startsWith("HTTP/1.1 418");
    assertThat(lines)
        .contains(
            "Content-Type: application/x-odd; charset=latin1",
            "X-Custom: one",
            "X-Custom: two",
            "Retry-After: Fri, 27 Nov 2026 05:00:00 GMT",
            "Content-Length: 6");
    assertThat(lines.indexOf("X-Custom: one")).isLessThan(lines.indexOf("X-Custom: two"));
    assertThat(lines).filteredOn(l -> l.regionMatches(true, 0, "content-type:", 0, 13)).hasSize(1);
    assertThat(lines).anyMatch(l -> l.startsWith("x-request-id: "));
    assertThat(lines).anyMatch(l -> l.startsWith("apim-request-id: "));
    byte[] sentBody = new byte[wire.length - split - 4];
    System.arraycopy(wire, split + 4, sentBody, 0, sentBody.length);
    assertThat(sentBody).containsExactly(body);
    assertThat(sim.counters().responses(418)).isEqualTo(1);
    assertThat(sim.counters().requests(Route.MODELS)).isEqualTo(1);
  }

  @Test
  void aContentTypeHeaderReplacesTheFactorysAndOwnRequestIdsReplaceTheSimulators() {
    SimHttp http = start();
    sim.enqueueRaw(
        RawReply.json(200, "{}")
            .header("content-type", "text/plain")
            .header("x-request-id", "mine"));

    SimHttp.Response r = http.get("/v1/models");

    assertThat(r.headers().get("content-type")).containsExactly("text/plain");
    assertThat(r.headers().get("x-request-id")).containsExactly("mine");
    assertThat(r.header("apim-request-id")).isNull();
    assertThat(r.body()).isEqualTo("{}");
  }

  @Test
  void aRawReplySkipsAuthRoutingLimitsAndFaultsButTheRequestIsStillRecordedAndCounted() {
    sim =
        LlmSimulator.builder()
            .apiKey("the-key")
            .deployment("gpt-4o")
            .requestsPerMinute(1)
            .fault(Fault.status(500))
            .start();
    SimHttp http = new SimHttp(sim);
    sim.respondAlways(RawReply.json(201, "{\"raw\":true}"));

    SimHttp.Response first = http.post(CHAT, SimHttp.chat("unknown-model", "hello raw"));
    SimHttp.Response second = http.post("/nowhere", "not json");

    assertThat(first.status()).isEqualTo(201);
    assertThat(first.body()).isEqualTo("{\"raw\":true}");
    assertThat(second.status()).isEqualTo(201);
    assertThat(sim.requests()).hasSize(2);
    RecordedRequest recorded = sim.requests().get(0);
    assertThat(recorded.route()).isEqualTo(Route.CHAT_COMPLETIONS);
    assertThat(recorded.deployment()).isEqualTo("unknown-model");
    assertThat(recorded.json().path("messages").get(0).path("content").asText())
        .isEqualTo("hello raw");
    assertThat(sim.counters().requests(Route.CHAT_COMPLETIONS)).isEqualTo(1);
    assertThat(sim.counters().requests(Route.UNKNOWN)).isEqualTo(1);
    assertThat(sim.counters().responses(201)).isEqualTo(2);
    assertThat(sim.counters().responses(500)).isZero();
    assertThat(sim.counters().faults(Fault.Kind.SERVER_ERROR_500)).isZero();
  }

  @Test
  void rulesSeeTheRecordedRequestEvenWhenRecordingIsOff() {
    sim = LlmSimulator.builder().maxRecordedRequests(0).start();
    SimHttp http = new SimHttp(sim);
    sim.respond(
        r -> r.json().path("model").asText().equals("echo"),
        r -> RawReply.text(200, "text/plain", r.method() + " " + r.path() + " " + r.deployment()));

    assertThat(http.post(CHAT, SimHttp.chat("echo", "x")).body())
        .isEqualTo("POST /v1/chat/completions echo");
    assertThat(sim.requests()).isEmpty();
  }

  @Test
  void theFirstMatchingRuleWinsInTheOrderAdded() {
    SimHttp http = start();
    sim.respond(r -> r.body().contains("alpha"), r -> RawReply.json(200, "\"first\""))
        .respond(r -> r.body().contains("a"), r -> RawReply.json(200, "\"second\""))
        .respond(r -> true, r -> RawReply.json(200, "\"third\""));

    assertThat(http.post(CHAT, SimHttp.chat("m", "alpha")).body()).isEqualTo("\"first\"");
    assertThat(http.post(CHAT, SimHttp.chat("m", "beta")).body()).isEqualTo("\"second\"");
    assertThat(http.get("/v1/models").body()).isEqualTo("\"third\"");
  }

  @Test
  void queuedRawRepliesComeFirstInOrderOnceEachAndOnAnyRoute() {
    SimHttp http = start();
    sim.respondAlways(RawReply.json(200, "\"rule\""));
    sim.enqueueRaw(RawReply.json(503, "\"q1\"")).enqueueRaw(RawReply.json(502, "\"q2\""));

    SimHttp.Response a = http.get("/v1/models");
    SimHttp.Response b = http.post("/v1/embeddings", "{\"model\":\"e\",\"input\":\"x\"}");
    SimHttp.Response c = http.post(CHAT, SimHttp.chat("m", "x"));

    assertThat(List.of(a.status(), b.status(), c.status())).containsExactly(503, 502, 200);
    assertThat(List.of(a.body(), b.body(), c.body()))
        .containsExactly("\"q1\"", "\"q2\"", "\"rule\"");
  }

  @Test
  void withoutRulesTheSimulatorAnswersNormally() {
    SimHttp http = start();
    sim.enqueueRaw(RawReply.json(204, ""));
    SimHttp.Response empty = http.get("/v1/models");
    assertThat(empty.status()).isEqualTo(204);
    assertThat(empty.body()).isEmpty();

    SimHttp.Response normal = http.post(CHAT, SimHttp.chat("m", "x"));

    assertThat(normal.status()).isEqualTo(200);
    assertThat(normal.json().path("object").asText()).isEqualTo("chat.completion");
  }

  @Test
  void resetDropsRulesAndQueuedReplies() {
    SimHttp http = start();
    sim.respondAlways(RawReply.json(500, "{}"));
    sim.enqueueRaw(RawReply.json(501, "{}"));

    sim.reset();

    assertThat(http.get("/v1/models").status()).isEqualTo(200);
    assertThat(http.get("/v1/models").status()).isEqualTo(200);
  }

  @Test
  void aResetReplyDropsTheConnectionWithoutAnyResponseAndCountsNoStatus() throws IOException {
    SimHttp http = start();
    sim.enqueueRaw(RawReply.reset().after(Duration.ofMillis(100)));

    long t0 = System.nanoTime();
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    IOException failure = null;
    try (Socket socket = new Socket("127.0.0.1", sim.port())) {
      socket.setSoTimeout(5000);
      socket
          .getOutputStream()
          .write(
              "GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                  .getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      int b;
      while ((b = in.read()) >= 0) {
        received.write(b);
      }
    } catch (IOException e) {
      failure = e;
    }

    assertThat(Duration.ofNanos(System.nanoTime() - t0))
        .isGreaterThanOrEqualTo(Duration.ofMillis(90));
    assertThat(received.size()).isZero();
    assertThat(failure).isInstanceOf(SocketException.class);
    assertThat(sim.counters().responsesByStatus()).isEmpty();
    assertThat(sim.counters().requests(Route.MODELS)).isEqualTo(1);
    assertThat(http.get("/v1/models").status()).isEqualTo(200);
  }

  @Test
  void aRuleThatThrowsAnswers500NamingTheProblem() {
    SimHttp http = start();
    sim.respond(
        r -> {
          throw new IllegalStateException("boom in predicate");
        },
        r -> RawReply.json(200, "{}"));

    SimHttp.Response r = http.get("/v1/models");

    assertThat(r.status()).isEqualTo(500);
    assertThat(r.body()).contains("respond(...)", "boom in predicate", "GET /v1/models");
  }

  @Test
  void manyDelayedRawRepliesAreHeldOnTheTimerWithoutExtraThreads() throws Exception {
    int requests = 300;
    // Long enough that all 300 are held before the first answer on a loaded machine.
    Duration delay = Duration.ofMillis(4000);
    ExecutorService clientPool = Executors.newFixedThreadPool(2);
    try {
      sim = LlmSimulator.builder().maxRecordedRequests(10).start();
      sim.respondAlways(RawReply.json(202, "{\"late\":true}").after(delay));
      HttpClient client =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .executor(clientPool)
              .connectTimeout(Duration.ofSeconds(10))
              .build();
      int threadsBefore = Thread.activeCount();
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(sim.openAiBaseUri() + "/models"))
              .timeout(Duration.ofSeconds(20))
              .GET()
              .build();
      long t0 = System.nanoTime();
      List<CompletableFuture<HttpResponse<String>>> futures = new ArrayList<>();
      for (int i = 0; i < requests; i++) {
        futures.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (sim.counters().inFlight() < requests && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      int held = sim.counters().inFlight();
      int threadsDuring = Thread.activeCount();

      CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
      Duration took = Duration.ofNanos(System.nanoTime() - t0);

      assertThat(held).isEqualTo(requests);
      assertThat(threadsDuring - threadsBefore).isLessThan(20);
      assertThat(took).isGreaterThanOrEqualTo(delay);
      assertThat(futures)
          .allSatisfy(
              f -> {
                assertThat(f.join().statusCode()).isEqualTo(202);
                assertThat(f.join().body()).isEqualTo("{\"late\":true}");
              });
      assertThat(sim.counters().responses(202)).isEqualTo(requests);
    } finally {
      clientPool.shutdownNow();
    }
  }

  @Test
  void rawRepliesAreImmutableValuesWithReadableToString() {
    RawReply base = RawReply.json(429, "{\"error\":{}}");
    RawReply withHeader = base.header("Retry-After", "3");
    RawReply delayed = withHeader.after(Duration.ofMillis(250));

    assertThat(base.headers()).isEmpty();
    assertThat(withHeader.headers()).containsExactly(Map.entry("Retry-After", "3"));
    assertThat(withHeader.delay()).isZero();
    assertThat(delayed.delay()).isEqualTo(Duration.ofMillis(250));
    assertThat(delayed.status()).isEqualTo(429);
    assertThat(delayed.body()).isEqualTo("{\"error\":{}}");
    assertThat(delayed.contentType()).isEqualTo("application/json");
    assertThat(delayed).isEqualTo(base.header("Retry-After", "3").after(Duration.ofMillis(250)));
    assertThat(delayed.toString())
        .isEqualTo(
            "RawReply[429, application/json, Retry-After: 3, 12 bytes '{\"error\":{}}', after 250"
                + " ms]");
    assertThat(RawReply.reset().toString()).isEqualTo("RawReply[connection reset]");
    assertThat(RawReply.reset().status()).isZero();
    assertThat(RawReply.text(200, "text/plain", "é").bodyBytes()).hasSize(2);
  }

  @Test
  void rawRepliesRejectFramingHeadersBadNamesAndBadStatusesWithAHint() {
    RawReply r = RawReply.json(200, "{}");

    assertThatThrownBy(() -> r.header("Content-Length", "1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("TRUNCATED_JSON");
    assertThatThrownBy(() -> r.header("Transfer-Encoding", "chunked"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> r.header("bad name", "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> r.header("X-Ok", "a\r\nInjected: 1"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RawReply.json(600, "{}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("RawReply.reset()");
    assertThatThrownBy(() -> RawReply.json(101, ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("final status");
    assertThatThrownBy(() -> RawReply.json(204, "{}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("204 reply has no body");
    assertThatThrownBy(() -> RawReply.reset().header("X", "y"))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> r.after(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> r.after(Duration.ofDays(365 * 1000)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("between zero and one day");
    for (String connectionHeader : new String[] {"Upgrade", "Keep-Alive", "Proxy-Connection"}) {
      assertThatThrownBy(() -> r.header(connectionHeader, "x"))
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> RawReply.text(200, "text/plain\r\nX-Injected: 1", "hi"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot contain CR or LF");
  }
}
