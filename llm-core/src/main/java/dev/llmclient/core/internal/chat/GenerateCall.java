package dev.llmclient.core.internal.chat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmclient.api.EmptyResponseException;
import dev.llmclient.api.ErrorContext;
import dev.llmclient.api.InvalidResponseException;
import dev.llmclient.api.LlmResponse;
import dev.llmclient.api.LlmTimeoutException;
import dev.llmclient.api.Message;
import dev.llmclient.api.RefusalException;
import dev.llmclient.api.StreamEvent;
import dev.llmclient.api.Usage;
import dev.llmclient.api.spi.ChatCompletion;
import dev.llmclient.api.spi.ChatCompletionRequest;
import dev.llmclient.core.internal.runtime.Call;
import dev.llmclient.core.internal.runtime.Json;
import dev.llmclient.core.internal.runtime.SafeSpan;
import dev.llmclient.core.internal.runtime.TransportRetries;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code generate} call after preparation, on the shared {@link Call} lifecycle: what one
 * exchange is (a {@link ChatCompletionRequest} to the chat backend) and how its answer is checked
 * (refusal, empty, JSON, schema, mapping), with re-asks for unusable answers. The call holds one
 * permit of the client's concurrency limit from the first attempt until it ends, across retries and
 * re-asks, so that a retry never queues again. Attempts run one after another, so the mutable state
 * is only touched by one thread at a time.
 *
 * <p>{@link #run()} is the limiter's task: it starts the first attempt once a permit is free.
 */
final class GenerateCall<T> extends Call<LlmResponse<T>, ChatCompletionRequest, ChatCompletion>
    implements Runnable {

  private static final Logger LOG = LoggerFactory.getLogger(GenerateCall.class);
  private static final int EXCERPT = 80;
  private static final int NO_PERMIT = 0;
  private static final int PERMIT_HELD = 1;
  private static final int PERMIT_RETURNED = 2;

  @SuppressWarnings("rawtypes")
  private static final AtomicIntegerFieldUpdater<GenerateCall> PERMIT =
      AtomicIntegerFieldUpdater.newUpdater(GenerateCall.class, "permit");

  /** What is wrong with a reply; the JSON ones are {@link JsonAnswer.Problem}'s, by name. */
  private enum Problem {
    EMPTY("EmptyResponse"),
    INVALID_JSON("InvalidJson"),
    NOT_AN_OBJECT("NotAJsonObject"),
    SCHEMA("SchemaValidation"),
    MAPPING("MappingError"),
    TOOL_CALL("InvalidToolCall");

    final String type;

    Problem(String type) {
      this.type = type;
    }
  }

  private final PipelineClient client;
  private final PipelineClient.Prepared p;
  private final @Nullable StreamRelay stream;
  private List<Message> conversation;
  private ChatCompletionRequest request;
  private volatile int reasks;
  private int retries;
  private volatile int permit = NO_PERMIT;

  /** True while {@link #admit()} submits: {@link #run()} on that path did not wait in the queue. */
  private volatile boolean submitting;

  GenerateCall(
      PipelineClient client,
      PipelineClient.Prepared prepared,
      SafeSpan span,
      @Nullable String promptName,
      @Nullable StreamRelay stream) {
    super(client.runtime, span, promptName, prepared.model());
    this.client = client;
    this.p = prepared;
    this.stream = stream;
    this.request = prepared.base();
    this.conversation = prepared.base().messages();
  }

  @Override
  protected boolean answeredFromCache() {
    String key = p.cacheKey();
    if (key != null && answerFromCache(key)) {
      return true;
    }
    span.set("cache.hit", false);
    return false;
  }

  @Override
  protected void admit() {
    submitting = true;
    boolean accepted = runtime.limiter().submit(this);
    submitting = false;
    if (!accepted) {
      fail(runtime.tooManyCalls());
    }
  }

  /** The limiter's task: a permit is ours; start the first attempt, or give it back if too late. */
  @Override
  public void run() {
    permit = PERMIT_HELD;
    if (isDone()) {
      releaseAdmission();
      return;
    }
    if (!submitting && deadlinePassedAlready()) {
      // waited in the queue until its deadline, which fires at this very moment: never send it
      fail(timedOut(runtime.policy().deadline(), attempts()));
      return;
    }
    try {
      send();
    } catch (RuntimeException | Error e) {
      fail(e); // returns the permit: the limiter's task must never throw
    }
  }

  @Override
  protected void releaseAdmission() {
    if (PERMIT.compareAndSet(this, PERMIT_HELD, PERMIT_RETURNED)) {
      runtime.limiter().release();
    }
  }

  // ---- cache -------------------------------------------------------------------------------

  private boolean answerFromCache(String key) {
    String cached = cacheGet(key);
    if (cached == null) {
      return false;
    }
    T value;
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(cached);
      if (p.text() ? !node.isTextual() : !node.isObject()) {
        return false;
      }
      value = p.text() ? text(node.asText()) : map(node);
    } catch (IOException | RuntimeException e) {
      LOG.debug("response cache entry could not be read; treating it as a miss", e);
      return false;
    }
    if (stream != null) {
      String answer = p.text() ? node.asText() : node.toString();
      if (!answer.isEmpty()) {
        stream.emit(new StreamEvent.TextDelta(answer));
      }
      stream.emit(new StreamEvent.Finish("stop", Usage.ZERO));
    }
    LlmResponse<T> response =
        LlmResponse.<T>builder()
            .value(value)
            .json(p.text() ? null : Json.toMap(node))
            .model(p.model())
            .cacheHit(true)
            .attempts(0)
            .build();
    span.set("cache.hit", true);
    span.set("llmclient.attempts", 0L);
    span.set("llmclient.reasks", 0L);
    answerWithoutExchange(response);
    return true;
  }

  // ---- attempts ----------------------------------------------------------------------------

  private void send() {
    if (!isDone()) {
      exchange(request);
    }
  }

  @Override
  protected String attemptSpanName() {
    return "chat " + p.model();
  }

  @Override
  protected String backendKind() {
    return "chat";
  }

  @Override
  protected CompletableFuture<ChatCompletion> send(
      ChatCompletionRequest outgoing, SafeSpan attempt) {
    ChatCompletionRequest wire = outgoing;
    if (!attempt.isNoop()) {
      describeRequest(attempt);
      Map<String, String> headers = attempt.propagationHeaders();
      if (!headers.isEmpty()) {
        wire = outgoing.withHeaders(headers);
      }
    }
    if (stream != null) {
      return stream.open(client.backend.stream(wire), attempt, System::nanoTime);
    }
    return client.backend.complete(wire);
  }

  @Override
  protected void answered(ChatCompletionRequest sent, SafeSpan attempt, ChatCompletion c) {
    attemptSucceeded(attempt, c);
    onCompletion(c);
  }

  @Override
  protected void exchangeFailed(ChatCompletionRequest sent, Throwable error) {
    if (isDone()) {
      return;
    }
    if (stream != null && stream.attemptHadEvents()) {
      // the consumer has part of this answer: a transport retry would repeat it, so fail typed
      Usage partial = stream.partialUsage();
      if (partial != null) {
        addUsage(partial);
      }
      fail(stream.broken(error, runtime.providerId()));
      return;
    }
    TransportRetries.Decision decision = decide(error, retries);
    if (decision instanceof TransportRetries.GiveUp giveUp) {
      fail(giveUp.error());
      return;
    }
    retries++;
    retryAfter(((TransportRetries.Retry) decision).delay(), error, Map.of(), this::send);
  }

  private void onCompletion(ChatCompletion c) {
    if (isDone()) {
      return;
    }
    addUsage(c.usage());
    String refusal = c.refusal();
    if (refusal != null && !refusal.isBlank()) {
      fail(new RefusalException(refusal, context(c), null));
      return;
    }
    if (!c.toolCalls().isEmpty()) {
      onToolCalls(c);
      return;
    }
    if (p.text()) {
      onText(c);
      return;
    }
    String content = c.content();
    String text = content == null ? "" : Replies.stripFence(content.strip());
    boolean cutOff = "length".equals(c.finishReason());
    if (text.isEmpty()) {
      if (cutOff) {
        fail(
            new EmptyResponseException(
                "The model returned no content because it reached max tokens ("
                    + p.maxTokens()
                    + "), which was too small (a reasoning model may have spent it all on"
                    + " reasoning); raise maxTokens on the request or in LlmConfig",
                context(c),
                null));
        return;
      }
      problem(Problem.EMPTY, "the reply had no content", c, text);
      return;
    }
    JsonAnswer.Read read = JsonAnswer.read(text, p.schema());
    JsonAnswer.Problem problem = read.problem();
    if (problem == JsonAnswer.Problem.INVALID_JSON && cutOff) {
      fail(
          new InvalidResponseException(
              "The answer was cut off: max tokens ("
                  + p.maxTokens()
                  + ") was too small for it; raise maxTokens on the request or in LlmConfig."
                  + " It began: "
                  + excerpt(text),
              context(c),
              read.cause()));
      return;
    }
    if (problem != null) {
      problem(Problem.valueOf(problem.name()), Objects.requireNonNull(read.detail()), c, text);
      return;
    }
    @SuppressWarnings("unchecked")
    T value = (T) read.value();
    succeed(Objects.requireNonNull(read.node()), value, c);
  }

  /** A text answer: the content as it is; empty and cut-off answers stay typed failures. */
  private void onText(ChatCompletion c) {
    String content = c.content() == null ? "" : c.content();
    boolean cutOff = "length".equals(c.finishReason());
    if (content.isBlank()) {
      if (cutOff) {
        fail(
            new EmptyResponseException(
                "The model returned no text because it reached max tokens ("
                    + p.maxTokens()
                    + "), which was too small (a reasoning model may have spent it all on"
                    + " reasoning); raise maxTokens on the request or in LlmConfig",
                context(c),
                null));
        return;
      }
      problem(Problem.EMPTY, "the reply had no content", c, content);
      return;
    }
    if (cutOff) {
      fail(
          new InvalidResponseException(
              "The answer was cut off: max tokens ("
                  + p.maxTokens()
                  + ") was too small for it; raise maxTokens on the request or in LlmConfig."
                  + " It began: "
                  + excerpt(content),
              context(c),
              null));
      return;
    }
    T value = text(content);
    LlmResponse<T> response = responseBuilder(c).value(value).build();
    cachePut(p.cacheKey(), Json.MAPPER.getNodeFactory().textNode(content).toString());
    finish(c, response);
  }

  /**
   * An answer with tool calls: each call's arguments are parsed, validated against its tool's
   * schema and bound to the tool's parameter type; an unknown tool or invalid arguments are
   * re-asked like an invalid answer. Such answers are not cached: the caller runs the tools.
   */
  private void onToolCalls(ChatCompletion c) {
    ToolCallBinder.Bound bound = ToolCallBinder.bind(c.toolCalls(), p.toolSchemas());
    if (bound.problem() != null) {
      problem(Problem.TOOL_CALL, bound.problem(), c, bound.arguments());
      return;
    }
    String content = c.content();
    T value = p.text() && content != null && !content.isBlank() ? text(content) : null;
    finish(c, responseBuilder(c).value(value).toolCalls(bound.calls()).build());
  }

  @SuppressWarnings("unchecked")
  private T text(String content) {
    return (T) content;
  }

  private void problem(Problem problem, String detail, ChatCompletion c, String text) {
    if (reasks < runtime.policy().maxReasks()) {
      reasks++;
      retries = 0;
      if (stream != null) {
        stream.emit(new StreamEvent.Restart(attempts() + 1, problem.type + ": " + detail));
      }
      List<Message> next = new ArrayList<>(conversation.size() + 1);
      next.addAll(conversation);
      next.add(Message.user(reaskMessage(problem, detail, p.text())));
      conversation = next;
      request = request.withMessages(next);
      span.event(
          "llmclient.reask",
          Map.of(
              "llmclient.attempt", (long) attempts(),
              "llmclient.reask", (long) reasks,
              "error.type", problem.type));
      LOG.info(
          "{} generate attempt {}: the answer was {}; re-asking ({} of {})",
          runtime.providerId(),
          attempts(),
          problem.type,
          reasks,
          runtime.policy().maxReasks());
      send();
      return;
    }
    String after =
        reasks == 0 ? "" : ", also after " + reasks + " re-ask" + (reasks > 1 ? "s" : "");
    if (problem == Problem.EMPTY) {
      fail(
          new EmptyResponseException(
              "The model returned no content"
                  + after
                  + "; check the prompt, or raise RetryPolicy.maxReasks(...)",
              context(c),
              null));
    } else {
      fail(
          new InvalidResponseException(
              "The model's answer could not be used"
                  + after
                  + ": "
                  + detail
                  + ". It began: "
                  + excerpt(text),
              context(c),
              null));
    }
  }

  /** The appended user message: names the error type and detail, never the previous output. */
  static String reaskMessage(String type, String detail) {
    return "Your previous response was invalid and could not be used. Error type: "
        + type
        + ". Error details: "
        + detail
        + ". Please try again with a valid response: only a JSON object that matches the"
        + " expected format and constraints.";
  }

  private static String reaskMessage(Problem problem, String detail, boolean text) {
    if (problem == Problem.TOOL_CALL) {
      return "Your previous tool call was invalid and could not be run. Error type: "
          + problem.type
          + ". Error details: "
          + detail
          + ". Please try again: call only the tools offered, with arguments that match the"
          + " tool's parameters schema.";
    }
    if (text) {
      return "Your previous response was empty. Please answer the last message.";
    }
    return reaskMessage(problem.type, detail);
  }

  @SuppressWarnings("unchecked")
  private T map(JsonNode node) throws IOException {
    return (T) JsonAnswer.map(node, p.schema());
  }

  // ---- outcome -----------------------------------------------------------------------------

  private void succeed(JsonNode node, @Nullable T value, ChatCompletion c) {
    if (value == null) {
      // A custom deserializer or creator may map a valid answer to null; never hang on it.
      fail(
          new InvalidResponseException(
              "The answer matched the schema"
                  + (p.schema() == null ? "" : " '" + p.schema().name + "'")
                  + " but mapping it gave null; check the type's Jackson creator or deserializer",
              context(c),
              null));
      return;
    }
    Map<String, Object> json = Json.toMap(node);
    // Built before the call is marked done, so nothing after that point can throw.
    LlmResponse<T> response = responseBuilder(c).value(value).json(json).build();
    cachePut(p.cacheKey(), node.toString());
    finish(c, response);
  }

  private LlmResponse.Builder<T> responseBuilder(ChatCompletion c) {
    return LlmResponse.<T>builder()
        .usage(usage())
        .model(c.model() != null ? c.model() : p.model())
        .finishReason(c.finishReason())
        .logprobs(c.logprobs())
        .attempts(attempts())
        .reasks(reasks)
        .requestId(c.requestId())
        .servedBy(c.servedBy());
  }

  private void finish(ChatCompletion c, LlmResponse<T> response) {
    answeredBy(c.model());
    if (stream != null) {
      stream.emit(new StreamEvent.Finish(c.finishReason(), response.usage()));
    }
    succeed(response);
  }

  @Override
  protected void ended(@Nullable Throwable failure) {
    if (stream != null) {
      stream.end(failure);
    }
  }

  @Override
  protected LlmTimeoutException timedOut(Duration deadline, int attempts) {
    return new LlmTimeoutException(
        "The call did not finish within its deadline of "
            + deadline
            + " ("
            + attempts
            + " attempt"
            + (attempts == 1 ? "" : "s")
            + "); raise RetryPolicy.deadline(...) or try again later",
        ErrorContext.provider(runtime.providerId()),
        null);
  }

  // ---- tracing -----------------------------------------------------------------------------

  @Override
  protected void describeOutcome(SafeSpan span, boolean succeeded) {
    Usage u = usage();
    span.set("llmclient.reasks", (long) reasks);
    span.set("llmclient.usage.input_tokens", u.inputTokens());
    span.set("llmclient.usage.output_tokens", u.outputTokens());
    if (succeeded) {
      String model = answeringModel();
      span.set("gen_ai.response.model", model != null ? model : p.model());
    }
  }

  private void describeRequest(SafeSpan attempt) {
    attempt.set("gen_ai.operation.name", "chat");
    if (stream != null) {
      attempt.set("gen_ai.request.stream", true);
    }
    attempt.set("gen_ai.provider.name", p.info().genAiProviderName());
    attempt.set("gen_ai.request.model", p.model());
    attempt.set("gen_ai.request.max_tokens", (long) p.maxTokens());
    attempt.set("gen_ai.request.temperature", request.temperature());
    attempt.server(p.info().endpoint());
  }

  private static void attemptSucceeded(SafeSpan attempt, ChatCompletion c) {
    if (attempt.isNoop()) {
      return;
    }
    attempt.set("gen_ai.response.model", c.model());
    attempt.set("gen_ai.response.id", c.id());
    if (c.finishReason() != null) {
      attempt.set("gen_ai.response.finish_reasons", List.of(c.finishReason()));
    }
    attempt.set("gen_ai.usage.input_tokens", c.usage().inputTokens());
    attempt.set("gen_ai.usage.output_tokens", c.usage().outputTokens());
    attempt.end();
  }

  // ---- helpers -----------------------------------------------------------------------------

  private ErrorContext context(ChatCompletion c) {
    return new ErrorContext(runtime.providerId(), null, c.requestId());
  }

  private static String excerpt(String text) {
    return Replies.excerpt(text, EXCERPT);
  }
}
