package dev.llmclient.testkit.contract;

import static dev.llmclient.testkit.contract.ContractSupport.await;
import static dev.llmclient.testkit.contract.ContractSupport.eventually;
import static dev.llmclient.testkit.contract.ContractSupport.failure;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmclient.api.AuthenticationException;
import dev.llmclient.api.ContentFilterException;
import dev.llmclient.api.ContextLengthExceededException;
import dev.llmclient.api.InvalidRequestException;
import dev.llmclient.api.InvalidResponseException;
import dev.llmclient.api.LlmConnectionException;
import dev.llmclient.api.LlmException;
import dev.llmclient.api.LlmTimeoutException;
import dev.llmclient.api.Message;
import dev.llmclient.api.NotFoundException;
import dev.llmclient.api.RateLimitException;
import dev.llmclient.api.ServerException;
import dev.llmclient.api.spi.ChatBackend;
import dev.llmclient.api.spi.ChatCompletion;
import dev.llmclient.api.spi.ChatCompletionRequest;
import dev.llmclient.api.spi.ResponseFormat;
import dev.llmclient.testkit.simulator.Deployment;
import dev.llmclient.testkit.simulator.Fault;
import dev.llmclient.testkit.simulator.LatencyModel;
import dev.llmclient.testkit.simulator.LlmSimulator;
import dev.llmclient.testkit.simulator.RecordedRequest;
import dev.llmclient.testkit.simulator.Route;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link ChatBackend} must meet, checked on the wire against an {@link
 * LlmSimulator}: the request fields it sends, the completion it returns, the exception type and
 * fields of each failure, timeouts, 256 overlapping calls, and {@code close()} releasing
 * connections and threads.
 *
 * <p>To run it for a provider, extend it in the provider's tests and implement {@link
 * #createBackend}: build the backend exactly as users get it, pointed at the simulator ({@link
 * LlmSimulator#openAiBaseUri()} for OpenAI wire protocol, {@link LlmSimulator#azureEndpoint()} for
 * Azure), authenticating with {@link ContractSettings#apiKey()}, calling {@link
 * ContractSettings#model()} and with {@link ContractSettings#responseTimeout()} as its response
 * timeout. Override {@link #configureSimulator} to change the simulator (for example its API
 * versions); every test starts a fresh simulator and backend.
 *
 * <pre>{@code
 * class AzureChatBackendContractTest extends ChatBackendContractTest {
 *   @Override
 *   protected ChatBackend createBackend(LlmSimulator sim, ContractSettings s) {
 *     return new AzureOpenAiProvider().createChatBackend(ProviderSettings.of(Map.of(
 *         "AZURE_OPENAI_ENDPOINT", sim.azureEndpoint().toString(),
 *         "AZURE_OPENAI_API_KEY", s.apiKey(),
 *         "AZURE_OPENAI_DEPLOYMENT_NAME", s.model(),
 *         "LLM_HTTP_RESPONSE_TIMEOUT", s.responseTimeout().toMillis() + "ms")));
 *   }
 * }
 * }</pre>
 *
 * <p>A backend passes when it: sends the model (or deployment in the path), the messages, {@code
 * temperature}, the output cap as {@code max_completion_tokens} or {@code max_tokens}, {@code
 * response_format}, {@code user} and the per-request headers; authenticates with the key; maps 401
 * to {@link AuthenticationException}, 404 to {@link NotFoundException}, 400 to {@link
 * InvalidRequestException} with {@code param} and {@code code}, {@code context_length_exceeded} to
 * {@link ContextLengthExceededException}, both content-filter forms to {@link
 * ContentFilterException} with side and categories, 429 to {@link RateLimitException} with {@code
 * retryAfter}, 5xx to {@link ServerException}, 408 and slow headers to {@link LlmTimeoutException},
 * resets to {@link LlmConnectionException}, and undecodable 200 bodies to {@link
 * InvalidResponseException}; every failure carries the provider, the status and the request id.
 */
public abstract class ChatBackendContractTest {

  /** The key the simulator accepts. */
  public static final String API_KEY = "contract-test-key";

  /** The model (deployment) the simulator serves. */
  public static final String MODEL = "contract-model";

  /** The response timeout the backend is asked to use. */
  public static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(2);

  /** The context window of {@link #MODEL}, in tokens. */
  public static final int CONTEXT_WINDOW = 4000;

  private static final Duration CALL = Duration.ofSeconds(10);
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String SCHEMA =
      "{\"type\":\"object\",\"additionalProperties\":false,\"required\":[\"name\",\"age\"],"
          + "\"properties\":{\"name\":{\"type\":\"string\"},\"age\":{\"type\":[\"integer\",\"null\"]}}}";

  private @Nullable LlmSimulator simulator;
  private @Nullable ChatBackend backend;

  /** Creates the test; subclasses need no constructor. */
  protected ChatBackendContractTest() {}

  /**
   * Creates the backend under test, pointed at the simulator.
   *
   * @param simulator the running simulator
   * @param settings the key, model and timeout to use
   * @return a new backend; the kit closes it
   */
  protected abstract ChatBackend createBackend(LlmSimulator simulator, ContractSettings settings);

  /**
   * Changes the simulator before it starts; the default changes nothing.
   *
   * @param builder the builder, already given the key, the model and a seed
   */
  protected void configureSimulator(LlmSimulator.Builder builder) {}

  /**
   * The simulator of the current test.
   *
   * @return the simulator
   */
  protected final LlmSimulator simulator() {
    LlmSimulator s = simulator;
    if (s == null) {
      throw new IllegalStateException("no simulator outside a test");
    }
    return s;
  }

  /**
   * The backend of the current test.
   *
   * @return the backend
   */
  protected final ChatBackend backend() {
    ChatBackend b = backend;
    if (b == null) {
      throw new IllegalStateException("no backend outside a test");
    }
    return b;
  }

  /**
   * The settings the backend is created with.
   *
   * @return the settings
   */
  protected ContractSettings settings() {
    return new ContractSettings(API_KEY, MODEL, RESPONSE_TIMEOUT);
  }

  /**
   * Starts a simulator configured like the kit's, plus {@code extra}.
   *
   * @param extra more configuration
   * @return the running simulator; close it
   */
  protected final LlmSimulator newSimulator(Consumer<LlmSimulator.Builder> extra) {
    LlmSimulator.Builder b =
        LlmSimulator.builder()
            .apiKey(API_KEY)
            .deployment(Deployment.of(MODEL).withContextWindow(CONTEXT_WINDOW))
            .retryAfterMs(true)
            .seed(11);
    configureSimulator(b);
    extra.accept(b);
    return b.start();
  }

  @BeforeEach
  final void startSimulatorAndBackend() {
    simulator = newSimulator(b -> {});
    backend = createBackend(simulator, settings());
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

  private static ChatCompletionRequest request(String userText) {
    return ChatCompletionRequest.of(
        MODEL, List.of(Message.system("Answer in JSON."), Message.user(userText)));
  }

  private static ChatCompletionRequest withTemperature(ChatCompletionRequest r, Double t) {
    return new ChatCompletionRequest(
        r.model(),
        r.messages(),
        t,
        r.maxOutputTokens(),
        r.responseFormat(),
        r.reasoningEffort(),
        r.verbosity(),
        r.user(),
        r.headers());
  }

  private ChatCompletion call(ChatCompletionRequest r) {
    return await(backend().complete(r), CALL);
  }

  private LlmException fail(ChatCompletionRequest r) {
    LlmException e = failure(backend().complete(r), CALL);
    assertThat(e.provider()).as("provider of %s", e).isNotBlank();
    assertThat(e.getMessage()).as("messages never contain the key").doesNotContain(API_KEY);
    return e;
  }

  private static JsonNode json(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + text, e);
    }
  }

  // ------------------------------------------------------------------ the wire

  @Test
  void sendsModelMessagesParametersFormatUserAndHeadersOnTheWire() {
    ChatCompletionRequest r =
        new ChatCompletionRequest(
            MODEL,
            List.of(Message.system("You extract people."), Message.user("Ada is 36.")),
            0.25,
            123,
            ResponseFormat.jsonSchema("Person", SCHEMA, true),
            null,
            null,
            "user-7",
            Map.of("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));

    call(r);

    RecordedRequest wire = simulator().lastRequest();
    JsonNode body = wire.json();
    assertThat(wire.route()).isEqualTo(Route.CHAT_COMPLETIONS);
    assertThat(wire.method()).isEqualTo("POST");
    assertThat(wire.deployment()).as("model or deployment").isEqualTo(MODEL);
    assertThat(wire.header("content-type")).startsWith("application/json");
    assertThat(body.path("messages")).hasSize(2);
    assertThat(body.path("messages").get(0).path("role").asText()).isEqualTo("system");
    assertThat(body.path("messages").get(0).path("content").asText())
        .isEqualTo("You extract people.");
    assertThat(body.path("messages").get(1).path("role").asText()).isEqualTo("user");
    assertThat(body.path("messages").get(1).path("content").asText()).isEqualTo("Ada is 36.");
    assertThat(body.path("temperature").asDouble()).isEqualTo(0.25);
    int cap =
        body.has("max_completion_tokens")
            ? body.path("max_completion_tokens").asInt()
            : body.path("max_tokens").asInt();
    assertThat(cap).as("max_completion_tokens or max_tokens").isEqualTo(123);
    JsonNode format = body.path("response_format");
    assertThat(format.path("type").asText()).isEqualTo("json_schema");
    assertThat(format.path("json_schema").path("name").asText()).isEqualTo("Person");
    assertThat(format.path("json_schema").path("strict").asBoolean()).isTrue();
    assertThat(format.path("json_schema").path("schema")).isEqualTo(json(SCHEMA));
    assertThat(body.path("user").asText()).isEqualTo("user-7");
    assertThat(body.path("stream").asBoolean(false)).isFalse();
    assertThat(wire.header("traceparent"))
        .isEqualTo("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    assertThat(
            API_KEY.equals(wire.header("api-key"))
                || ("Bearer " + API_KEY).equals(wire.header("authorization")))
        .as("the key is sent as api-key or Authorization: Bearer")
        .isTrue();
  }

  @Test
  void omitsTemperatureAndOutputCapWhenTheyAreNull() {
    call(request("Give me JSON."));

    JsonNode body = simulator().lastRequest().json();
    assertThat(body.path("temperature").isMissingNode() || body.path("temperature").isNull())
        .isTrue();
    assertThat(body.path("max_tokens").isMissingNode() || body.path("max_tokens").isNull())
        .isTrue();
    assertThat(
            body.path("max_completion_tokens").isMissingNode()
                || body.path("max_completion_tokens").isNull())
        .isTrue();
    assertThat(body.path("response_format").path("type").asText()).isEqualTo("json_object");
  }

  @Test
  void textFormatSendsNoJsonResponseFormat() {
    ChatCompletionRequest r =
        new ChatCompletionRequest(
            MODEL,
            List.of(Message.user("hi")),
            null,
            null,
            ResponseFormat.text(),
            null,
            null,
            null,
            Map.of());

    ChatCompletion c = call(r);

    String type =
        simulator().lastRequest().json().path("response_format").path("type").asText("text");
    assertThat(type).isEqualTo("text");
    assertThat(c.content()).isNotBlank();
  }

  @Test
  void returnsContentFinishReasonUsageModelIdRequestIdAndRateLimits() {
    simulator().enqueueReply("{\"name\":\"Ada\",\"age\":36}");

    ChatCompletion c = call(request("Who? Answer in JSON."));

    assertThat(c.content()).isEqualTo("{\"name\":\"Ada\",\"age\":36}");
    assertThat(c.refusal()).isNull();
    assertThat(c.finishReason()).isEqualTo("stop");
    assertThat(c.usage().inputTokens()).isPositive();
    assertThat(c.usage().outputTokens()).isPositive();
    assertThat(c.model()).isEqualTo(MODEL);
    assertThat(c.id()).startsWith("chatcmpl-");
    assertThat(c.requestId()).isNotBlank();
    assertThat(c.rateLimit().remainingRequests()).isNotNull();
    assertThat(c.rateLimit().remainingTokens()).isNotNull();
  }

  @Test
  void returnsTheRefusalInsteadOfContent() {
    ChatCompletion c = call(request("Please " + simulator().refusalTrigger()));

    assertThat(c.refusal()).isEqualTo(LlmSimulator.REFUSAL_TEXT);
    assertThat(c.content()).isNull();
  }

  @Test
  void returnsAnEmptyContentAsItIs() {
    simulator().addFault(Fault.of(Fault.Kind.EMPTY_CONTENT));

    ChatCompletion c = call(request("json please"));

    assertThat(c.content()).isEmpty();
  }

  // ------------------------------------------------------------------ errors

  @Test
  void wrongKeyIsAnAuthenticationExceptionWithStatusAndRequestId() {
    try (ChatBackend wrong =
        createBackend(simulator(), settings().withApiKey("wrong-contract-key"))) {
      LlmException e = failure(wrong.complete(request("json")), CALL);

      assertThat(e).isInstanceOf(AuthenticationException.class);
      assertThat(e.httpStatus()).isEqualTo(401);
      assertThat(e.requestId()).isNotBlank();
      assertThat(e.isRetryable()).isFalse();
      assertThat(e.getMessage()).doesNotContain("wrong-contract-key");
    }
  }

  @Test
  void unknownModelIsANotFoundException() {
    ChatCompletionRequest r =
        ChatCompletionRequest.of("no-such-deployment", List.of(Message.user("json")));

    LlmException e = fail(r);

    assertThat(e).isInstanceOf(NotFoundException.class);
    assertThat(e.httpStatus()).isEqualTo(404);
    assertThat(e.isRetryable()).isFalse();
  }

  @Test
  void rejectedParameterIsAnInvalidRequestExceptionWithParamAndCode() {
    LlmException e = fail(withTemperature(request("json"), 3.0));

    assertThat(e).isInstanceOf(InvalidRequestException.class);
    InvalidRequestException invalid = (InvalidRequestException) e;
    assertThat(invalid.httpStatus()).isEqualTo(400);
    assertThat(invalid.param()).isEqualTo("temperature");
    assertThat(invalid.code()).isEqualTo("decimal_above_max_value");
    assertThat(invalid.requestId()).isNotBlank();
    assertThat(invalid.isRetryable()).isFalse();
  }

  @Test
  void promptAboveTheContextWindowIsAContextLengthExceededException() {
    LlmException e = fail(request("json " + "word ".repeat(CONTEXT_WINDOW)));

    assertThat(e).isInstanceOf(ContextLengthExceededException.class);
    assertThat(e.httpStatus()).isEqualTo(400);
    assertThat(((InvalidRequestException) e).code()).isEqualTo("context_length_exceeded");
  }

  @Test
  void filteredPromptIsAContentFilterExceptionOnThePromptWithCategories() {
    LlmException e = fail(request("json " + simulator().promptFilterTrigger()));

    assertThat(e).isInstanceOf(ContentFilterException.class);
    ContentFilterException filter = (ContentFilterException) e;
    assertThat(filter.side()).isEqualTo(ContentFilterException.Side.PROMPT);
    assertThat(filter.httpStatus()).isEqualTo(400);
    assertThat(filter.filteredCategories())
        .extracting(
            ContentFilterException.Result::category, ContentFilterException.Result::severity)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("violence", "medium"));
    assertThat(filter.results()).hasSizeGreaterThanOrEqualTo(4);
    assertThat(filter.isRetryable()).isFalse();
  }

  @Test
  void filteredCompletionIsAContentFilterExceptionOnTheCompletion() {
    LlmException e = fail(request("json " + simulator().completionFilterTrigger()));

    assertThat(e).isInstanceOf(ContentFilterException.class);
    ContentFilterException filter = (ContentFilterException) e;
    assertThat(filter.side()).isEqualTo(ContentFilterException.Side.COMPLETION);
    assertThat(filter.requestId()).isNotBlank();
  }

  @Test
  void rateLimitIsARateLimitExceptionWithTheServersWait() {
    simulator().addFault(Fault.rateLimited(Duration.ofSeconds(2)));

    LlmException e = fail(request("json"));

    assertThat(e).isInstanceOf(RateLimitException.class);
    assertThat(e.httpStatus()).isEqualTo(429);
    assertThat(((RateLimitException) e).retryAfter()).isEqualTo(Duration.ofSeconds(2));
    assertThat(e.isRetryable()).isTrue();
    assertThat(e.requestId()).isNotBlank();
  }

  @Test
  void serverErrorsAreRetryableServerExceptionsWithTheirStatus() {
    for (int status : new int[] {500, 502, 503, 504}) {
      simulator().clearFaults();
      simulator().addFault(Fault.status(status));

      LlmException e = fail(request("json"));

      assertThat(e).as("status %d", status).isInstanceOf(ServerException.class);
      assertThat(e.httpStatus()).isEqualTo(status);
      assertThat(e.isRetryable()).isTrue();
    }
  }

  @Test
  void gatewayHtmlPageIsAServerException() {
    simulator().addFault(Fault.of(Fault.Kind.HTML_GATEWAY_PAGE));

    LlmException e = fail(request("json"));

    assertThat(e).isInstanceOf(ServerException.class);
    assertThat(e.httpStatus()).isEqualTo(502);
  }

  @Test
  void requestTimeoutStatusIsARetryableTimeout() {
    simulator().addFault(Fault.status(408));

    LlmException e = fail(request("json"));

    assertThat(e).isInstanceOf(LlmTimeoutException.class);
    assertThat(e.httpStatus()).isEqualTo(408);
    assertThat(e.isRetryable()).isTrue();
  }

  @Test
  void headersLaterThanTheResponseTimeoutAreAnLlmTimeoutException() {
    simulator().addFault(Fault.delayedHeaders(RESPONSE_TIMEOUT.plusSeconds(10)));

    long t0 = System.nanoTime();
    LlmException e = fail(request("json"));

    assertThat(e).isInstanceOf(LlmTimeoutException.class);
    assertThat(e.isRetryable()).isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - t0))
        .isLessThan(RESPONSE_TIMEOUT.plusSeconds(3));
  }

  @Test
  void resetBeforeHeadersIsAnLlmConnectionException() {
    simulator().addFault(Fault.resetBeforeHeaders());

    LlmException e = fail(request("json"));

    assertThat(e).isInstanceOf(LlmConnectionException.class);
    assertThat(e.isRetryable()).isTrue();
  }

  @Test
  void resetMidBodyIsAnLlmConnectionException() {
    simulator().addFault(Fault.resetMidBody());

    LlmException e = fail(request("json"));

    assertThat(e).isInstanceOf(LlmConnectionException.class);
  }

  @Test
  void aTruncatedBodyIsARetryableConnectionFailureAndANonJsonBodyAnInvalidResponse() {
    simulator().addFault(Fault.of(Fault.Kind.TRUNCATED_JSON).times(1));
    simulator().addFault(Fault.of(Fault.Kind.NON_JSON_200).times(1));

    LlmException truncated = fail(request("json"));
    LlmException nonJson = fail(request("json"));

    // A JSON body cut off in transit is a broken transfer: the core's transport retries take it.
    assertThat(truncated).isInstanceOf(LlmConnectionException.class);
    assertThat(truncated.isRetryable()).isTrue();
    assertThat(truncated.httpStatus()).isEqualTo(200);
    // A body that is not JSON at all is the wrong server: reported at once.
    assertThat(nonJson).isInstanceOf(InvalidResponseException.class);
    assertThat(nonJson.isRetryable()).isFalse();
  }

  @Test
  void aFailureCompletesTheFutureAndNeverThrowsFromComplete() {
    simulator().addFault(Fault.status(500));

    CompletableFuture<ChatCompletion> f = backend().complete(request("json"));

    assertThat(failure(f, CALL)).isInstanceOf(ServerException.class);
  }

  // ------------------------------------------------------------------ concurrency and close

  @Test
  void twoHundredFiftySixConcurrentCallsOverlapAgainstFiftyMillisecondLatency() {
    int calls = 256;
    Duration latency = Duration.ofMillis(50);
    try (LlmSimulator slow = newSimulator(b -> b.latency(LatencyModel.fixed(latency)));
        ChatBackend b = createBackend(slow, settings())) {
      long t0 = System.nanoTime();
      List<CompletableFuture<ChatCompletion>> futures = new ArrayList<>();
      for (int i = 0; i < calls; i++) {
        futures.add(b.complete(request("json " + i)));
      }
      for (CompletableFuture<ChatCompletion> f : futures) {
        assertThat(await(f, Duration.ofSeconds(30)).content()).isNotBlank();
      }
      Duration took = Duration.ofNanos(System.nanoTime() - t0);

      assertThat(slow.counters().responses(200)).isEqualTo(calls);
      assertThat(slow.counters().maxInFlight()).as("calls held at once").isGreaterThanOrEqualTo(8);
      assertThat(took)
          .as("sequential calls would take %s", latency.multipliedBy(calls))
          .isLessThan(latency.multipliedBy(calls).dividedBy(4));
    }
  }

  /**
   * Whether the backend's transport releases its connections and threads only once the backend is
   * unreachable (java.net.http before Java 21 cannot be closed). When true, the close test drops
   * the backend and runs the garbage collector while it waits; the default, false, demands that
   * {@code close()} itself releases them, as every product backend must.
   *
   * @return false unless overridden
   */
  protected boolean releasesOnlyWhenUnreachable() {
    return false;
  }

  @Test
  void closeReleasesConnectionsAndThreads() {
    // The per-test backend starts its I/O threads asynchronously; close it first so that none of
    // its threads can appear after the snapshot and be blamed on the backend under test.
    backend().close();
    eventually(() -> simulator().counters().openConnections() == 0, Duration.ofSeconds(10));
    Set<Thread> before = ContractSupport.threads();
    ChatBackend b = createBackend(simulator(), settings());
    await(b.complete(request("json")), CALL);
    assertThat(simulator().counters().openConnections()).isPositive();

    b.close();
    b = null;

    boolean collect = releasesOnlyWhenUnreachable();
    boolean released =
        eventually(
            () -> {
              if (collect) {
                System.gc();
              }
              Set<Thread> extra = new HashSet<>(ContractSupport.threads());
              extra.removeAll(before);
              return extra.isEmpty() && simulator().counters().openConnections() == 0;
            },
            Duration.ofSeconds(10));
    Set<Thread> extra = new HashSet<>(ContractSupport.threads());
    extra.removeAll(before);
    assertThat(simulator().counters().openConnections())
        .as("connections to the simulator still open after close")
        .isZero();
    assertThat(extra).as("threads left after close").isEmpty();
    assertThat(released).isTrue();
  }

  @Test
  void closeFailsCallsInFlight() {
    simulator().addFault(Fault.delayedHeaders(Duration.ofSeconds(30)));
    ChatBackend b = createBackend(simulator(), settings());
    CompletableFuture<ChatCompletion> inFlight = b.complete(request("json"));
    eventually(() -> simulator().counters().inFlight() > 0, Duration.ofSeconds(5));

    b.close();

    assertThat(failure(inFlight, Duration.ofSeconds(5))).isNotNull();
  }
}
