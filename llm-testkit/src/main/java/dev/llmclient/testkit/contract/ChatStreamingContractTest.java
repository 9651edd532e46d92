package dev.llmclient.testkit.contract;

import static dev.llmclient.testkit.contract.ContractSupport.await;
import static dev.llmclient.testkit.contract.ContractSupport.failure;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmclient.api.ContentFilterException;
import dev.llmclient.api.ContentPart;
import dev.llmclient.api.LlmConnectionException;
import dev.llmclient.api.LlmException;
import dev.llmclient.api.Message;
import dev.llmclient.api.RateLimitException;
import dev.llmclient.api.StreamEvent;
import dev.llmclient.api.ToolCall;
import dev.llmclient.api.ToolChoice;
import dev.llmclient.api.spi.ChatBackend;
import dev.llmclient.api.spi.ChatChunk;
import dev.llmclient.api.spi.ChatCompletion;
import dev.llmclient.api.spi.ChatCompletionRequest;
import dev.llmclient.api.spi.ResponseFormat;
import dev.llmclient.api.spi.ToolDefinition;
import dev.llmclient.testkit.simulator.Deployment;
import dev.llmclient.testkit.simulator.Fault;
import dev.llmclient.testkit.simulator.LlmSimulator;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The wider chat contract every {@link ChatBackend} must meet, on the wire against an {@link
 * LlmSimulator}: text answers without a response format, tool calls and tool conversations, image
 * parts, and streaming ({@link ChatBackend#stream}) with usage, tool-call deltas, content filters
 * and typed failures before and after the first event.
 *
 * <p>Extend it like {@link ChatBackendContractTest}: implement {@link #createBackend}, and override
 * {@link #sendsAzureFilterChunks()} for a backend on Azure's routes.
 */
public abstract class ChatStreamingContractTest {

  private static final Duration CALL = Duration.ofSeconds(10);
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String WEATHER_SCHEMA =
      "{\"type\":\"object\",\"additionalProperties\":false,\"required\":[\"city\",\"days\"],"
          + "\"properties\":{\"city\":{\"type\":\"string\"},\"days\":{\"type\":\"integer\"}}}";
  private static final String TIME_SCHEMA =
      "{\"type\":\"object\",\"additionalProperties\":false,\"required\":[\"zone\"],"
          + "\"properties\":{\"zone\":{\"type\":\"string\"}}}";
  private static final ToolDefinition WEATHER =
      new ToolDefinition("get_weather", "The forecast for a city", WEATHER_SCHEMA, true);
  private static final ToolDefinition TIME =
      new ToolDefinition("get_time", "The time in a zone", TIME_SCHEMA, true);

  private @Nullable LlmSimulator simulator;
  private @Nullable ChatBackend backend;

  /** Creates the test; subclasses need no constructor. */
  protected ChatStreamingContractTest() {}

  /**
   * Creates the backend under test, pointed at the simulator, as for {@link
   * ChatBackendContractTest#createBackend}.
   *
   * @param simulator the running simulator
   * @param settings the key, model and timeout to use
   * @return a new backend; the kit closes it
   */
  protected abstract ChatBackend createBackend(LlmSimulator simulator, ContractSettings settings);

  /**
   * Whether the backend talks to Azure's routes, where a stream starts with {@code
   * prompt_filter_results} and chunks carry {@code content_filter_results}.
   *
   * @return false unless overridden
   */
  protected boolean sendsAzureFilterChunks() {
    return false;
  }

  private LlmSimulator simulator() {
    return java.util.Objects.requireNonNull(simulator, "no simulator outside a test");
  }

  private ChatBackend backend() {
    return java.util.Objects.requireNonNull(backend, "no backend outside a test");
  }

  @BeforeEach
  final void startSimulatorAndBackend() {
    simulator =
        LlmSimulator.builder()
            .apiKey(ChatBackendContractTest.API_KEY)
            .deployment(
                Deployment.of(ChatBackendContractTest.MODEL)
                    .withContextWindow(ChatBackendContractTest.CONTEXT_WINDOW))
            .seed(11)
            .start();
    backend =
        createBackend(
            simulator,
            new ContractSettings(
                ChatBackendContractTest.API_KEY,
                ChatBackendContractTest.MODEL,
                ChatBackendContractTest.RESPONSE_TIMEOUT));
  }

  @AfterEach
  final void closeBackendAndSimulator() {
    try {
      if (backend != null) {
        backend.close();
      }
    } finally {
      backend = null;
      if (simulator != null) {
        simulator.close();
      }
      simulator = null;
    }
  }

  private static ChatCompletionRequest.Builder ask(String text) {
    return ChatCompletionRequest.builder(ChatBackendContractTest.MODEL, List.of(Message.user(text)))
        .maxOutputTokens(200)
        .responseFormat(ResponseFormat.text());
  }

  private ChatCompletion complete(ChatCompletionRequest request) {
    return await(backend().complete(request), CALL);
  }

  private JsonNode sent() throws IOException {
    return simulator().lastRequest().json();
  }

  /** Everything a stream delivered, and how it ended. */
  private static final class Collected implements Flow.Subscriber<ChatChunk> {
    final List<ChatChunk> chunks = new CopyOnWriteArrayList<>();
    final CompletableFuture<List<ChatChunk>> end = new CompletableFuture<>();

    @Override
    public void onSubscribe(Flow.Subscription s) {
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(ChatChunk item) {
      chunks.add(item);
    }

    @Override
    public void onError(Throwable t) {
      end.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      end.complete(chunks);
    }

    String text() {
      StringBuilder s = new StringBuilder();
      for (ChatChunk c : chunks) {
        if (c.text() != null) {
          s.append(c.text());
        }
      }
      return s.toString();
    }
  }

  private Collected stream(ChatCompletionRequest request) {
    Collected c = new Collected();
    backend().stream(request).subscribe(c);
    return c;
  }

  private static void assertValidArguments(String json, String schema) throws IOException {
    JsonNode args = MAPPER.readTree(json);
    JsonNode s = MAPPER.readTree(schema);
    assertThat(args.isObject()).as("arguments %s", json).isTrue();
    List<String> names = new ArrayList<>();
    args.fieldNames().forEachRemaining(names::add);
    List<String> required = new ArrayList<>();
    s.get("required").forEach(r -> required.add(r.asText()));
    assertThat(names).containsExactlyInAnyOrderElementsOf(required);
  }

  // ---- text ------------------------------------------------------------------------------

  @Test
  void aTextAnswerSendsNoResponseFormatAndComesBackAsText() throws IOException {
    ChatCompletion c = complete(ask("Say something.").build());

    assertThat(sent().has("response_format")).isFalse();
    assertThat(c.content()).isNotBlank();
    assertThat(c.content()).doesNotStartWith("{");
    assertThat(c.finishReason()).isEqualTo("stop");
    assertThat(c.toolCalls()).isEmpty();
  }

  @Test
  void everySetSamplingSettingIsOnTheWire() throws IOException {
    complete(
        ask("Say something.")
            .seed(7L)
            .topP(0.5)
            .stop(List.of("END"))
            .presencePenalty(0.1)
            .frequencyPenalty(0.2)
            .logprobs(true, 2)
            .build());

    JsonNode body = sent();
    assertThat(body.get("seed").asLong()).isEqualTo(7L);
    assertThat(body.get("top_p").asDouble()).isEqualTo(0.5);
    assertThat(body.get("stop").get(0).asText()).isEqualTo("END");
    assertThat(body.get("presence_penalty").asDouble()).isEqualTo(0.1);
    assertThat(body.get("frequency_penalty").asDouble()).isEqualTo(0.2);
    assertThat(body.get("logprobs").asBoolean()).isTrue();
    assertThat(body.get("top_logprobs").asInt()).isEqualTo(2);
  }

  @Test
  void logprobsComeBackWhenAskedFor() {
    ChatCompletion c = complete(ask("Say something.").logprobs(true, 2).build());

    assertThat(c.logprobs()).isNotEmpty();
    assertThat(c.logprobs().get(0).topAlternatives()).hasSize(2);
    StringBuilder tokens = new StringBuilder();
    c.logprobs().forEach(t -> tokens.append(t.token()));
    assertThat(tokens.toString()).isEqualTo(c.content());
    assertBytesSpell(c.logprobs(), c.content());
  }

  // ---- tools -----------------------------------------------------------------------------

  @Test
  void aRequiredToolCallComesBackWithArgumentsValidForItsSchema() throws IOException {
    ChatCompletion c =
        complete(
            ask("Weather in Oslo?").tools(List.of(WEATHER), ToolChoice.required(), false).build());

    assertThat(c.finishReason()).isEqualTo("tool_calls");
    assertThat(c.toolCalls()).hasSize(1);
    ToolCall call = c.toolCalls().get(0);
    assertThat(call.id()).isNotBlank();
    assertThat(call.name()).isEqualTo("get_weather");
    assertValidArguments(call.argumentsJson(), WEATHER_SCHEMA);
    JsonNode body = sent();
    assertThat(body.at("/tools/0/function/name").asText()).isEqualTo("get_weather");
    assertThat(body.get("tool_choice").asText()).isEqualTo("required");
    assertThat(body.get("parallel_tool_calls").asBoolean()).isFalse();
  }

  @Test
  void parallelCallsAndANamedToolAreHonoured() throws IOException {
    ChatCompletion parallel =
        complete(ask("Weather and time?").tools(List.of(WEATHER, TIME), null, null).build());
    assertThat(parallel.toolCalls())
        .extracting(ToolCall::name)
        .containsExactly("get_weather", "get_time");
    assertValidArguments(parallel.toolCalls().get(1).argumentsJson(), TIME_SCHEMA);

    ChatCompletion named =
        complete(
            ask("Time?").tools(List.of(WEATHER, TIME), ToolChoice.named("get_time"), null).build());
    assertThat(named.toolCalls()).extracting(ToolCall::name).containsExactly("get_time");
    assertThat(sent().at("/tool_choice/function/name").asText()).isEqualTo("get_time");

    ChatCompletion none =
        complete(ask("Time?").tools(List.of(WEATHER, TIME), ToolChoice.none(), null).build());
    assertThat(none.toolCalls()).isEmpty();
    assertThat(none.content()).isNotBlank();
  }

  @Test
  void aToolConversationContinuesWithTheResultsAndEndsWithAnAnswer() throws IOException {
    ChatCompletion first =
        complete(ask("Weather in Oslo?").tools(List.of(WEATHER), null, null).build());
    ToolCall call = first.toolCalls().get(0);

    ChatCompletion answer =
        complete(
            ChatCompletionRequest.builder(
                    ChatBackendContractTest.MODEL,
                    List.of(
                        Message.user("Weather in Oslo?"),
                        Message.assistant(first.toolCalls()),
                        Message.tool(call.id(), "{\"forecast\":\"sunny\"}")))
                .responseFormat(ResponseFormat.text())
                .tools(List.of(WEATHER), null, null)
                .build());

    assertThat(answer.toolCalls()).isEmpty();
    assertThat(answer.content()).isNotBlank();
    JsonNode messages = sent().get("messages");
    assertThat(messages.at("/1/tool_calls/0/id").asText()).isEqualTo(call.id());
    assertThat(messages.at("/1/tool_calls/0/function/arguments").asText())
        .isEqualTo(call.argumentsJson());
    assertThat(messages.at("/2/role").asText()).isEqualTo("tool");
    assertThat(messages.at("/2/tool_call_id").asText()).isEqualTo(call.id());
  }

  // ---- images ----------------------------------------------------------------------------

  @Test
  void imagePartsGoOutAsUrlsAndDataUrlsAndAreCounted() throws IOException {
    byte[] png = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10};
    ChatCompletion withImages =
        complete(
            ChatCompletionRequest.builder(
                    ChatBackendContractTest.MODEL,
                    List.of(
                        Message.user(
                            ContentPart.text("What is on these?"),
                            ContentPart.imageUrl(
                                URI.create("https://example.com/cat.png"),
                                ContentPart.ImageDetail.LOW),
                            ContentPart.image(png, "image/png"))))
                .responseFormat(ResponseFormat.text())
                .build());
    JsonNode parts = sent().at("/messages/0/content");
    ChatCompletion withoutImages = complete(ask("What is on these?").build());

    assertThat(parts.get(0).get("type").asText()).isEqualTo("text");
    assertThat(parts.get(1).at("/image_url/url").asText()).isEqualTo("https://example.com/cat.png");
    assertThat(parts.get(1).at("/image_url/detail").asText()).isEqualTo("low");
    assertThat(parts.get(2).at("/image_url/url").asText())
        .isEqualTo("data:image/png;base64," + Base64.getEncoder().encodeToString(png));
    assertThat(withImages.usage().inputTokens() - withoutImages.usage().inputTokens())
        .as("two images, one at low detail")
        .isEqualTo(85 + 765);
  }

  // ---- streaming -------------------------------------------------------------------------

  @Test
  void aStreamDeliversTextThenFinishThenUsageAndAsksForTheUsage() throws IOException {
    Collected c = stream(ask("Tell me something.").build());
    List<ChatChunk> chunks = await(c.end, CALL);

    JsonNode body = sent();
    assertThat(body.get("stream").asBoolean()).isTrue();
    assertThat(body.at("/stream_options/include_usage").asBoolean()).isTrue();
    assertThat(c.text()).isNotBlank();
    assertThat(chunks).anySatisfy(k -> assertThat(k.finishReason()).isEqualTo("stop"));
    ChatChunk last = chunks.get(chunks.size() - 1);
    assertThat(last.usage()).isNotNull();
    assertThat(last.usage().outputTokens()).isPositive();
    assertThat(chunks).allSatisfy(k -> assertThat(k.requestId()).isNotNull());
    ChatCompletion plain = complete(ask("Tell me something.").build());
    assertThat(c.text()).as("the same seeded answer, streamed").isEqualTo(plain.content());
  }

  @Test
  void aStreamAskedForLogprobsCarriesEachTokensLogprobOnItsChunk() {
    ChatCompletionRequest request = ask("Tell me something.").logprobs(true, 2).build();
    Collected c = stream(request);
    List<ChatChunk> chunks = await(c.end, CALL);

    List<dev.llmclient.api.TokenLogprob> streamed = new ArrayList<>();
    chunks.forEach(k -> streamed.addAll(k.logprobs()));
    ChatCompletion plain = complete(request);
    assertThat(streamed).isNotEmpty();
    assertThat(streamed)
        .as("the same seeded answer's logprobs, streamed")
        .isEqualTo(plain.logprobs());
    assertThat(streamed.get(0).topAlternatives()).hasSize(2);
    StringBuilder tokens = new StringBuilder();
    streamed.forEach(t -> tokens.append(t.token()));
    assertThat(tokens.toString()).isEqualTo(c.text());
    assertBytesSpell(streamed, c.text());
  }

  /** Every token's and alternative's {@code bytes} are its UTF-8; joined, they are the answer. */
  private static void assertBytesSpell(List<dev.llmclient.api.TokenLogprob> tokens, String text) {
    java.io.ByteArrayOutputStream joined = new java.io.ByteArrayOutputStream();
    for (dev.llmclient.api.TokenLogprob t : tokens) {
      assertThat(t.bytes()).as("the bytes of " + t.token()).isEqualTo(utf8(t.token()));
      t.bytes().forEach(joined::write);
      for (dev.llmclient.api.TokenLogprob alternative : t.topAlternatives()) {
        assertThat(alternative.bytes())
            .as("the bytes of the alternative " + alternative.token())
            .isEqualTo(utf8(alternative.token()));
      }
    }
    assertThat(joined.toString(java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(text);
  }

  private static List<Integer> utf8(String token) {
    List<Integer> bytes = new ArrayList<>();
    for (byte b : token.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
      bytes.add(b & 0xff);
    }
    return bytes;
  }

  @Test
  void aStreamedToolCallAssemblesFromItsDeltas() throws IOException {
    Collected c =
        stream(
            ask("Weather in Oslo?")
                .tools(List.of(WEATHER), ToolChoice.named("get_weather"), null)
                .build());
    List<ChatChunk> chunks = await(c.end, CALL);

    Map<Integer, StringBuilder> arguments = new TreeMap<>();
    Map<Integer, String> names = new TreeMap<>();
    for (ChatChunk chunk : chunks) {
      for (StreamEvent.ToolCallDelta d : chunk.toolCalls()) {
        arguments.computeIfAbsent(d.index(), i -> new StringBuilder()).append(d.argumentsDelta());
        if (d.name() != null) {
          names.put(d.index(), d.name());
        }
      }
    }
    assertThat(names).containsExactly(Map.entry(0, "get_weather"));
    assertValidArguments(arguments.get(0).toString(), WEATHER_SCHEMA);
    assertThat(chunks).anySatisfy(k -> assertThat(k.finishReason()).isEqualTo("tool_calls"));
  }

  @Test
  void azureFilterChunksAreEventsOnAzureOnly() {
    List<ChatChunk> chunks = await(stream(ask("Tell me something.").build()).end, CALL);

    StreamEvent.ContentFilterResults first = chunks.get(0).contentFilter();
    if (sendsAzureFilterChunks()) {
      assertThat(first).isNotNull();
      assertThat(first.side()).isEqualTo(ContentFilterException.Side.PROMPT);
      assertThat(first.filtered()).isFalse();
    } else {
      assertThat(chunks).allSatisfy(k -> assertThat(k.contentFilter()).isNull());
    }
  }

  @Test
  void aContentFilterInTheStreamFailsWithContentFilterException() {
    String trigger = simulator().completionFilterTrigger();
    assertThat(trigger).as("the simulator's completion filter trigger").isNotNull();

    LlmException e = failure(stream(ask("Tell me " + trigger).build()).end, CALL);

    assertThat(e).isInstanceOf(ContentFilterException.class);
    assertThat(((ContentFilterException) e).side())
        .isEqualTo(ContentFilterException.Side.COMPLETION);
  }

  @Test
  void aRateLimitBeforeTheFirstEventIsARateLimitException() {
    simulator().addFault(Fault.rateLimited(Duration.ofSeconds(3)).times(1));

    Collected c = stream(ask("Tell me something.").build());
    LlmException e = failure(c.end, CALL);

    assertThat(e).isInstanceOf(RateLimitException.class);
    assertThat(((RateLimitException) e).retryAfter()).isEqualTo(Duration.ofSeconds(3));
    assertThat(c.chunks).isEmpty();
  }

  @Test
  void aStreamResetAfterFiveEventsFailsTypedAfterThem() {
    simulator().addFault(Fault.resetAfterEvents(5).times(1));

    Collected c = stream(ask("Tell me a long story, please, in many words.").build());
    LlmException e = failure(c.end, CALL);

    assertThat(e).isInstanceOf(LlmConnectionException.class);
    assertThat(e.isRetryable()).isTrue();
    assertThat(c.chunks.size()).isBetween(1, 5);
    assertThat(e.getMessage()).contains("after " + c.chunks.size() + " event(s)");
  }

  @Test
  void aStreamThatStallsPastTheResponseTimeoutFailsTyped() {
    simulator().addFault(Fault.stallAfterEvents(2, Duration.ofSeconds(30)).times(1));

    Collected c = stream(ask("Tell me a long story, please, in many words.").build());
    LlmException e = failure(c.end, CALL);

    assertThat(e).isInstanceOf(LlmConnectionException.class);
    assertThat(c.chunks.size()).isBetween(1, 2);
  }
}
