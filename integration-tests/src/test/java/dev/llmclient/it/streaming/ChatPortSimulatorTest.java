package dev.llmclient.it.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmclient.api.ContentFilterException;
import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmConnectionException;
import dev.llmclient.api.LlmRequest;
import dev.llmclient.api.LlmResponse;
import dev.llmclient.api.LlmStream;
import dev.llmclient.api.LlmTimeoutException;
import dev.llmclient.api.Message;
import dev.llmclient.api.StreamEvent;
import dev.llmclient.api.TokenLogprob;
import dev.llmclient.api.Tool;
import dev.llmclient.api.ToolCall;
import dev.llmclient.api.ToolChoice;
import dev.llmclient.core.ToolLoop;
import dev.llmclient.it.faults.TestClients;
import dev.llmclient.it.faults.TestClients.Api;
import dev.llmclient.it.faults.TestClients.City;
import dev.llmclient.it.secrets.Canary;
import dev.llmclient.openai.HttpTransportSettings;
import dev.llmclient.testkit.simulator.Fault;
import dev.llmclient.testkit.simulator.LlmSimulator;
import dev.llmclient.testkit.simulator.RecordedRequest;
import dev.llmclient.testkit.simulator.Route;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Text answers, tool calls and streams through the real provider jars and real HTTP against the
 * simulator, for OpenAI and Azure, with the streaming rows of the fault matrix: 429 before the
 * first event (retried), a reset after 5 events (typed, the partial text delivered), a stall past
 * the response timeout (typed timeout), and a content filter (ContentFilterException).
 */
class ChatPortSimulatorTest {

  private static final String STORY =
      "Once upon a time a small fox lived by the fjord and watched the boats come in.";

  record Weather(String city, int days) {}

  private LlmSimulator sim;

  @BeforeEach
  void start() {
    sim =
        LlmSimulator.builder()
            .apiKey(Canary.API_KEY)
            .completionFilterTrigger("forbidden topic")
            .script("story", STORY)
            .start();
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  private LlmClient client(Api api) {
    return client(api, Map.of());
  }

  private LlmClient client(Api api, Map<String, String> extra) {
    return TestClients.client(api, sim.baseUri(), TestClients.fastRetries(), extra);
  }

  private static LlmRequest<String> story() {
    return LlmRequest.builder()
        .addMessage(Message.user("Tell me a story"))
        .responseType(String.class)
        .build();
  }

  private static List<StreamEvent> events(LlmStream<?> stream) {
    List<StreamEvent> events = new ArrayList<>();
    for (StreamEvent e : stream) {
      events.add(e);
    }
    return events;
  }

  private static String text(List<StreamEvent> events) {
    StringBuilder s = new StringBuilder();
    for (StreamEvent e : events) {
      if (e instanceof StreamEvent.TextDelta d) {
        s.append(d.text());
      }
    }
    return s.toString();
  }

  // ---- text and tools, not streamed ----------------------------------------------------------

  @ParameterizedTest
  @EnumSource(Api.class)
  void aTextAnswerSendsNoResponseFormat(Api api) {
    try (LlmClient llm = client(api)) {
      String answer = llm.generate(List.of(Message.user("Tell me a story")), String.class);
      assertThat(answer).isEqualTo(STORY);
    }
    assertThat(sim.lastRequest().json().has("response_format")).isFalse();
  }

  @ParameterizedTest
  @EnumSource(Api.class)
  void toolCallsComeBackBoundToTheParameterType(Api api) {
    Tool weather = Tool.of("get_weather", "The forecast for a city", Weather.class);
    try (LlmClient llm = client(api)) {
      LlmResponse<String> r =
          llm.generate(
              story().toBuilder()
                  .tools(List.of(weather))
                  .toolChoice(ToolChoice.required())
                  .build());
      assertThat(r.finishReason()).isEqualTo("tool_calls");
      assertThat(r.toolCalls()).isNotEmpty();
      ToolCall call = r.toolCalls().get(0);
      assertThat(call.name()).isEqualTo("get_weather");
      assertThat(call.arguments(Weather.class)).isNotNull();
      assertThat(call.argumentsJson()).contains("\"city\"");
    }
  }

  @ParameterizedTest
  @EnumSource(Api.class)
  void aToolLoopRunsTheToolsAndReturnsTheFinalText(Api api) {
    List<String> cities = new ArrayList<>();
    try (LlmClient llm = client(api)) {
      ToolLoop loop =
          ToolLoop.builder(llm)
              .tool(
                  Tool.of("get_weather", "The forecast for a city", Weather.class),
                  Weather.class,
                  w -> {
                    cities.add(w.city());
                    return "sunny, " + w.days() + " days";
                  })
              .build();
      LlmResponse<String> answer = loop.run(story());
      assertThat(answer.value()).isEqualTo(STORY);
    }
    assertThat(cities).hasSize(1);
    List<RecordedRequest> requests = sim.requests(Route.CHAT_COMPLETIONS);
    assertThat(requests).hasSize(2);
    JsonNode messages = requests.get(1).json().path("messages");
    assertThat(messages.get(1).path("role").asText()).isEqualTo("assistant");
    assertThat(messages.get(1).path("tool_calls").size()).isEqualTo(1);
    assertThat(messages.get(2).path("role").asText()).isEqualTo("tool");
    assertThat(messages.get(2).path("content").asText()).startsWith("sunny");
  }

  // ---- streams -----------------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(Api.class)
  void aTextStreamDeliversTheAnswerInPiecesWithUsage(Api api) {
    try (LlmClient llm = client(api);
        LlmStream<String> stream = llm.stream(story())) {
      List<StreamEvent> events = events(stream);
      assertThat(text(events)).isEqualTo(STORY);
      assertThat(events.stream().filter(e -> e instanceof StreamEvent.TextDelta).count())
          .isGreaterThan(5);
      assertThat(events.get(events.size() - 1)).isInstanceOf(StreamEvent.Finish.class);
      LlmResponse<String> r = stream.response().join();
      assertThat(r.value()).isEqualTo(STORY);
      assertThat(r.finishReason()).isEqualTo("stop");
      assertThat(r.usage().outputTokens()).isPositive();
      assertThat(r.usage().inputTokens()).isPositive();
    }
    assertThat(sim.lastRequest().json().path("stream").asBoolean()).isTrue();
    assertThat(sim.lastRequest().json().at("/stream_options/include_usage").asBoolean()).isTrue();
  }

  @ParameterizedTest
  @EnumSource(Api.class)
  void aStreamAskedForLogprobsCarriesThemOnItsDeltasAndInTheResponseLikeGenerate(Api api) {
    LlmRequest<String> request = story().toBuilder().logprobs(true).topLogprobs(2).build();
    try (LlmClient llm = client(api)) {
      List<TokenLogprob> plain = llm.generate(request).logprobs();
      try (LlmStream<String> stream = llm.stream(request)) {
        List<StreamEvent> events = events(stream);
        List<TokenLogprob> onDeltas = new ArrayList<>();
        for (StreamEvent e : events) {
          if (e instanceof StreamEvent.TextDelta d) {
            onDeltas.addAll(d.logprobs());
          }
        }
        LlmResponse<String> r = stream.response().join();
        assertThat(r.value()).isEqualTo(STORY);
        assertThat(plain).isNotEmpty();
        assertThat(r.logprobs()).as("the streamed answer's logprobs").isEqualTo(plain);
        assertThat(onDeltas).isEqualTo(plain);
        assertThat(r.logprobs().get(0).topAlternatives()).hasSize(2);
        StringBuilder tokens = new StringBuilder();
        r.logprobs().forEach(t -> tokens.append(t.token()));
        assertThat(tokens.toString()).isEqualTo(STORY);
        java.io.ByteArrayOutputStream utf8 = new java.io.ByteArrayOutputStream();
        r.logprobs().forEach(t -> t.bytes().forEach(utf8::write));
        assertThat(utf8.toString(java.nio.charset.StandardCharsets.UTF_8))
            .as("each token's bytes, joined")
            .isEqualTo(STORY);
        assertThat(r.logprobs().get(0).topAlternatives().get(1).bytes())
            .isEqualTo(
                r.logprobs().get(0).topAlternatives().get(1).token().chars().boxed().toList());
      }
    }
    assertThat(sim.lastRequest().json().path("stream").asBoolean()).isTrue();
    assertThat(sim.lastRequest().json().path("logprobs").asBoolean()).isTrue();
  }

  @ParameterizedTest
  @EnumSource(Api.class)
  void aTypedStreamIsValidatedAndMapped(Api api) {
    try (LlmClient llm = client(api);
        LlmStream<City> stream =
            llm.stream(
                LlmRequest.builder()
                    .addMessage(Message.user("Describe a city"))
                    .responseType(City.class)
                    .build())) {
      City city = stream.response().join().value();
      assertThat(city.name()).isNotNull();
    }
  }

  @ParameterizedTest
  @EnumSource(Api.class)
  void anInvalidTypedStreamIsReaskedAfterARestartEvent(Api api) {
    sim.addFault(Fault.of(Fault.Kind.INVALID_AGAINST_SCHEMA).times(1));
    try (LlmClient llm = client(api);
        LlmStream<City> stream =
            llm.stream(
                LlmRequest.builder()
                    .addMessage(Message.user("Describe a city"))
                    .responseType(City.class)
                    .build())) {
      List<StreamEvent> events = events(stream);
      assertThat(events.stream().filter(e -> e instanceof StreamEvent.Restart).toList())
          .singleElement()
          .satisfies(
              e -> assertThat(((StreamEvent.Restart) e).reason()).startsWith("SchemaValidation"));
      LlmResponse<City> r = stream.response().join();
      assertThat(r.reasks()).isEqualTo(1);
      assertThat(r.value().name()).isNotNull();
    }
    assertThat(sim.requests(Route.CHAT_COMPLETIONS)).hasSize(2);
  }

  @ParameterizedTest
  @EnumSource(Api.class)
  void azureStreamsStartWithThePromptFilterVerdict(Api api) {
    try (LlmClient llm = client(api);
        LlmStream<String> stream = llm.stream(story())) {
      List<StreamEvent> events = events(stream);
      if (api == Api.AZURE) {
        assertThat(events.get(0))
            .isInstanceOfSatisfying(
                StreamEvent.ContentFilterResults.class,
                f -> {
                  assertThat(f.side()).isEqualTo(ContentFilterException.Side.PROMPT);
                  assertThat(f.filtered()).isFalse();
                });
      } else {
        assertThat(events).noneMatch(e -> e instanceof StreamEvent.ContentFilterResults);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Api.class)
  void aStreamCarriesToolCallDeltas(Api api) {
    Tool weather = Tool.of("get_weather", "The forecast for a city", Weather.class);
    try (LlmClient llm = client(api);
        LlmStream<String> stream =
            llm.stream(
                story().toBuilder()
                    .tools(List.of(weather))
                    .toolChoice(ToolChoice.named("get_weather"))
                    .build())) {
      List<StreamEvent> events = events(stream);
      assertThat(events).anyMatch(e -> e instanceof StreamEvent.ToolCallDelta);
      LlmResponse<String> r = stream.response().join();
      assertThat(r.toolCalls()).hasSize(1);
      assertThat(r.toolCalls().get(0).arguments(Weather.class)).isNotNull();
    }
  }

  @ParameterizedTest
  @EnumSource(Api.class)
  void a429BeforeTheFirstEventIsRetried(Api api) {
    sim.addFault(Fault.rateLimited(Duration.ofSeconds(1)).times(1));
    try (LlmClient llm = client(api);
        LlmStream<String> stream = llm.stream(story())) {
      assertThat(text(events(stream))).isEqualTo(STORY);
      assertThat(stream.response().join().attempts()).isEqualTo(2);
    }
    assertThat(sim.requests(Route.CHAT_COMPLETIONS)).hasSize(2);
  }

  @ParameterizedTest
  @EnumSource(Api.class)
  void aResetAfterFiveEventsFailsTypedWithThePartialTextDelivered(Api api) {
    sim.addFault(Fault.resetAfterEvents(5));
    List<StreamEvent> received = new ArrayList<>();
    try (LlmClient llm = client(api);
        LlmStream<String> stream = llm.stream(story())) {
      assertThatThrownBy(
              () -> {
                for (StreamEvent e : stream) {
                  received.add(e);
                }
              })
          .isInstanceOf(LlmConnectionException.class)
          .hasMessageContaining("incomplete");
      assertThat(stream.response()).isCompletedExceptionally();
    }
    assertThat(STORY).startsWith(text(received));
    assertThat(text(received)).isNotEmpty();
    assertThat(sim.requests(Route.CHAT_COMPLETIONS)).as("never retried after events").hasSize(1);
  }

  @ParameterizedTest
  @EnumSource(Api.class)
  void aStallPastTheResponseTimeoutIsATypedTimeout(Api api) {
    sim.addFault(Fault.stallAfterEvents(4, Duration.ofSeconds(10)));
    long start = System.nanoTime();
    try (LlmClient llm = client(api, Map.of(HttpTransportSettings.RESPONSE_TIMEOUT, "1s"));
        LlmStream<String> stream = llm.stream(story())) {
      assertThatThrownBy(() -> events(stream))
          .isInstanceOf(LlmTimeoutException.class)
          .hasMessageContaining("stalled");
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
    assertThat(sim.requests(Route.CHAT_COMPLETIONS)).hasSize(1);
  }

  @ParameterizedTest
  @EnumSource(Api.class)
  void aContentFilterInTheStreamIsAContentFilterException(Api api) {
    try (LlmClient llm = client(api);
        LlmStream<String> stream =
            llm.stream(
                LlmRequest.builder()
                    .addMessage(Message.user("Tell me about the forbidden topic"))
                    .responseType(String.class)
                    .build())) {
      assertThatThrownBy(() -> events(stream)).isInstanceOf(ContentFilterException.class);
      assertThat(sim.requests(Route.CHAT_COMPLETIONS)).hasSize(1);
    }
  }

  @ParameterizedTest
  @EnumSource(Api.class)
  void closingAStreamAbortsItsExchange(Api api) throws Exception {
    sim.addFault(Fault.stallAfterEvents(3, Duration.ofSeconds(30)));
    try (LlmClient llm = client(api)) {
      LlmStream<String> stream = llm.stream(story());
      CompletableFuture<LlmResponse<String>> response = stream.response();
      Thread.sleep(200);
      stream.close();
      assertThatThrownBy(() -> response.get(5, TimeUnit.SECONDS))
          .hasCauseInstanceOf(dev.llmclient.api.CallCancelledException.class);
    }
  }
}
