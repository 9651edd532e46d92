package dev.llmclient.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmclient.api.InvalidResponseException;
import dev.llmclient.api.LlmConnectionException;
import dev.llmclient.api.LlmException;
import dev.llmclient.api.Message;
import dev.llmclient.api.ServerException;
import dev.llmclient.api.spi.ChatCompletion;
import dev.llmclient.api.spi.ChatCompletionRequest;
import dev.llmclient.api.spi.EmbeddingRequest;
import dev.llmclient.testkit.simulator.Fault;
import dev.llmclient.testkit.simulator.LlmSimulator;
import dev.llmclient.testkit.simulator.RawReply;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Responses an attacker or a broken gateway sends: bodies that would pin an I/O thread, headers
 * without end, and bodies cut off in transit. Each ends as a typed exception, bounded in time and
 * memory.
 */
class HostileResponsesTest {

  private static OpenAiWireClient client(URI base, HttpTransportSettings transport) {
    return OpenAiWireClient.builder("openai")
        .routes(OpenAiRoutes.under(base))
        .authenticator(RequestAuthenticator.bearer("sk-hostile-test-key-0001"))
        .transport(transport)
        .build();
  }

  private static ChatCompletionRequest ask(String text) {
    return ChatCompletionRequest.of("gpt-4o", List.of(Message.user(text)));
  }

  private static LlmException failure(CompletableFuture<?> call, long seconds) throws Exception {
    try {
      call.get(seconds, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(LlmException.class);
      return (LlmException) e.getCause();
    }
    throw new AssertionError("the call succeeded");
  }

  // ---- item 2: error bodies never pin an I/O thread ----------------------------------------

  @Test
  void aHugeMarkupErrorBodyFailsTypedAtOnceWhileAParallelCallSucceeds() throws Exception {
    try (LlmSimulator sim = Fixtures.simulator();
        OpenAiWireClient wire = client(sim.openAiBaseUri(), HttpTransportSettings.getDefault())) {
      sim.respond(
          r -> r.body().contains("hostile"),
          r -> RawReply.text(502, "text/html", "<".repeat(200_000)));
      wire.complete(ask("warm up")).get(10, TimeUnit.SECONDS);

      long start = System.nanoTime();
      CompletableFuture<ChatCompletion> hostile = wire.complete(ask("hostile"));
      CompletableFuture<ChatCompletion> parallel = wire.complete(ask("an ordinary question"));
      // Before: the gateway-page regexes ran for minutes on the reactor thread.
      LlmException e = failure(hostile, 5);
      long millis = (System.nanoTime() - start) / 1_000_000;

      assertThat(e).isInstanceOf(ServerException.class);
      assertThat(e.httpStatus()).isEqualTo(502);
      assertThat(e.getMessage()).contains("<<<<<<<<").hasSizeLessThan(1_000);
      assertThat(millis).as("milliseconds until the 502 was typed").isLessThan(1_000);
      assertThat(parallel.get(5, TimeUnit.SECONDS).content()).isNotNull();
      // A second hostile body on the same client does not wait for the first one either.
      assertThat(failure(wire.complete(ask("hostile again")), 5))
          .isInstanceOf(ServerException.class);
    }
  }

  // ---- item 6: headers are limited, and count toward the response limit ------------------

  @Test
  void anEndlessHeaderLineFailsTypedAfterAFewKilobytes() throws Exception {
    byte[] chunk = "a".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII);
    try (RawHttpServer server =
            new RawHttpServer(
                (out, s) -> {
                  out.write("HTTP/1.1 200 OK\r\nX-Endless: ".getBytes(StandardCharsets.US_ASCII));
                  // At most 64 MiB: far more than any limit, and the client must stop reading
                  // long before.
                  for (int i = 0; i < 1024; i++) {
                    out.write(chunk);
                  }
                  s.stall();
                });
        OpenAiWireClient wire = client(server.baseUri(), HttpTransportSettings.getDefault())) {
      LlmException e = failure(wire.complete(ask("hi")), 20);

      assertThat(e).isInstanceOf(InvalidResponseException.class);
      assertThat(e.getMessage())
          .contains(
              "headers", "exceed the limits", HttpTransportSettings.MAX_HEADER_LINE_BYTES + "");
      assertThat(server.bytesWritten())
          .as("bytes the client read before giving up (socket buffers included)")
          .isLessThan(16L * 1024 * 1024);
    }
  }

  @Test
  void tooManyHeadersFailTyped() throws Exception {
    StringBuilder head = new StringBuilder("HTTP/1.1 200 OK\r\n");
    for (int i = 0; i < 20_000; i++) {
      head.append("X-H-").append(i).append(": v\r\n");
    }
    head.append("Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
    byte[] reply = head.toString().getBytes(StandardCharsets.US_ASCII);
    try (RawHttpServer server =
            new RawHttpServer(
                (out, s) -> {
                  out.write(reply);
                  s.stall();
                });
        OpenAiWireClient wire = client(server.baseUri(), HttpTransportSettings.getDefault())) {
      LlmException e = failure(wire.complete(ask("hi")), 20);

      assertThat(e).isInstanceOf(InvalidResponseException.class);
      assertThat(e.getMessage()).contains(HttpTransportSettings.MAX_HEADER_COUNT + " headers");
    }
  }

  @Test
  void headerBytesCountTowardTheResponseLimit() throws Exception {
    try (LlmSimulator sim = Fixtures.simulator();
        OpenAiWireClient wire =
            client(
                sim.openAiBaseUri(),
                HttpTransportSettings.builder().maxResponseBytes(8 * 1024).build())) {
      // 60 headers of 100 bytes: within the count and line limits, but 6 KB of a 8 KiB budget,
      // and the body (about 3 KB) no longer fits.
      RawReply reply = RawReply.json(200, Fixtures.COMPLETION + " ".repeat(2_600));
      for (int i = 0; i < 60; i++) {
        reply = reply.header("X-Padding-" + i, "p".repeat(88));
      }
      sim.enqueueRaw(RawReply.json(200, Fixtures.COMPLETION + " ".repeat(2_600)));
      sim.enqueueRaw(reply);

      assertThat(wire.complete(ask("hi")).get(10, TimeUnit.SECONDS).content()).isNotNull();
      LlmException e = failure(wire.complete(ask("hi")), 10);

      assertThat(e).isInstanceOf(InvalidResponseException.class);
      assertThat(e.getMessage()).contains("larger than 8192 bytes");
    }
  }

  @Test
  void onlyAPrefixOfAHugeErrorBodyIsKept() throws Exception {
    String body = "{\"error\":{\"message\":\"" + "m".repeat(1_000_000) + "\"}}";
    try (LlmSimulator sim = Fixtures.simulator();
        OpenAiWireClient wire = client(sim.openAiBaseUri(), HttpTransportSettings.getDefault())) {
      sim.enqueueRaw(RawReply.json(503, body));

      LlmException e = failure(wire.complete(ask("hi")), 10);

      assertThat(e).isInstanceOf(ServerException.class);
      assertThat(e.getMessage())
          .contains("non-JSON body '{\"error\":{\"message\":\"mmm")
          .contains("...'");
      assertThat(e.getMessage()).hasSizeLessThan(1_000);
    }
  }

  // ---- item 11: a body cut off in transit is retryable --------------------------------------

  @Test
  void aTruncatedChatBodyIsARetryableConnectionFailure() throws Exception {
    try (LlmSimulator sim = Fixtures.simulator();
        OpenAiWireClient wire = client(sim.openAiBaseUri(), HttpTransportSettings.getDefault())) {
      sim.addFault(Fault.of(Fault.Kind.TRUNCATED_JSON).times(1));

      LlmException e = failure(wire.complete(ask("hi")), 10);

      assertThat(e).isInstanceOf(LlmConnectionException.class);
      assertThat(e.isRetryable()).isTrue();
      assertThat(e.httpStatus()).isEqualTo(200);
      assertThat(e.getMessage())
          .contains("POST /v1/chat/completions", "ended early or broke off after", "retried");
      assertThat(wire.complete(ask("hi")).get(10, TimeUnit.SECONDS).content()).isNotNull();
    }
  }

  @Test
  void aTruncatedEmbeddingsBodyIsARetryableConnectionFailure() throws Exception {
    try (LlmSimulator sim = Fixtures.simulator();
        OpenAiWireClient wire = client(sim.openAiBaseUri(), HttpTransportSettings.getDefault())) {
      sim.addFault(Fault.of(Fault.Kind.TRUNCATED_JSON).times(1));

      LlmException e =
          failure(
              wire.embed(
                  new EmbeddingRequest(
                      "text-embedding-3-small", List.of("a", "b"), null, Map.of())),
              10);

      assertThat(e).isInstanceOf(LlmConnectionException.class);
      assertThat(e.isRetryable()).isTrue();
    }
  }

  @Test
  void jsonThatIsNotACompletionOrNotJsonAtAllIsReportedAtOnce() throws Exception {
    try (LlmSimulator sim = Fixtures.simulator();
        OpenAiWireClient wire = client(sim.openAiBaseUri(), HttpTransportSettings.getDefault())) {
      sim.enqueueRaw(RawReply.json(200, "{\"object\":\"list\",\"data\":[]}"));
      sim.enqueueRaw(RawReply.json(200, "{\"choices\":\"none\"}"));
      sim.enqueueRaw(
          RawReply.text(200, "text/html", "<html><body>Welcome to nginx!</body></html>"));

      for (int i = 0; i < 3; i++) {
        LlmException e = failure(wire.complete(ask("hi")), 10);
        assertThat(e).isInstanceOf(InvalidResponseException.class);
        assertThat(e.isRetryable()).isFalse();
        assertThat(e.getMessage()).contains("Check that the base URL");
      }
    }
  }
}
