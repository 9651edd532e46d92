package dev.llmclient.core;

import dev.llmclient.api.CallCancelledException;
import dev.llmclient.api.ContentPart;
import dev.llmclient.api.ErrorContext;
import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmConfigurationException;
import dev.llmclient.api.LlmConnectionException;
import dev.llmclient.api.LlmException;
import dev.llmclient.api.LlmRequest;
import dev.llmclient.api.LlmResponse;
import dev.llmclient.api.Message;
import dev.llmclient.api.ModelSize;
import dev.llmclient.api.TooManyCallsException;
import dev.llmclient.api.Tool;
import dev.llmclient.api.spi.BackendInfo;
import dev.llmclient.api.spi.ChatBackend;
import dev.llmclient.api.spi.ChatCompletionRequest;
import dev.llmclient.api.spi.ResponseCache;
import dev.llmclient.api.spi.ResponseFormat;
import dev.llmclient.api.spi.SpanKind;
import dev.llmclient.api.spi.ToolDefinition;
import dev.llmclient.api.spi.Tracer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.DoubleSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link LlmClient} that {@link LlmClients} builds: prepares each request (copy, suffix,
 * cleaning, model and parameter resolution, schema lookup, cache key) on the caller's thread, then
 * hands it to a {@link GenerateCall} that runs attempts, retries and re-asks asynchronously.
 */
final class PipelineClient implements LlmClient {

  private static final Logger LOG = LoggerFactory.getLogger(PipelineClient.class);

  /** Put before the schema when it travels in the prompt ({@code json_object} mode). */
  static final String SCHEMA_PROMPT = "\n\nRespond with a JSON object in the following format:\n\n";

  /** What {@link #prepare} decided for one request. */
  record Prepared(
      BackendInfo info,
      String model,
      ModelSize size,
      int maxTokens,
      ChatCompletionRequest base,
      @Nullable ResponseSchema schema,
      @Nullable String cacheKey) {}

  final ChatBackend backend;
  final String providerId;
  final LlmConfig config;
  final @Nullable Integer clientMaxTokens;
  final RetryPolicy policy;
  final @Nullable ResponseCache cache;
  final Tracer tracer;
  final String spanName;
  final @Nullable SystemPromptSuffix suffix;
  final @Nullable TokenUsageTracker tracker;
  final Clock clock;
  final ScheduledExecutorService scheduler;
  private final boolean ownsScheduler;
  final DoubleSupplier random;

  /** The calls in flight (from first attempt to end, retries included) and those waiting. */
  final AsyncLimiter limiter;

  private final Set<GenerateCall<?>> active = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  PipelineClient(
      ChatBackend backend,
      LlmConfig config,
      @Nullable Integer clientMaxTokens,
      RetryPolicy policy,
      @Nullable ResponseCache cache,
      Tracer tracer,
      String spanPrefix,
      @Nullable SystemPromptSuffix suffix,
      @Nullable TokenUsageTracker tracker,
      Clock clock,
      ScheduledExecutorService scheduler,
      boolean ownsScheduler,
      DoubleSupplier random) {
    this.backend = backend;
    this.providerId = backend.info().providerId();
    this.config = config;
    this.clientMaxTokens = clientMaxTokens;
    this.policy = policy;
    this.cache = cache;
    this.tracer = tracer;
    this.spanName = spanPrefix + ".llm.generate";
    this.suffix = suffix;
    this.tracker = tracker;
    this.clock = clock;
    this.scheduler = scheduler;
    this.ownsScheduler = ownsScheduler;
    this.random = random;
    this.limiter = new AsyncLimiter(config.maxConcurrentCalls(), config.maxQueuedCalls());
  }

  /** The failure of a call refused because the client's queue is full. */
  TooManyCallsException tooManyCalls() {
    return new TooManyCallsException(
        "The call was not sent: this client already has "
            + limiter.permits()
            + " calls in flight and "
            + limiter.maxQueued()
            + " waiting, the most it accepts. Send fewer calls at once (wait for some to finish),"
            + " or raise LlmConfig.maxQueuedCalls(...) (setting "
            + LlmConfig.MAX_QUEUED_CALLS
            + ") or LlmConfig.maxConcurrentCalls(...) (setting "
            + LlmConfig.MAX_CONCURRENT_CALLS
            + ")",
        ErrorContext.provider(providerId),
        null);
  }

  @Override
  public <T> LlmResponse<T> generate(LlmRequest<T> request) {
    refuseToBlockAClientThread("generate()");
    return await(generateAsync(request));
  }

  /**
   * Name prefixes of the threads that complete llmclient futures: the bundled providers' I/O
   * threads, the clients' schedulers and the deployment pool's timer.
   */
  static final List<String> CLIENT_THREAD_PREFIXES =
      List.of("llmclient-io-", "llmclient-scheduler-", "llmclient-pool-");

  /**
   * Refuses a blocking call on a thread that delivers llmclient answers (an I/O thread of the
   * bundled providers or a client's scheduler): the answer it would wait for may need that very
   * thread, so the call would hang until its deadline.
   *
   * @throws IllegalStateException on such a thread, saying what to do instead
   */
  static void refuseToBlockAClientThread(String method) {
    String name = Thread.currentThread().getName();
    for (String prefix : CLIENT_THREAD_PREFIXES) {
      if (name.startsWith(prefix)) {
        throw new IllegalStateException(
            method
                + " waits for the answer, but it was called on "
                + name
                + ", a thread that delivers llmclient answers, where it could wait for itself"
                + " until the deadline. Chain the async call instead (thenCompose(r ->"
                + " client.generateAsync(...))), or continue on your own executor with"
                + " thenApplyAsync(fn, executor).");
      }
    }
  }

  @Override
  public <T> CompletableFuture<LlmResponse<T>> generateAsync(LlmRequest<T> request) {
    Objects.requireNonNull(request, "request");
    if (closed) {
      return CompletableFuture.failedFuture(closedException());
    }
    SafeSpan span = SafeSpan.start(tracer, spanName, SpanKind.INTERNAL);
    Prepared prepared;
    try {
      prepared = prepare(request);
    } catch (RuntimeException e) {
      span.recordException(e);
      span.status(dev.llmclient.api.spi.SpanStatus.ERROR, e.getMessage());
      span.end();
      return CompletableFuture.failedFuture(e);
    }
    if (!span.isNoop()) {
      span.set("llm.provider", providerId);
      span.set("model.size", prepared.size().value());
      span.set("max_tokens", (long) prepared.maxTokens());
      span.set("cache.enabled", cache != null);
      String promptName = request.promptName();
      if (promptName != null && !promptName.isEmpty()) {
        span.set("prompt.name", promptName);
      }
      span.set("gen_ai.request.model", prepared.model());
    }
    return new GenerateCall<T>(this, prepared, span, request.promptName()).start();
  }

  /** Everything decided before the first attempt; runs on the caller's thread. */
  Prepared prepare(LlmRequest<?> request) {
    BackendInfo info = backend.info();
    ModelSize size = request.modelSize();
    String model = request.model() != null ? request.model() : resolveModel(size, info);

    int maxTokens = resolveMaxTokens(request);
    boolean reasoning = config.isReasoningModel(model);
    Double temperature = null;
    String effort = null;
    String verbosity = null;
    if (reasoning) {
      effort = resolveEffort(config.reasoningEffort().orElse(null), model);
      verbosity = config.verbosity().orElse(null);
    } else {
      temperature =
          request.temperature() != null ? request.temperature() : config.temperature().orElse(null);
    }
    // A per-call setting is the caller's explicit choice and goes on the wire as it is.
    if (request.reasoningEffort() != null) {
      effort = resolveEffort(request.reasoningEffort(), model);
    }
    if (request.verbosity() != null) {
      verbosity = request.verbosity();
    }

    ResponseSchema schema = null;
    if (request.responseType() != null) {
      schema = ResponseSchema.forType(request.responseType());
    } else if (request.schemaJson() != null) {
      schema =
          ResponseSchema.explicit(
              Objects.requireNonNull(request.schemaName(), "schemaName"), request.schemaJson());
    }
    boolean schemaInPrompt =
        schema != null && config.structuredOutputMode() == StructuredOutputMode.JSON_OBJECT;
    ResponseFormat format =
        schema == null || schemaInPrompt ? ResponseFormat.jsonObject() : schema.format;

    // Graphiti's order: attribute-extraction note, schema text onto the last message, suffix
    // onto the first, then clean.
    List<Message> messages = new ArrayList<>(request.messages());
    if (request.attributeExtraction()) {
      AttributeExtractionPreamble.apply(messages);
    }
    if (schemaInPrompt) {
      int last = messages.size() - 1;
      messages.set(last, appendText(messages.get(last), SCHEMA_PROMPT + schema.json));
    }
    if (suffix != null) {
      String text = suffix.suffixFor(request.groupId());
      if (text != null && !text.isEmpty()) {
        messages.set(0, appendText(messages.get(0), text));
      }
    }
    for (int i = 0; i < messages.size(); i++) {
      Message m = messages.get(i);
      if (m.hasParts()) {
        List<ContentPart> parts = new ArrayList<>(m.parts().size());
        boolean changed = false;
        for (ContentPart p : m.parts()) {
          if (p instanceof ContentPart.Text t) {
            String cleaned = InputCleaner.clean(t.text());
            changed |= cleaned != t.text();
            parts.add(cleaned == t.text() ? p : ContentPart.text(cleaned));
          } else {
            parts.add(p);
          }
        }
        if (changed) {
          messages.set(i, m.withParts(parts));
        }
        continue;
      }
      String cleaned = InputCleaner.clean(m.content());
      if (cleaned != m.content()) {
        messages.set(i, m.withContent(cleaned));
      }
    }

    List<ToolDefinition> tools = new ArrayList<>(request.tools().size());
    for (Tool tool : request.tools()) {
      Class<?> parameters = tool.parameterType();
      ResponseSchema toolSchema =
          parameters != null
              ? ResponseSchema.forType(parameters)
              : ResponseSchema.explicit(
                  tool.name(), Objects.requireNonNull(tool.parametersSchemaJson(), "schema"));
      tools.add(new ToolDefinition(tool.name(), tool.description(), toolSchema.json, true));
    }
    ChatCompletionRequest base =
        ChatCompletionRequest.builder(model, messages)
            .temperature(temperature)
            .maxOutputTokens(maxTokens)
            .responseFormat(format)
            .reasoningEffort(effort)
            .verbosity(verbosity)
            .user(request.user())
            .safetyIdentifier(request.safetyIdentifier())
            .seed(request.seed())
            .topP(request.topP())
            .stop(request.stop())
            .presencePenalty(request.presencePenalty())
            .frequencyPenalty(request.frequencyPenalty())
            .logprobs(request.logprobs(), request.topLogprobs())
            .serviceTier(request.serviceTier())
            .tools(tools, request.toolChoice(), request.parallelToolCalls())
            .build();
    String key = cache == null ? null : CacheKey.of(providerId, info.endpoint(), base);
    return new Prepared(info, model, size, maxTokens, base, schema, key);
  }

  /** Appends text to a message: to its content, or as a last text part of a message of parts. */
  private static Message appendText(Message m, String text) {
    if (!m.hasParts()) {
      return m.withContent(m.content() + text);
    }
    List<ContentPart> parts = new ArrayList<>(m.parts());
    parts.add(ContentPart.text(text));
    return m.withParts(parts);
  }

  private String resolveModel(ModelSize size, BackendInfo info) {
    String medium = config.model().orElse(info.defaultModel());
    if (size == ModelSize.SMALL) {
      String small = config.smallModel().orElse(info.defaultSmallModel());
      if (small != null) {
        return small;
      }
    }
    if (medium == null) {
      throw new LlmConfigurationException(
          "No model is configured for provider '"
              + providerId
              + "': set MODEL_NAME (the deployment name on Azure) or LlmConfig.model(...).");
    }
    return medium;
  }

  private int resolveMaxTokens(LlmRequest<?> request) {
    if (request.maxTokens() != null) {
      return request.maxTokens();
    }
    if (clientMaxTokens != null) {
      return clientMaxTokens;
    }
    return config.maxTokens().orElse(LlmConfig.DEFAULT_MAX_TOKENS);
  }

  /**
   * Graphiti's {@code _resolve_reasoning_effort}: {@code auto} becomes {@code none} for gpt-5.5
   * models and {@code minimal} otherwise; null or empty sends nothing; other values pass through.
   */
  static @Nullable String resolveEffort(@Nullable String configured, String model) {
    if (configured == null || configured.isEmpty()) {
      return null;
    }
    if (!configured.equals("auto")) {
      return configured;
    }
    return model.toLowerCase(Locale.ROOT).startsWith("gpt-5.5") ? "none" : "minimal";
  }

  void register(GenerateCall<?> call) {
    active.add(call);
    if (closed) {
      call.fail(closedException());
    }
  }

  void unregister(GenerateCall<?> call) {
    active.remove(call);
  }

  static LlmConnectionException closedException() {
    return new LlmConnectionException(
        "This LlmClient is closed; build a new one with LlmClients.builder() or"
            + " LlmClients.fromEnvironment().");
  }

  static Throwable unwrap(Throwable t) {
    Throwable current = t;
    while ((current instanceof CompletionException || current instanceof ExecutionException)
        && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }

  /**
   * Waits for a call's future and rethrows its failure as it was raised: an {@link LlmException} or
   * other unchecked exception as is, a checked one wrapped in an {@link LlmException}. An interrupt
   * of the waiting thread cancels the call (its exchange, retry and deadline timer), keeps the
   * thread's interrupt flag and throws {@link CallCancelledException}.
   */
  static <T> T await(CompletableFuture<T> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new CallCancelledException(
          "The thread waiting for the call was interrupted, so the call was cancelled: its HTTP"
              + " exchange, retries and re-asks are stopped and nothing more is sent. The thread's"
              + " interrupt flag is still set",
          ErrorContext.NONE,
          e);
    } catch (CancellationException e) {
      throw new CallCancelledException(
          "The call was cancelled while this thread waited for it: its future was cancelled",
          ErrorContext.NONE,
          e);
    } catch (ExecutionException e) {
      Throwable cause = unwrap(e);
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new LlmException("The call failed: " + cause, ErrorContext.NONE, cause);
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (GenerateCall<?> call : active) {
      call.fail(closedException());
    }
    try {
      backend.close();
    } catch (RuntimeException e) {
      LOG.warn("closing the {} chat backend failed", providerId, e);
    }
    if (ownsScheduler) {
      scheduler.shutdownNow();
    }
  }

  @Override
  public String toString() {
    return "LlmClient[provider="
        + providerId
        + ", config="
        + config
        + ", retryPolicy="
        + policy
        + ", cache="
        + cache
        + "]";
  }
}
