package dev.llmclient.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmclient.api.ContentFilterException;
import dev.llmclient.api.InvalidResponseException;
import dev.llmclient.api.LlmConnectionException;
import dev.llmclient.api.LlmException;
import dev.llmclient.api.Message;
import dev.llmclient.api.RateLimitException;
import dev.llmclient.api.ServerException;
import dev.llmclient.api.StreamEvent;
import dev.llmclient.api.spi.ChatChunk;
import dev.llmclient.api.spi.ChatCompletionRequest;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Streaming over SSE against hostile loopback servers: events as they come, typed failures before
 * and after the first event, back-pressure that reaches the socket, and cancellation that aborts
 * the exchange.
 */
class StreamingTest {

  private static final String HEAD =
      "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n"
          + "x-request-id: req-s1\r\n\r\n";

  private static OpenAiWireClient client(URI base, Duration responseTimeout) {
    return OpenAiWireClient.builder("openai")
        .routes(OpenAiRoutes.under(base))
        .authenticator(RequestAuthenticator.bearer("sk-stream-test-key-0001"))
        .transport(HttpTransportSettings.builder().responseTimeout(responseTimeout).build())
        .build();
  }

  private static ChatCompletionRequest ask() {
    return ChatCompletionRequest.of("gpt-4o", List.of(Message.user("hi")));
  }

  private static void event(OutputStream out, String data) throws IOException {
    byte[] bytes = ("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8);
    out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.write(bytes);
    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void end(OutputStream out) throws IOException {
    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  private static String delta(String text) {
    return "{\"id\":\"chatcmpl-s\",\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":"
        + "{\"content\":\""
        + text
        + "\"},\"finish_reason\":null}]}";
  }

  /** Collects what a subscription receives; requests as the test says. */
  static final class Collector implements Flow.Subscriber<ChatChunk> {
    final List<ChatChunk> chunks = new CopyOnWriteArrayList<>();
    final CompletableFuture<List<ChatChunk>> done = new CompletableFuture<>();
    volatile Flow.Subscription subscription;
    private final long initial;

    Collector(long initial) {
      this.initial = initial;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(initial);
    }

    @Override
    public void onNext(ChatChunk item) {
      chunks.add(item);
    }

    @Override
    public void onError(Throwable t) {
      done.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      done.complete(chunks);
    }

    LlmException failure() throws Exception {
      try {
        done.get(10, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        assertThat(e.getCause()).isInstanceOf(LlmException.class);
        return (LlmException) e.getCause();
      }
      throw new AssertionError("the stream completed");
    }

    String text() {
      StringBuilder s = new StringBuilder();
      chunks.forEach(c -> s.append(c.text() == null ? "" : c.text()));
      return s.toString();
    }
  }

  @Test
  void textDeltasFinishAndUsageArriveInOrderAndTheStreamEndsAtDone() throws Exception {
    try (RawHttpServer server =
            new RawHttpServer(
                (out, s) -> {
                  out.write(HEAD.getBytes(StandardCharsets.US_ASCII));
                  event(out, delta("Hel"));
                  event(out, delta("lo"));
                  event(
                      out,
                      "{\"id\":\"chatcmpl-s\",\"choices\":[{\"index\":0,\"delta\":{},"
                          + "\"finish_reason\":\"stop\"}]}");
                  event(
                      out,
                      "{\"id\":\"chatcmpl-s\",\"choices\":[],\"usage\":{\"prompt_tokens\":3,"
                          + "\"completion_tokens\":2}}");
                  event(out, "[DONE]");
                  end(out);
                  s.stall();
                });
        OpenAiWireClient wire = client(server.baseUri(), Duration.ofSeconds(5))) {
      Collector c = new Collector(Long.MAX_VALUE);
      wire.stream(ask()).subscribe(c);

      List<ChatChunk> chunks = c.done.get(10, TimeUnit.SECONDS);

      assertThat(c.text()).isEqualTo("Hello");
      assertThat(chunks).hasSize(4);
      assertThat(chunks.get(2).finishReason()).isEqualTo("stop");
      assertThat(chunks.get(3).usage().outputTokens()).isEqualTo(2);
      assertThat(chunks.get(0).requestId()).isEqualTo("req-s1");
      assertThat(chunks.get(0).model()).isEqualTo("gpt-4o");
    }
  }

  @Test
  void toolCallDeltasCarryTheirIndexIdNameAndArgumentPieces() throws Exception {
    try (RawHttpServer server =
            new RawHttpServer(
                (out, s) -> {
                  out.write(HEAD.getBytes(StandardCharsets.US_ASCII));
                  event(
                      out,
                      "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,"
                          + "\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":"
                          + "\"get_weather\",\"arguments\":\"\"}}]}}]}");
                  event(
                      out,
                      "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,"
                          + "\"function\":{\"arguments\":\"{\\\"city\\\":\\\"Oslo\\\"}\"}}]},"
                          + "\"finish_reason\":\"tool_calls\"}]}");
                  event(out, "[DONE]");
                  end(out);
                  s.stall();
                });
        OpenAiWireClient wire = client(server.baseUri(), Duration.ofSeconds(5))) {
      Collector c = new Collector(Long.MAX_VALUE);
      wire.stream(ask()).subscribe(c);

      List<ChatChunk> chunks = c.done.get(10, TimeUnit.SECONDS);

      assertThat(chunks.get(0).toolCalls())
          .containsExactly(new StreamEvent.ToolCallDelta(0, "call_1", "get_weather", ""));
      assertThat(chunks.get(1).toolCalls())
          .containsExactly(new StreamEvent.ToolCallDelta(0, null, null, "{\"city\":\"Oslo\"}"));
      assertThat(chunks.get(1).finishReason()).isEqualTo("tool_calls");
    }
  }

  @Test
  void aRateLimitBeforeTheFirstEventIsTypedLikeAPlainCall() throws Exception {
    String body = "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\"}}";
    try (RawHttpServer server =
            new RawHttpServer(
                (out, s) -> {
                  out.write(
                      ("HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\n"
                              + "Retry-After: 7\r\nContent-Length: "
                              + body.length()
                              + "\r\n\r\n"
                              + body)
                          .getBytes(StandardCharsets.US_ASCII));
                  s.stall();
                });
        OpenAiWireClient wire = client(server.baseUri(), Duration.ofSeconds(5))) {
      Collector c = new Collector(1);
      wire.stream(ask()).subscribe(c);

      LlmException e = c.failure();

      assertThat(e).isInstanceOf(RateLimitException.class);
      assertThat(((RateLimitException) e).retryAfter()).isEqualTo(Duration.ofSeconds(7));
      assertThat(c.chunks).isEmpty();
    }
  }

  @Test
  void aConnectionResetAfterEventsIsAConnectionFailureThatSaysWhatWasReceived() throws Exception {
    try (RawHttpServer server =
            new RawHttpServer(
                (out, s) -> {
                  out.write(HEAD.getBytes(StandardCharsets.US_ASCII));
                  for (int i = 0; i < 5; i++) {
                    event(out, delta("ab"));
                  }
                  // A reset in the same read as the events makes httpclient5 drop them with the
                  // connection; a model's stream breaks between reads.
                  sleep(300);
                  out.close();
                });
        OpenAiWireClient wire = client(server.baseUri(), Duration.ofSeconds(5))) {
      Collector c = new Collector(Long.MAX_VALUE);
      wire.stream(ask()).subscribe(c);

      LlmException e = c.failure();

      assertThat(e).isInstanceOf(LlmConnectionException.class);
      assertThat(e.getMessage()).contains("after 5 event(s) and 10 characters");
      assertThat(e.isRetryable()).isTrue();
      assertThat(c.text()).isEqualTo("ababababab");
    }
  }

  @Test
  void aStallPastTheResponseTimeoutEndsTheStreamTyped() throws Exception {
    try (RawHttpServer server =
            new RawHttpServer(
                (out, s) -> {
                  out.write(HEAD.getBytes(StandardCharsets.US_ASCII));
                  event(out, delta("a"));
                  s.stall();
                });
        OpenAiWireClient wire = client(server.baseUri(), Duration.ofMillis(300))) {
      Collector c = new Collector(Long.MAX_VALUE);
      wire.stream(ask()).subscribe(c);

      LlmException e = c.failure();

      assertThat(e).isInstanceOf(LlmConnectionException.class);
      assertThat(e.getMessage()).contains("after 1 event(s)");
      assertThat(c.text()).isEqualTo("a");
    }
  }

  @Test
  void azureFilterChunksAreEventsAndAContentFilterFinishFailsTyped() throws Exception {
    String filters =
        "{\"hate\":{\"filtered\":false,\"severity\":\"safe\"},"
            + "\"violence\":{\"filtered\":true,\"severity\":\"high\"}}";
    try (RawHttpServer server =
            new RawHttpServer(
                (out, s) -> {
                  out.write(HEAD.getBytes(StandardCharsets.US_ASCII));
                  event(
                      out,
                      "{\"choices\":[],\"prompt_filter_results\":[{\"prompt_index\":0,"
                          + "\"content_filter_results\":{\"hate\":{\"filtered\":false,"
                          + "\"severity\":\"safe\"}}}]}");
                  event(out, delta("Once"));
                  event(
                      out,
                      "{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":"
                          + "\"content_filter\",\"content_filter_results\":"
                          + filters
                          + "}]}");
                  event(out, "[DONE]");
                  end(out);
                  s.stall();
                });
        OpenAiWireClient wire = client(server.baseUri(), Duration.ofSeconds(5))) {
      Collector c = new Collector(Long.MAX_VALUE);
      wire.stream(ask()).subscribe(c);

      LlmException e = c.failure();

      assertThat(e).isInstanceOf(ContentFilterException.class);
      ContentFilterException filter = (ContentFilterException) e;
      assertThat(filter.side()).isEqualTo(ContentFilterException.Side.COMPLETION);
      assertThat(filter.filteredCategories())
          .extracting(r -> r.category())
          .containsExactly("violence");
      StreamEvent.ContentFilterResults prompt = c.chunks.get(0).contentFilter();
      assertThat(prompt.side()).isEqualTo(ContentFilterException.Side.PROMPT);
      assertThat(prompt.filtered()).isFalse();
      assertThat(c.chunks.get(2).contentFilter().filtered()).isTrue();
      assertThat(c.text()).isEqualTo("Once");
    }
  }

  @Test
  void anErrorObjectInsideTheStreamIsTyped() throws Exception {
    try (RawHttpServer server =
            new RawHttpServer(
                (out, s) -> {
                  out.write(HEAD.getBytes(StandardCharsets.US_ASCII));
                  event(out, delta("a"));
                  event(
                      out,
                      "{\"error\":{\"message\":\"The server had an error\",\"type\":"
                          + "\"server_error\"}}");
                  s.stall();
                });
        OpenAiWireClient wire = client(server.baseUri(), Duration.ofSeconds(5))) {
      Collector c = new Collector(Long.MAX_VALUE);
      wire.stream(ask()).subscribe(c);

      assertThat(c.failure()).isInstanceOf(ServerException.class);
      assertThat(c.text()).isEqualTo("a");
    }
  }

  @Test
  void aJsonAnswerToAStreamedRequestSaysTheServerDoesNotStream() throws Exception {
    String body = "{\"id\":\"x\",\"choices\":[]}";
    try (RawHttpServer server =
            new RawHttpServer(
                (out, s) -> {
                  out.write(
                      ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                              + body.length()
                              + "\r\n\r\n"
                              + body)
                          .getBytes(StandardCharsets.US_ASCII));
                  s.stall();
                });
        OpenAiWireClient wire = client(server.baseUri(), Duration.ofSeconds(5))) {
      Collector c = new Collector(1);
      wire.stream(ask()).subscribe(c);

      LlmException e = c.failure();
      assertThat(e).isInstanceOf(InvalidResponseException.class);
      assertThat(e.getMessage()).contains("application/json", "instead of text/event-stream");
    }
  }

  @Test
  void aSubscriberThatStopsRequestingStopsTheSocketRead() throws Exception {
    // 32 MiB of events on offer; a subscriber that takes one and stops must hold the server back
    // to what the socket buffers and one granted window take, not read the whole answer. The
    // server writes in bursts, as a model does: httpclient5 stops reading between socket reads,
    // while one read that never runs dry goes on.
    String piece = "x".repeat(1000);
    try (RawHttpServer server =
            new RawHttpServer(
                (out, s) -> {
                  out.write(HEAD.getBytes(StandardCharsets.US_ASCII));
                  for (int i = 0; i < 32 * 1024; i++) {
                    event(out, delta(piece));
                    if (i % 64 == 63) {
                      sleep(5);
                    }
                  }
                  s.stall();
                });
        OpenAiWireClient wire = client(server.baseUri(), Duration.ofSeconds(10))) {
      Collector c = new Collector(1);
      wire.stream(ask()).subscribe(c);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (c.chunks.isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(c.chunks).hasSize(1);
      long previous = -1;
      // Wait until the server is held back: its count stops growing.
      while (server.bytesWritten() != previous && System.nanoTime() < deadline) {
        previous = server.bytesWritten();
        Thread.sleep(200);
      }
      assertThat(c.chunks).hasSize(1);
      assertThat(server.bytesWritten()).isLessThan(16L * 1024 * 1024);

      c.subscription.request(3);
      while (c.chunks.size() < 4 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(c.chunks).hasSize(4);
      c.subscription.cancel();
    }
  }

  @Test
  void aNonPositiveRequestFailsTheStreamWithoutSendingIt() throws Exception {
    try (RawHttpServer server = new RawHttpServer((out, s) -> s.stall());
        OpenAiWireClient wire = client(server.baseUri(), Duration.ofSeconds(5))) {
      Collector c = new Collector(0);
      wire.stream(ask()).subscribe(c);

      assertThat(c.done)
          .failsWithin(Duration.ofSeconds(5))
          .withThrowableOfType(java.util.concurrent.ExecutionException.class)
          .havingCause()
          .isInstanceOf(IllegalArgumentException.class)
          .withMessageContaining("rule 3.9");
      assertThat(server.requests()).isZero();
    }
  }

  @Test
  void cancellingTheSubscriptionAbortsTheExchange() throws Exception {
    CountDownLatch aborted = new CountDownLatch(1);
    try (RawHttpServer server =
            new RawHttpServer(
                (out, s) -> {
                  out.write(HEAD.getBytes(StandardCharsets.US_ASCII));
                  try {
                    for (int i = 0; i < 2000; i++) { // at most about 20 s
                      event(out, delta("a"));
                      Thread.sleep(10);
                    }
                  } catch (IOException e) {
                    aborted.countDown();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                });
        OpenAiWireClient wire = client(server.baseUri(), Duration.ofSeconds(10))) {
      Collector c = new Collector(Long.MAX_VALUE);
      wire.stream(ask()).subscribe(c);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (c.chunks.size() < 3 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      c.subscription.cancel();
      int received = c.chunks.size();

      assertThat(aborted.await(10, TimeUnit.SECONDS))
          .as("the server saw the exchange end")
          .isTrue();
      assertThat(c.chunks.size()).isLessThanOrEqualTo(received + 1);
      assertThat(c.done).isNotDone();
    }
  }

  /** A subscriber that asked for one chunk holds the read back; cancelling still drops it. */
  @Test
  void cancellingAStreamHeldBackByItsSubscriberAbortsTheExchange() throws Exception {
    CountDownLatch aborted = new CountDownLatch(1);
    try (RawHttpServer server =
            new RawHttpServer(
                (out, s) -> {
                  out.write(HEAD.getBytes(StandardCharsets.US_ASCII));
                  try {
                    for (int i = 0; i < 4000; i++) { // at most about 20 s
                      event(out, delta("a".repeat(200)));
                      if (i % 100 == 99) {
                        Thread.sleep(50);
                      }
                    }
                  } catch (IOException e) {
                    aborted.countDown();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                });
        OpenAiWireClient wire = client(server.baseUri(), Duration.ofSeconds(30))) {
      Collector c = new Collector(1);
      wire.stream(ask()).subscribe(c);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (c.chunks.isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      Thread.sleep(300); // the server fills what the client granted, then the read is held back

      c.subscription.cancel();

      assertThat(aborted.await(10, TimeUnit.SECONDS))
          .as("the server saw the exchange end")
          .isTrue();
      assertThat(c.chunks).hasSize(1);
    }
  }
}
