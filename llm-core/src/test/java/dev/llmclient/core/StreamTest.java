package dev.llmclient.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmclient.api.CallCancelledException;
import dev.llmclient.api.ContentFilterException;
import dev.llmclient.api.ErrorContext;
import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmConnectionException;
import dev.llmclient.api.LlmRequest;
import dev.llmclient.api.LlmResponse;
import dev.llmclient.api.LlmStream;
import dev.llmclient.api.LlmTimeoutException;
import dev.llmclient.api.Message;
import dev.llmclient.api.RateLimitException;
import dev.llmclient.api.StreamEvent;
import dev.llmclient.api.Tool;
import dev.llmclient.api.Usage;
import dev.llmclient.api.spi.BackendInfo;
import dev.llmclient.api.spi.ChatBackend;
import dev.llmclient.api.spi.ChatChunk;
import dev.llmclient.api.spi.ChatCompletion;
import dev.llmclient.api.spi.ChatCompletionRequest;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.api.spi.Tracer;
import dev.llmclient.testkit.ScriptedChatBackend;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** {@code LlmClient.stream} on the call lifecycle, against a backend that records demand. */
class StreamTest {

  record Person(String name, int age) {}

  record Weather(String city, int days) {}

  /** Plays scripted streams one chunk per unit of demand, recording requests and cancels. */
  static final class DemandBackend implements ChatBackend {
    record Script(List<ChatChunk> chunks, @Nullable Throwable end, boolean hold) {}

    final Deque<Script> scripts = new ArrayDeque<>();
    final List<ChatCompletionRequest> requests = new CopyOnWriteArrayList<>();
    final List<Long> demand = new CopyOnWriteArrayList<>();
    volatile int cancels;
    volatile int delivered;

    /** When set, request(n) only records demand; {@link #pump} delivers, like a network. */
    boolean manual;

    Runnable pending = () -> {};

    void pump() {
      pending.run();
    }

    DemandBackend then(List<ChatChunk> chunks) {
      scripts.add(new Script(chunks, null, false));
      return this;
    }

    DemandBackend thenFail(List<ChatChunk> chunks, Throwable end) {
      scripts.add(new Script(chunks, end, false));
      return this;
    }

    DemandBackend thenHold(List<ChatChunk> chunks) {
      scripts.add(new Script(chunks, null, true));
      return this;
    }

    long requested() {
      return demand.stream().mapToLong(Long::longValue).sum();
    }

    @Override
    public BackendInfo info() {
      return ScriptedChatBackend.INFO;
    }

    @Override
    public CompletableFuture<ChatCompletion> complete(ChatCompletionRequest request) {
      throw new AssertionError("a stream must not call complete()");
    }

    @Override
    public Flow.Publisher<ChatChunk> stream(ChatCompletionRequest request) {
      requests.add(request);
      Script script = scripts.poll();
      if (script == null) {
        throw new AssertionError("no stream scripted for request #" + requests.size());
      }
      return subscriber ->
          subscriber.onSubscribe(
              new Flow.Subscription() {
                int next;
                boolean done;
                long wanted;

                @Override
                public void request(long n) {
                  demand.add(n);
                  if (manual) {
                    wanted = wanted + n < 0 ? Long.MAX_VALUE : wanted + n;
                    pending =
                        () -> {
                          while (wanted > 0 && !done && next < script.chunks().size()) {
                            wanted--;
                            delivered++;
                            subscriber.onNext(script.chunks().get(next++));
                          }
                          if (!done && next == script.chunks().size()) {
                            done = true;
                            subscriber.onComplete();
                          }
                        };
                    return;
                  }
                  long left = n;
                  while (left-- > 0 && !done && next < script.chunks().size()) {
                    delivered++;
                    subscriber.onNext(script.chunks().get(next++));
                  }
                  if (!done && next == script.chunks().size() && !script.hold()) {
                    done = true;
                    if (script.end() != null) {
                      subscriber.onError(script.end());
                    } else {
                      subscriber.onComplete();
                    }
                  }
                }

                @Override
                public void cancel() {
                  done = true;
                  cancels++;
                }
              });
    }

    @Override
    public void close() {}
  }

  static ChatChunk text(String t) {
    return ChatChunk.text(t);
  }

  static ChatChunk finish(String reason, Usage usage) {
    return new ChatChunk(
        null, null, List.of(), null, reason, usage, "gpt-test", "id-1", "req-1", null);
  }

  static List<ChatChunk> words(String... parts) {
    List<ChatChunk> chunks = new ArrayList<>();
    for (String p : parts) {
      chunks.add(text(p));
    }
    chunks.add(finish("stop", new Usage(7, parts.length, 0, 0)));
    return chunks;
  }

  final DemandBackend backend = new DemandBackend();
  final ManualScheduler scheduler = new ManualScheduler();
  final TokenUsageTracker tracker = new TokenUsageTracker();
  final RecordingTracer tracer = new RecordingTracer();

  LlmClient client() {
    return LlmClients.builder()
        .backend(backend)
        .settings(ProviderSettings.empty())
        .tracer(tracer)
        .tokenUsageTracker(tracker)
        .clock(scheduler.clock())
        .scheduler(scheduler)
        .random(() -> 0.0)
        .build();
  }

  static LlmRequest<String> textRequest() {
    return LlmRequest.builder()
        .addMessage(Message.user("Tell me a story"))
        .responseType(String.class)
        .promptName("story")
        .build();
  }

  static List<StreamEvent> drain(LlmStream<?> stream) {
    List<StreamEvent> events = new ArrayList<>();
    for (StreamEvent e : stream) {
      events.add(e);
    }
    return events;
  }

  @Test
  void aTextStreamYieldsDeltasThenFinishAndAssemblesTheAnswer() {
    backend.then(words("Once ", "upon ", "a time."));
    try (LlmClient llm = client();
        LlmStream<String> stream = llm.stream(textRequest())) {
      assertThat(backend.requests).as("nothing is sent before a consumer comes").isEmpty();
      List<StreamEvent> events = drain(stream);
      assertThat(events)
          .containsExactly(
              new StreamEvent.TextDelta("Once "),
              new StreamEvent.TextDelta("upon "),
              new StreamEvent.TextDelta("a time."),
              new StreamEvent.Finish("stop", new Usage(7, 3, 0, 0)));
      LlmResponse<String> r = stream.response().join();
      assertThat(r.value()).isEqualTo("Once upon a time.");
      assertThat(r.finishReason()).isEqualTo("stop");
      assertThat(r.usage()).isEqualTo(new Usage(7, 3, 0, 0));
      assertThat(r.model()).isEqualTo("gpt-test");
      assertThat(r.attempts()).isEqualTo(1);
    }
    assertThat(tracker.usage("story").outputTokens()).isEqualTo(3);
  }

  @Test
  void demandReachesTheBackendAndASlowSubscriberHoldsNothingBack() {
    backend.then(words("a", "b", "c", "d", "e", "f"));
    List<StreamEvent> got = new CopyOnWriteArrayList<>();
    Flow.Subscription[] sub = new Flow.Subscription[1];
    try (LlmClient llm = client();
        LlmStream<String> stream = llm.stream(textRequest())) {
      stream.subscribe(
          new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
              sub[0] = s;
            }

            @Override
            public void onNext(StreamEvent item) {
              got.add(item);
            }

            @Override
            public void onError(Throwable t) {}

            @Override
            public void onComplete() {}
          });
      assertThat(backend.delivered).as("no demand, no chunk read").isZero();
      sub[0].request(2);
      assertThat(got).hasSize(2);
      assertThat(backend.delivered).isEqualTo(2);
      assertThat(backend.requested()).isEqualTo(2);
      sub[0].request(1);
      assertThat(got).hasSize(3);
      assertThat(backend.delivered).isEqualTo(3);
      sub[0].request(Long.MAX_VALUE);
      assertThat(got).hasSize(7);
      assertThat(stream.response().join().value()).isEqualTo("abcdef");
    }
  }

  @Test
  void unboundedDemandIsPassedOnOnceNotToppedUpPerChunk() {
    backend.manual = true;
    backend.then(words("a", "b", "c", "d", "e", "f"));
    try (LlmClient llm = client();
        LlmStream<String> stream = llm.stream(textRequest())) {
      CompletableFuture<LlmResponse<String>> response = stream.response(); // unbounded demand
      assertThat(backend.demand).containsExactly(Long.MAX_VALUE);
      backend.pump();
      assertThat(response.join().value()).isEqualTo("abcdef");
      assertThat(backend.demand).as("no request(1) after each chunk").hasSize(1);
    }
  }

  @Test
  void aTypedStreamIsValidatedAtTheEndAndReaskedAfterARestart() {
    backend
        .then(words("{\"name\":\"Ada\",", "\"age\":\"old\"}"))
        .then(words("{\"name\":\"Ada\",", "\"age\":36}"));
    try (LlmClient llm = client();
        LlmStream<Person> stream =
            llm.stream(
                LlmRequest.builder()
                    .addMessage(Message.user("Ada"))
                    .responseType(Person.class)
                    .build())) {
      List<StreamEvent> events = drain(stream);
      assertThat(events).hasSize(6).as("one Finish, at the very end");
      assertThat(events.get(2)).isInstanceOf(StreamEvent.Restart.class);
      assertThat(events.get(5)).isInstanceOf(StreamEvent.Finish.class);
      StreamEvent.Restart restart = (StreamEvent.Restart) events.get(2);
      assertThat(restart.attempt()).isEqualTo(2);
      assertThat(restart.reason()).startsWith("SchemaValidation").contains("$.age");
      LlmResponse<Person> r = stream.response().join();
      assertThat(r.value()).isEqualTo(new Person("Ada", 36));
      assertThat(r.reasks()).isEqualTo(1);
      assertThat(r.attempts()).isEqualTo(2);
      assertThat(r.usage()).isEqualTo(new Usage(14, 4, 0, 0));
    }
    assertThat(backend.requests.get(1).messages().get(1).content()).contains("SchemaValidation");
  }

  @Test
  void aFailureBeforeTheFirstEventIsRetried() {
    backend
        .thenFail(
            List.of(),
            new RateLimitException("slow down", ErrorContext.NONE, Duration.ofSeconds(2), null))
        .then(words("hi"));
    try (LlmClient llm = client();
        LlmStream<String> stream = llm.stream(textRequest())) {
      CompletableFuture<LlmResponse<String>> response = stream.response();
      assertThat(response).isNotDone();
      scheduler.advance(Duration.ofSeconds(2));
      assertThat(response.join().value()).isEqualTo("hi");
      assertThat(response.join().attempts()).isEqualTo(2);
    }
  }

  @Test
  void aStreamBrokenAfterItsFirstEventFailsTypedAndIsNotRetried() {
    backend.thenFail(
        List.of(text("Once "), text("upon ")),
        new LlmConnectionException("The stream broke: reset, after 2 event(s)"));
    List<StreamEvent> events = new ArrayList<>();
    try (LlmClient llm = client();
        LlmStream<String> stream = llm.stream(textRequest())) {
      assertThatThrownBy(
              () -> {
                for (StreamEvent e : stream) {
                  events.add(e);
                }
              })
          .isInstanceOf(LlmConnectionException.class)
          .hasMessageContaining("after 2 event(s)");
      assertThat(events)
          .containsExactly(new StreamEvent.TextDelta("Once "), new StreamEvent.TextDelta("upon "));
      assertThat(stream.response()).isCompletedExceptionally();
    }
    assertThat(backend.requests).hasSize(1);
    assertNoTimerLeftBehind();
  }

  @Test
  void aStallAfterTheFirstEventIsATypedTimeout() {
    backend.thenFail(
        List.of(text("Once ")),
        new LlmConnectionException(
            "The stream broke: timeout",
            ErrorContext.NONE,
            new LlmTimeoutException("read timed out", ErrorContext.NONE, null)));
    try (LlmClient llm = client();
        LlmStream<String> stream = llm.stream(textRequest())) {
      assertThatThrownBy(() -> drain(stream))
          .isInstanceOf(LlmTimeoutException.class)
          .hasMessageContaining("1 event(s) and 5 characters of text")
          .hasMessageContaining("LLM_HTTP_RESPONSE_TIMEOUT");
    }
    assertThat(backend.requests).hasSize(1);
  }

  @Test
  void aContentFilterMidStreamIsAContentFilterException() {
    backend.thenFail(
        List.of(text("Once ")),
        new ContentFilterException(
            "filtered",
            ErrorContext.NONE,
            ContentFilterException.Side.COMPLETION,
            List.of(),
            null));
    try (LlmClient llm = client();
        LlmStream<String> stream = llm.stream(textRequest())) {
      assertThatThrownBy(() -> drain(stream)).isInstanceOf(ContentFilterException.class);
    }
  }

  @Test
  void closingTheStreamAbortsTheExchange() {
    backend.thenHold(List.of(text("Once "), text("upon ")));
    try (LlmClient llm = client()) {
      LlmStream<String> stream = llm.stream(textRequest());
      CompletableFuture<LlmResponse<String>> response = stream.response();
      assertThat(backend.delivered).isEqualTo(2);
      assertThat(response).isNotDone();
      stream.close();
      assertThat(backend.cancels).isEqualTo(1);
      assertThatThrownBy(response::join).hasCauseInstanceOf(CallCancelledException.class);
      assertNoTimerLeftBehind();
    }
  }

  @Test
  void cancellingTheSubscriptionAbortsTheExchange() {
    backend.thenHold(List.of(text("Once "), text("upon ")));
    try (LlmClient llm = client();
        LlmStream<String> stream = llm.stream(textRequest())) {
      stream.subscribe(
          new Flow.Subscriber<>() {
            Flow.Subscription s;

            @Override
            public void onSubscribe(Flow.Subscription s) {
              this.s = s;
              s.request(10);
            }

            @Override
            public void onNext(StreamEvent item) {
              s.cancel();
            }

            @Override
            public void onError(Throwable t) {}

            @Override
            public void onComplete() {}
          });
      assertThat(backend.cancels).isEqualTo(1);
      assertThat(stream.response()).isCompletedExceptionally();
    }
  }

  @Test
  void aSecondConsumerIsRefused() {
    backend.then(words("x"));
    try (LlmClient llm = client();
        LlmStream<String> stream = llm.stream(textRequest())) {
      stream.iterator();
      assertThatThrownBy(stream::iterator)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("one consumer");
    }
  }

  @Test
  void toolCallDeltasStreamAndAreAssembledIntoBoundCalls() {
    Tool weather = Tool.of("get_weather", "The forecast", Weather.class);
    backend.then(
        List.of(
            new ChatChunk(
                null,
                null,
                List.of(new StreamEvent.ToolCallDelta(0, "call_1", "get_weather", "{\"city\":")),
                null,
                null,
                null,
                null,
                null,
                null,
                null),
            new ChatChunk(
                null,
                null,
                List.of(new StreamEvent.ToolCallDelta(0, null, null, "\"Oslo\",\"days\":2}")),
                null,
                null,
                null,
                null,
                null,
                null,
                null),
            finish("tool_calls", new Usage(3, 4, 0, 0))));
    try (LlmClient llm = client();
        LlmStream<String> stream =
            llm.stream(textRequest().toBuilder().tools(List.of(weather)).build())) {
      List<StreamEvent> events = drain(stream);
      assertThat(events).hasSize(3);
      assertThat(events.get(0)).isInstanceOf(StreamEvent.ToolCallDelta.class);
      LlmResponse<String> r = stream.response().join();
      assertThat(r.toolCalls()).hasSize(1);
      assertThat(r.toolCalls().get(0).id()).isEqualTo("call_1");
      assertThat(r.toolCalls().get(0).arguments(Weather.class)).isEqualTo(new Weather("Oslo", 2));
    }
  }

  @Test
  void aCachedAnswerIsStreamedAsOneDeltaAndAFinishWithoutASecondRequest() {
    backend.then(words("cached ", "story"));
    try (LlmClient llm =
        LlmClients.builder()
            .backend(backend)
            .settings(ProviderSettings.empty())
            .tracer(Tracer.noop())
            .enableCache()
            .clock(scheduler.clock())
            .scheduler(scheduler)
            .build()) {
      try (LlmStream<String> first = llm.stream(textRequest())) {
        assertThat(first.response().join().cacheHit()).isFalse();
      }
      try (LlmStream<String> second = llm.stream(textRequest())) {
        assertThat(drain(second))
            .containsExactly(
                new StreamEvent.TextDelta("cached story"),
                new StreamEvent.Finish("stop", Usage.ZERO));
        LlmResponse<String> r = second.response().join();
        assertThat(r.cacheHit()).isTrue();
        assertThat(r.value()).isEqualTo("cached story");
      }
    }
    assertThat(backend.requests).hasSize(1);
  }

  @Test
  void theSpansSayTheCallStreamedAndTheTimeToFirstChunk() {
    backend.then(words("hi"));
    try (LlmClient llm = client();
        LlmStream<String> stream = llm.stream(textRequest())) {
      stream.response().join();
    }
    RecordingTracer.RecordedSpan call = tracer.only();
    assertThat(call.attributes).containsEntry("gen_ai.request.stream", true);
    RecordingTracer.RecordedSpan attempt = call.children.get(0);
    assertThat(attempt.name).isEqualTo("chat fake-model");
    assertThat(attempt.attributes).containsEntry("gen_ai.request.stream", true);
    assertThat((Double) attempt.attributes.get("gen_ai.response.time_to_first_chunk"))
        .isGreaterThanOrEqualTo(0.0);
    assertThat(attempt.events)
        .as("one per chunk after the first")
        .containsExactly("llmclient.stream.chunk");
    assertThat(
            (Double)
                attempt.eventAttributes.get(0).get("gen_ai.client.operation.time_per_output_chunk"))
        .isGreaterThanOrEqualTo(0.0);
  }

  /**
   * No timer of the call is left behind: at most the client's one deadline timer is pending, and
   * when it runs at the deadline it finds no call and is not set again (before the client kept one
   * timer, this was "nothing pending": each call's own timer, cancelled).
   */
  private void assertNoTimerLeftBehind() {
    assertThat(scheduler.pending())
        .as("at most the client's one deadline timer")
        .isLessThanOrEqualTo(1);
    scheduler.advance(Duration.ofMinutes(11)); // past the 10-minute default deadline
    assertThat(scheduler.pending()).as("the client's timer is not set again").isZero();
  }
}
