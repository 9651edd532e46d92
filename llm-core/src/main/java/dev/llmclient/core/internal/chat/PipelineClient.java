package dev.llmclient.core.internal.chat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmclient.api.ContentPart;
import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmConfigurationException;
import dev.llmclient.api.LlmRequest;
import dev.llmclient.api.LlmResponse;
import dev.llmclient.api.LlmStream;
import dev.llmclient.api.Message;
import dev.llmclient.api.ModelSize;
import dev.llmclient.api.Tool;
import dev.llmclient.api.spi.BackendInfo;
import dev.llmclient.api.spi.ChatBackend;
import dev.llmclient.api.spi.ChatCompletionRequest;
import dev.llmclient.api.spi.ResponseFormat;
import dev.llmclient.api.spi.SpanKind;
import dev.llmclient.api.spi.ToolDefinition;
import dev.llmclient.core.LlmClients;
import dev.llmclient.core.LlmConfig;
import dev.llmclient.core.StructuredOutputMode;
import dev.llmclient.core.SystemPromptSuffix;
import dev.llmclient.core.internal.runtime.CacheKey;
import dev.llmclient.core.internal.runtime.ClientRuntime;
import dev.llmclient.core.internal.runtime.SafeSpan;
import dev.llmclient.core.internal.schema.ResponseSchema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The {@link LlmClient} that {@link LlmClients} builds: prepares each request (copy, suffix,
 * cleaning, model and parameter resolution, schema lookup, cache key) on the caller's thread, then
 * hands it to a {@link GenerateCall} that runs attempts, retries and re-asks asynchronously.
 */
public final class PipelineClient implements LlmClient {

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
      boolean text,
      Map<String, ResponseSchema> toolSchemas,
      @Nullable String cacheKey) {}

  final ChatBackend backend;
  final String providerId;
  final LlmConfig config;
  final @Nullable SystemPromptSuffix suffix;

  /** The client's share of the call lifecycle: policies, limits, calls in flight, closing. */
  final ClientRuntime runtime;

  /** The application's mapper for binding answers, or null for the built-in one. */
  private final @Nullable ObjectMapper objectMapper;

  /**
   * A client on this backend.
   *
   * @param backend the chat backend, closed with the client
   * @param config the effective configuration
   * @param suffix the system-prompt suffix, or null
   * @param options what every client gets from its builder
   */
  public PipelineClient(
      ChatBackend backend,
      LlmConfig config,
      @Nullable SystemPromptSuffix suffix,
      ClientRuntime.Options options) {
    this(backend, config, suffix, options, null);
  }

  /**
   * A client on this backend that binds answers with the application's mapper.
   *
   * @param backend the chat backend, closed with the client
   * @param config the effective configuration
   * @param suffix the system-prompt suffix, or null
   * @param options what every client gets from its builder
   * @param objectMapper binds answers to their types, or null for the built-in mapper
   */
  public PipelineClient(
      ChatBackend backend,
      LlmConfig config,
      @Nullable SystemPromptSuffix suffix,
      ClientRuntime.Options options,
      @Nullable ObjectMapper objectMapper) {
    this.objectMapper = objectMapper;
    this.backend = backend;
    this.providerId = backend.info().providerId();
    this.config = config;
    this.suffix = suffix;
    this.runtime =
        new ClientRuntime(
            options,
            providerId,
            "generate",
            new ClientRuntime.Admission(
                config.maxConcurrentCalls(),
                config.maxQueuedCalls(),
                "The call",
                "calls",
                "LlmConfig.maxQueuedCalls(...)",
                LlmConfig.MAX_QUEUED_CALLS,
                "LlmConfig.maxConcurrentCalls(...)",
                LlmConfig.MAX_CONCURRENT_CALLS),
            "This LlmClient is closed; build a new one with LlmClients.builder() or"
                + " LlmClients.fromEnvironment().");
  }

  @Override
  public <T> LlmResponse<T> generate(LlmRequest<T> request) {
    ClientRuntime.refuseToBlockAClientThread("generate()");
    Objects.requireNonNull(request, "request");
    // The caller's own wait keeps the deadline, so the call needs no timer on the scheduler.
    return newCall(request).startAndWait();
  }

  @Override
  public <T> CompletableFuture<LlmResponse<T>> generateAsync(LlmRequest<T> request) {
    Objects.requireNonNull(request, "request");
    GenerateCall<T> call;
    try {
      call = newCall(request);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return call.start();
  }

  /**
   * A prepared call, not started.
   *
   * @throws RuntimeException the failure of a closed client or of {@link #prepare}
   */
  private <T> GenerateCall<T> newCall(LlmRequest<T> request) {
    if (runtime.isClosed()) {
      throw runtime.closedException();
    }
    SafeSpan span = SafeSpan.start(runtime.tracer(), runtime.spanName(), SpanKind.INTERNAL);
    Prepared prepared;
    try {
      prepared = prepare(request);
    } catch (RuntimeException e) {
      span.endWithError(e);
      throw e;
    }
    describe(span, prepared, request);
    return new GenerateCall<>(this, prepared, span, request.promptName(), null);
  }

  @Override
  public <T> LlmStream<T> stream(LlmRequest<T> request) {
    Objects.requireNonNull(request, "request");
    if (runtime.isClosed()) {
      throw runtime.closedException();
    }
    Prepared prepared = prepare(request);
    return new PipelineStream<>(this, prepared, request);
  }

  /** Starts a prepared stream's call; runs once per stream, when its consumer comes. */
  <T> CompletableFuture<LlmResponse<T>> startStream(
      Prepared prepared, LlmRequest<T> request, StreamRelay relay) {
    if (runtime.isClosed()) {
      return CompletableFuture.failedFuture(runtime.closedException());
    }
    SafeSpan span = SafeSpan.start(runtime.tracer(), runtime.spanName(), SpanKind.INTERNAL);
    describe(span, prepared, request);
    span.set("gen_ai.request.stream", true);
    GenerateCall<T> call = new GenerateCall<>(this, prepared, span, request.promptName(), relay);
    return call.start();
  }

  private void describe(SafeSpan span, Prepared prepared, LlmRequest<?> request) {
    if (!span.isNoop()) {
      span.set("llm.provider", providerId);
      span.set("model.size", prepared.size().value());
      span.set("max_tokens", (long) prepared.maxTokens());
      span.set("cache.enabled", runtime.cache() != null);
      String promptName = request.promptName();
      if (promptName != null && !promptName.isEmpty()) {
        span.set("prompt.name", promptName);
      }
      span.set("gen_ai.request.model", prepared.model());
    }
  }

  /**
   * The client's share of the call lifecycle (scheduler, closed state), for the file-batch runner
   * (core.batch), whose polls wait on the client's scheduler.
   *
   * @return the runtime
   */
  public ClientRuntime runtime() {
    return runtime;
  }

  /** The request as an online call would send it, for the file-batch runner (core.batch). */
  public PreparedRequest prepareForBatch(LlmRequest<?> request) {
    Prepared p = prepare(request);
    return new PreparedRequest(p.base(), p.schema(), p.text(), p.model(), p.maxTokens());
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
    boolean text = request.isText();
    if (text) {
      // a text answer: no response format, no schema
    } else if (request.responseType() != null) {
      schema = ResponseSchema.forType(request.responseType()).bindingWith(objectMapper);
    } else if (request.schemaJson() != null) {
      schema =
          ResponseSchema.explicit(
              Objects.requireNonNull(request.schemaName(), "schemaName"), request.schemaJson());
    }
    boolean schemaInPrompt =
        schema != null && config.structuredOutputMode() == StructuredOutputMode.JSON_OBJECT;
    ResponseFormat format =
        text
            ? ResponseFormat.text()
            : schema == null || schemaInPrompt ? ResponseFormat.jsonObject() : schema.format;

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
      String suffixText = suffix.suffixFor(request.groupId());
      if (suffixText != null && !suffixText.isEmpty()) {
        messages.set(0, appendText(messages.get(0), suffixText));
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

    // most calls have no tools: then nothing is allocated for them
    List<ToolDefinition> tools = request.tools().isEmpty() ? List.of() : new ArrayList<>();
    Map<String, ResponseSchema> toolSchemas =
        request.tools().isEmpty() ? Map.of() : new LinkedHashMap<>();
    for (Tool tool : request.tools()) {
      Class<?> parameters = tool.parameterType();
      ResponseSchema toolSchema =
          parameters != null
              ? ResponseSchema.forType(parameters)
              : ResponseSchema.explicit(
                  tool.name(), Objects.requireNonNull(tool.parametersSchemaJson(), "schema"));
      tools.add(new ToolDefinition(tool.name(), tool.description(), toolSchema.json, true));
      toolSchemas.put(tool.name(), toolSchema);
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
    String key = runtime.cache() == null ? null : CacheKey.of(providerId, info.endpoint(), base);
    return new Prepared(
        info,
        model,
        size,
        maxTokens,
        base,
        schema,
        text,
        toolSchemas.isEmpty() ? toolSchemas : java.util.Collections.unmodifiableMap(toolSchemas),
        key);
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
    return config.maxTokens().orElse(LlmConfig.DEFAULT_MAX_TOKENS);
  }

  /**
   * Graphiti's {@code _resolve_reasoning_effort}: {@code auto} becomes {@code none} for gpt-5.5
   * models and {@code minimal} otherwise; null or empty sends nothing; other values pass through.
   */
  public static @Nullable String resolveEffort(@Nullable String configured, String model) {
    if (configured == null || configured.isEmpty()) {
      return null;
    }
    if (!configured.equals("auto")) {
      return configured;
    }
    return model.toLowerCase(Locale.ROOT).startsWith("gpt-5.5") ? "none" : "minimal";
  }

  @Override
  public void close() {
    runtime.close(backend, "chat");
  }

  @Override
  public String toString() {
    return "LlmClient[provider="
        + providerId
        + ", config="
        + config
        + ", retryPolicy="
        + runtime.policy()
        + ", cache="
        + runtime.cache()
        + "]";
  }
}
