package dev.llmclient.api.spi;

import dev.llmclient.api.Message;
import dev.llmclient.api.ToolChoice;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One chat-completion request as the core hands it to a {@link ChatBackend}: already cleaned,
 * resolved and decided. The backend puts it on the wire as it is; every optional field that is null
 * (or empty) is left out of the body.
 *
 * <pre>{@code
 * ChatCompletionRequest request = ChatCompletionRequest.builder("gpt-4o", messages)
 *     .maxOutputTokens(500)
 *     .responseFormat(ResponseFormat.text())
 *     .build();
 * }</pre>
 */
public final class ChatCompletionRequest {

  private final String model;
  private final List<Message> messages;
  private final @Nullable Double temperature;
  private final @Nullable Integer maxOutputTokens;
  private final ResponseFormat responseFormat;
  private final @Nullable String reasoningEffort;
  private final @Nullable String verbosity;
  private final @Nullable String user;
  private final @Nullable String safetyIdentifier;
  private final @Nullable Long seed;
  private final @Nullable Double topP;
  private final List<String> stop;
  private final @Nullable Double presencePenalty;
  private final @Nullable Double frequencyPenalty;
  private final boolean logprobs;
  private final @Nullable Integer topLogprobs;
  private final @Nullable String serviceTier;
  private final List<ToolDefinition> tools;
  private final @Nullable ToolChoice toolChoice;
  private final @Nullable Boolean parallelToolCalls;
  private final Map<String, String> headers;

  private ChatCompletionRequest(Builder b) {
    this.model = Objects.requireNonNull(b.model, "model");
    this.messages = List.copyOf(b.messages);
    this.temperature = b.temperature;
    this.maxOutputTokens = b.maxOutputTokens;
    this.responseFormat = Objects.requireNonNull(b.responseFormat, "responseFormat");
    this.reasoningEffort = b.reasoningEffort;
    this.verbosity = b.verbosity;
    this.user = b.user;
    this.safetyIdentifier = b.safetyIdentifier;
    this.seed = b.seed;
    this.topP = b.topP;
    this.stop = List.copyOf(b.stop);
    this.presencePenalty = b.presencePenalty;
    this.frequencyPenalty = b.frequencyPenalty;
    this.logprobs = b.logprobs;
    this.topLogprobs = b.topLogprobs;
    this.serviceTier = b.serviceTier;
    this.tools = List.copyOf(b.tools);
    this.toolChoice = b.toolChoice;
    this.parallelToolCalls = b.parallelToolCalls;
    this.headers = Map.copyOf(b.headers);
  }

  /**
   * A request with the settings every provider takes; the wider settings are left unset. Kept for
   * callers written before the builder; prefer {@link #builder(String, List)}.
   *
   * @param model the model name, or the deployment name on Azure
   * @param messages the conversation, in order
   * @param temperature the sampling temperature, or null to omit it
   * @param maxOutputTokens the output cap, or null to omit it
   * @param responseFormat text, JSON object or JSON schema
   * @param reasoningEffort {@code reasoning_effort}, or null to omit it
   * @param verbosity {@code verbosity}, or null to omit it
   * @param user {@code user}, or null to omit it
   * @param headers extra HTTP headers for this request only
   */
  public ChatCompletionRequest(
      String model,
      List<Message> messages,
      @Nullable Double temperature,
      @Nullable Integer maxOutputTokens,
      ResponseFormat responseFormat,
      @Nullable String reasoningEffort,
      @Nullable String verbosity,
      @Nullable String user,
      Map<String, String> headers) {
    this(
        builder(model, messages)
            .temperature(temperature)
            .maxOutputTokens(maxOutputTokens)
            .responseFormat(responseFormat)
            .reasoningEffort(reasoningEffort)
            .verbosity(verbosity)
            .user(user)
            .headers(headers));
  }

  /**
   * A builder for a model and a conversation, in JSON-object mode until {@link
   * Builder#responseFormat(ResponseFormat)} says otherwise.
   *
   * @param model the model name, or the deployment name on Azure
   * @param messages the conversation, in order
   * @return the builder
   */
  public static Builder builder(String model, List<Message> messages) {
    return new Builder(model, messages);
  }

  /**
   * A plain request with only a model and messages.
   *
   * @param model the model or deployment
   * @param messages the conversation
   * @return the request, in JSON-object mode
   */
  public static ChatCompletionRequest of(String model, List<Message> messages) {
    return builder(model, messages).build();
  }

  /**
   * A builder that starts from this request.
   *
   * @return the builder
   */
  public Builder toBuilder() {
    Builder b = new Builder(model, messages);
    b.temperature = temperature;
    b.maxOutputTokens = maxOutputTokens;
    b.responseFormat = responseFormat;
    b.reasoningEffort = reasoningEffort;
    b.verbosity = verbosity;
    b.user = user;
    b.safetyIdentifier = safetyIdentifier;
    b.seed = seed;
    b.topP = topP;
    b.stop = stop;
    b.presencePenalty = presencePenalty;
    b.frequencyPenalty = frequencyPenalty;
    b.logprobs = logprobs;
    b.topLogprobs = topLogprobs;
    b.serviceTier = serviceTier;
    b.tools = tools;
    b.toolChoice = toolChoice;
    b.parallelToolCalls = parallelToolCalls;
    b.headers = headers;
    return b;
  }

  /**
   * The same request with other extra headers.
   *
   * @param newHeaders the headers
   * @return the copy
   */
  public ChatCompletionRequest withHeaders(Map<String, String> newHeaders) {
    return toBuilder().headers(newHeaders).build();
  }

  /**
   * The same request with another conversation (used by re-asks).
   *
   * @param newMessages the conversation
   * @return the copy
   */
  public ChatCompletionRequest withMessages(List<Message> newMessages) {
    Builder b = toBuilder();
    b.messages = newMessages;
    return b.build();
  }

  /**
   * The model name, or the deployment name on Azure.
   *
   * @return the name
   */
  public String model() {
    return model;
  }

  /**
   * The conversation, in order.
   *
   * @return an unmodifiable list
   */
  public List<Message> messages() {
    return messages;
  }

  /**
   * The sampling temperature.
   *
   * @return the temperature, or null to omit it (reasoning models)
   */
  public @Nullable Double temperature() {
    return temperature;
  }

  /**
   * The output cap, sent as {@code max_completion_tokens} (or {@code max_tokens} where a compatible
   * server needs it).
   *
   * @return the cap, or null to omit it
   */
  public @Nullable Integer maxOutputTokens() {
    return maxOutputTokens;
  }

  /**
   * Text, JSON object or JSON schema.
   *
   * @return the format
   */
  public ResponseFormat responseFormat() {
    return responseFormat;
  }

  /**
   * {@code reasoning_effort} for reasoning models.
   *
   * @return the effort, or null to omit it
   */
  public @Nullable String reasoningEffort() {
    return reasoningEffort;
  }

  /**
   * {@code verbosity} for models that take it.
   *
   * @return the verbosity, or null to omit it
   */
  public @Nullable String verbosity() {
    return verbosity;
  }

  /**
   * An end-user id for abuse monitoring ({@code user}).
   *
   * @return the id, or null
   */
  public @Nullable String user() {
    return user;
  }

  /**
   * {@code safety_identifier}.
   *
   * @return the id, or null
   */
  public @Nullable String safetyIdentifier() {
    return safetyIdentifier;
  }

  /**
   * {@code seed}.
   *
   * @return the seed, or null
   */
  public @Nullable Long seed() {
    return seed;
  }

  /**
   * {@code top_p}.
   *
   * @return the value, or null
   */
  public @Nullable Double topP() {
    return topP;
  }

  /**
   * {@code stop}.
   *
   * @return the sequences; empty to omit it
   */
  public List<String> stop() {
    return stop;
  }

  /**
   * {@code presence_penalty}.
   *
   * @return the value, or null
   */
  public @Nullable Double presencePenalty() {
    return presencePenalty;
  }

  /**
   * {@code frequency_penalty}.
   *
   * @return the value, or null
   */
  public @Nullable Double frequencyPenalty() {
    return frequencyPenalty;
  }

  /**
   * {@code logprobs}.
   *
   * @return true to request them; false omits the field
   */
  public boolean logprobs() {
    return logprobs;
  }

  /**
   * {@code top_logprobs}.
   *
   * @return 0 to 20, or null
   */
  public @Nullable Integer topLogprobs() {
    return topLogprobs;
  }

  /**
   * {@code service_tier}.
   *
   * @return the tier, or null
   */
  public @Nullable String serviceTier() {
    return serviceTier;
  }

  /**
   * {@code tools}, each a function.
   *
   * @return the tools; empty to omit them
   */
  public List<ToolDefinition> tools() {
    return tools;
  }

  /**
   * {@code tool_choice}.
   *
   * @return the choice, or null to omit it
   */
  public @Nullable ToolChoice toolChoice() {
    return toolChoice;
  }

  /**
   * {@code parallel_tool_calls}.
   *
   * @return the setting, or null to omit it
   */
  public @Nullable Boolean parallelToolCalls() {
    return parallelToolCalls;
  }

  /**
   * Extra HTTP headers for this request only, e.g. W3C {@code traceparent}.
   *
   * @return an unmodifiable map
   */
  public Map<String, String> headers() {
    return headers;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ChatCompletionRequest r
        && model.equals(r.model)
        && messages.equals(r.messages)
        && Objects.equals(temperature, r.temperature)
        && Objects.equals(maxOutputTokens, r.maxOutputTokens)
        && responseFormat.equals(r.responseFormat)
        && Objects.equals(reasoningEffort, r.reasoningEffort)
        && Objects.equals(verbosity, r.verbosity)
        && Objects.equals(user, r.user)
        && Objects.equals(safetyIdentifier, r.safetyIdentifier)
        && Objects.equals(seed, r.seed)
        && Objects.equals(topP, r.topP)
        && stop.equals(r.stop)
        && Objects.equals(presencePenalty, r.presencePenalty)
        && Objects.equals(frequencyPenalty, r.frequencyPenalty)
        && logprobs == r.logprobs
        && Objects.equals(topLogprobs, r.topLogprobs)
        && Objects.equals(serviceTier, r.serviceTier)
        && tools.equals(r.tools)
        && Objects.equals(toolChoice, r.toolChoice)
        && Objects.equals(parallelToolCalls, r.parallelToolCalls)
        && headers.equals(r.headers);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        model,
        messages,
        temperature,
        maxOutputTokens,
        responseFormat,
        reasoningEffort,
        verbosity,
        user,
        safetyIdentifier,
        seed,
        topP,
        stop,
        presencePenalty,
        frequencyPenalty,
        logprobs,
        topLogprobs,
        serviceTier,
        tools,
        toolChoice,
        parallelToolCalls,
        headers);
  }

  /** Shows the settings and the message count; never message content or header values. */
  @Override
  public String toString() {
    return "ChatCompletionRequest[model="
        + model
        + ", messages="
        + messages.size()
        + ", responseFormat="
        + responseFormat
        + ", maxOutputTokens="
        + maxOutputTokens
        + ", temperature="
        + temperature
        + ", tools="
        + tools.size()
        + ", headers="
        + headers.keySet()
        + "]";
  }

  /** Builds a {@link ChatCompletionRequest}. Not thread-safe. */
  public static final class Builder {
    private String model;
    private List<Message> messages;
    private @Nullable Double temperature;
    private @Nullable Integer maxOutputTokens;
    private ResponseFormat responseFormat = ResponseFormat.jsonObject();
    private @Nullable String reasoningEffort;
    private @Nullable String verbosity;
    private @Nullable String user;
    private @Nullable String safetyIdentifier;
    private @Nullable Long seed;
    private @Nullable Double topP;
    private List<String> stop = List.of();
    private @Nullable Double presencePenalty;
    private @Nullable Double frequencyPenalty;
    private boolean logprobs;
    private @Nullable Integer topLogprobs;
    private @Nullable String serviceTier;
    private List<ToolDefinition> tools = List.of();
    private @Nullable ToolChoice toolChoice;
    private @Nullable Boolean parallelToolCalls;
    private Map<String, String> headers = Map.of();

    private Builder(String model, List<Message> messages) {
      this.model = Objects.requireNonNull(model, "model");
      this.messages = Objects.requireNonNull(messages, "messages");
    }

    /**
     * Sets the model or deployment.
     *
     * @param model the name
     * @return this builder
     */
    public Builder model(String model) {
      this.model = Objects.requireNonNull(model, "model");
      return this;
    }

    /**
     * Sets the sampling temperature.
     *
     * @param temperature the temperature, or null to omit it
     * @return this builder
     */
    public Builder temperature(@Nullable Double temperature) {
      this.temperature = temperature;
      return this;
    }

    /**
     * Sets the output cap.
     *
     * @param maxOutputTokens the cap, or null to omit it
     * @return this builder
     */
    public Builder maxOutputTokens(@Nullable Integer maxOutputTokens) {
      this.maxOutputTokens = maxOutputTokens;
      return this;
    }

    /**
     * Sets the response format.
     *
     * @param responseFormat text, JSON object or JSON schema
     * @return this builder
     */
    public Builder responseFormat(ResponseFormat responseFormat) {
      this.responseFormat = Objects.requireNonNull(responseFormat, "responseFormat");
      return this;
    }

    /**
     * Sets {@code reasoning_effort}.
     *
     * @param reasoningEffort the effort, or null to omit it
     * @return this builder
     */
    public Builder reasoningEffort(@Nullable String reasoningEffort) {
      this.reasoningEffort = reasoningEffort;
      return this;
    }

    /**
     * Sets {@code verbosity}.
     *
     * @param verbosity the verbosity, or null to omit it
     * @return this builder
     */
    public Builder verbosity(@Nullable String verbosity) {
      this.verbosity = verbosity;
      return this;
    }

    /**
     * Sets {@code user}.
     *
     * @param user the id, or null
     * @return this builder
     */
    public Builder user(@Nullable String user) {
      this.user = user;
      return this;
    }

    /**
     * Sets {@code safety_identifier}.
     *
     * @param safetyIdentifier the id, or null
     * @return this builder
     */
    public Builder safetyIdentifier(@Nullable String safetyIdentifier) {
      this.safetyIdentifier = safetyIdentifier;
      return this;
    }

    /**
     * Sets {@code seed}.
     *
     * @param seed the seed, or null
     * @return this builder
     */
    public Builder seed(@Nullable Long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * Sets {@code top_p}.
     *
     * @param topP the value, or null
     * @return this builder
     */
    public Builder topP(@Nullable Double topP) {
      this.topP = topP;
      return this;
    }

    /**
     * Sets {@code stop}.
     *
     * @param stop the sequences; empty to omit it
     * @return this builder
     */
    public Builder stop(List<String> stop) {
      this.stop = Objects.requireNonNull(stop, "stop");
      return this;
    }

    /**
     * Sets {@code presence_penalty}.
     *
     * @param presencePenalty the value, or null
     * @return this builder
     */
    public Builder presencePenalty(@Nullable Double presencePenalty) {
      this.presencePenalty = presencePenalty;
      return this;
    }

    /**
     * Sets {@code frequency_penalty}.
     *
     * @param frequencyPenalty the value, or null
     * @return this builder
     */
    public Builder frequencyPenalty(@Nullable Double frequencyPenalty) {
      this.frequencyPenalty = frequencyPenalty;
      return this;
    }

    /**
     * Sets {@code logprobs} and {@code top_logprobs}.
     *
     * @param logprobs true to request them
     * @param topLogprobs alternatives per token, or null
     * @return this builder
     */
    public Builder logprobs(boolean logprobs, @Nullable Integer topLogprobs) {
      this.logprobs = logprobs;
      this.topLogprobs = topLogprobs;
      return this;
    }

    /**
     * Sets {@code service_tier}.
     *
     * @param serviceTier the tier, or null
     * @return this builder
     */
    public Builder serviceTier(@Nullable String serviceTier) {
      this.serviceTier = serviceTier;
      return this;
    }

    /**
     * Sets {@code tools}, {@code tool_choice} and {@code parallel_tool_calls}.
     *
     * @param tools the tools; empty to omit them
     * @param toolChoice the choice, or null to omit it
     * @param parallelToolCalls the setting, or null to omit it
     * @return this builder
     */
    public Builder tools(
        List<ToolDefinition> tools,
        @Nullable ToolChoice toolChoice,
        @Nullable Boolean parallelToolCalls) {
      this.tools = Objects.requireNonNull(tools, "tools");
      this.toolChoice = toolChoice;
      this.parallelToolCalls = parallelToolCalls;
      return this;
    }

    /**
     * Sets the extra HTTP headers for this request.
     *
     * @param headers the headers
     * @return this builder
     */
    public Builder headers(Map<String, String> headers) {
      this.headers = Objects.requireNonNull(headers, "headers");
      return this;
    }

    /**
     * Builds the request.
     *
     * @return the request
     */
    public ChatCompletionRequest build() {
      return new ChatCompletionRequest(this);
    }
  }
}
