package dev.llmclient.core.internal.chat;

import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmConfigurationException;
import dev.llmclient.api.LlmRequest;
import dev.llmclient.api.LlmResponse;
import dev.llmclient.api.Message;
import dev.llmclient.api.ModelSize;
import dev.llmclient.api.spi.BackendInfo;
import dev.llmclient.api.spi.ChatBackend;
import dev.llmclient.api.spi.ChatCompletionRequest;
import dev.llmclient.api.spi.ResponseFormat;
import dev.llmclient.api.spi.SpanKind;
import dev.llmclient.core.LlmClients;
import dev.llmclient.core.LlmConfig;
import dev.llmclient.core.StructuredOutputMode;
import dev.llmclient.core.SystemPromptSuffix;
import dev.llmclient.core.internal.runtime.CacheKey;
import dev.llmclient.core.internal.runtime.ClientRuntime;
import dev.llmclient.core.internal.runtime.SafeSpan;
import dev.llmclient.core.internal.schema.ResponseSchema;
import java.util.ArrayList;
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
      @Nullable String cacheKey) {}

  final ChatBackend backend;
  final String providerId;
  final LlmConfig config;
  final @Nullable Integer clientMaxTokens;
  final @Nullable SystemPromptSuffix suffix;

  /** The client's share of the call lifecycle: policies, limits, calls in flight, closing. */
  final ClientRuntime runtime;

  /**
   * A client on this backend.
   *
   * @param backend the chat backend, closed with the client
   * @param config the effective configuration
   * @param clientMaxTokens the builder's output-token cap, or null
   * @param suffix the system-prompt suffix, or null
   * @param options what every client gets from its builder
   */
  public PipelineClient(
      ChatBackend backend,
      LlmConfig config,
      @Nullable Integer clientMaxTokens,
      @Nullable SystemPromptSuffix suffix,
      ClientRuntime.Options options) {
    this.backend = backend;
    this.providerId = backend.info().providerId();
    this.config = config;
    this.clientMaxTokens = clientMaxTokens;
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
    return ClientRuntime.await(generateAsync(request));
  }

  @Override
  public <T> CompletableFuture<LlmResponse<T>> generateAsync(LlmRequest<T> request) {
    Objects.requireNonNull(request, "request");
    if (runtime.isClosed()) {
      return CompletableFuture.failedFuture(runtime.closedException());
    }
    SafeSpan span = SafeSpan.start(runtime.tracer(), runtime.spanName(), SpanKind.INTERNAL);
    Prepared prepared;
    try {
      prepared = prepare(request);
    } catch (RuntimeException e) {
      span.endWithError(e);
      return CompletableFuture.failedFuture(e);
    }
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
    return new GenerateCall<T>(this, prepared, span, request.promptName()).start();
  }

  /** Everything decided before the first attempt; runs on the caller's thread. */
  Prepared prepare(LlmRequest<?> request) {
    BackendInfo info = backend.info();
    ModelSize size = request.modelSize();
    String model = resolveModel(size, info);

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
      messages.set(
          last,
          messages
              .get(last)
              .withContent(messages.get(last).content() + SCHEMA_PROMPT + schema.json));
    }
    if (suffix != null) {
      String text = suffix.suffixFor(request.groupId());
      if (text != null && !text.isEmpty()) {
        messages.set(0, messages.get(0).withContent(messages.get(0).content() + text));
      }
    }
    for (int i = 0; i < messages.size(); i++) {
      Message m = messages.get(i);
      String cleaned = InputCleaner.clean(m.content());
      if (cleaned != m.content()) {
        messages.set(i, m.withContent(cleaned));
      }
    }

    ChatCompletionRequest base =
        new ChatCompletionRequest(
            model, messages, temperature, maxTokens, format, effort, verbosity, null, Map.of());
    String key = runtime.cache() == null ? null : CacheKey.of(providerId, info.endpoint(), base);
    return new Prepared(info, model, size, maxTokens, base, schema, key);
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
