package dev.llmclient.api;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The answer to one {@link LlmRequest}, with what it cost and how it was obtained.
 *
 * <p>The model answers either with content ({@link #value()}: a typed object, the text, or a JSON
 * object) or, when the request has tools, with {@linkplain #toolCalls() tool calls} to run first.
 *
 * @param <T> the type of {@link #value()}: the request's response type, or {@code
 *     Map<String,Object>} when none was given
 */
public final class LlmResponse<T> {

  private final @Nullable T value;
  private final @Nullable Map<String, Object> json;
  private final List<ToolCall> toolCalls;
  private final List<TokenLogprob> logprobs;
  private final Usage usage;
  private final String model;
  private final @Nullable String finishReason;
  private final boolean cacheHit;
  private final int attempts;
  private final int reasks;
  private final @Nullable String requestId;
  private final @Nullable String servedBy;

  private LlmResponse(Builder<T> b) {
    this.toolCalls = List.copyOf(b.toolCalls);
    this.logprobs = List.copyOf(b.logprobs);
    if (b.value == null && toolCalls.isEmpty()) {
      throw new NullPointerException("value: a response has a value, tool calls, or both");
    }
    this.value = b.value;
    this.json = b.json;
    this.usage = b.usage;
    this.model = Objects.requireNonNull(b.model, "model");
    this.finishReason = b.finishReason;
    this.cacheHit = b.cacheHit;
    this.attempts = b.attempts;
    this.reasks = b.reasks;
    this.requestId = b.requestId;
    this.servedBy = b.servedBy;
  }

  /**
   * A builder, for pipelines and test doubles that produce responses.
   *
   * @param <T> the value type
   * @return the builder
   */
  public static <T> Builder<T> builder() {
    return new Builder<>();
  }

  /**
   * The answer mapped to the requested type: the typed object, the text for a {@code String}
   * request, or the JSON object.
   *
   * @return the value, never null
   * @throws IllegalStateException when the model answered only with tool calls: run them (see
   *     {@link #toolCalls()}) and ask again with their results
   */
  public T value() {
    if (value == null) {
      throw new IllegalStateException(
          "the model answered with "
              + toolCalls.size()
              + " tool call(s) and no content: run them (toolCalls()), add"
              + " Message.assistant(toolCalls()) and a Message.tool(id, result) per call, and ask"
              + " again");
    }
    return value;
  }

  /**
   * Whether the answer has content ({@link #value()}); false when the model answered only with tool
   * calls.
   *
   * @return true when {@link #value()} returns
   */
  public boolean hasValue() {
    return value != null;
  }

  /**
   * The answer as the JSON object the model returned (Graphiti's {@code generate_response} result).
   *
   * @return an unmodifiable map
   * @throws IllegalStateException for a text answer or one with only tool calls, which have no JSON
   *     object
   */
  public Map<String, Object> json() {
    if (json == null) {
      throw new IllegalStateException(
          value == null
              ? "the model answered only with tool calls; see toolCalls()"
              : "this answer is text, not a JSON object; use value()");
    }
    return json;
  }

  /**
   * The tools the model asked to call, with their arguments validated against each tool's schema
   * and bound to its parameter type.
   *
   * @return the calls, in order; empty when the model called none
   */
  public List<ToolCall> toolCalls() {
    return toolCalls;
  }

  /**
   * The log probabilities of the answer's tokens, when {@link LlmRequest#logprobs()} asked for
   * them.
   *
   * @return one entry per token; empty when not requested or not sent
   */
  public List<TokenLogprob> logprobs() {
    return logprobs;
  }

  /**
   * Tokens of every attempt of this call, failed attempts included; zero on a cache hit.
   *
   * @return the usage
   */
  public Usage usage() {
    return usage;
  }

  /**
   * The model (or Azure deployment) that answered, as the server named it when it did.
   *
   * @return the model name
   */
  public String model() {
    return model;
  }

  /**
   * Why the model stopped ({@code "stop"}, {@code "length"}, ...), as the server sent it.
   *
   * @return the reason, or null when unknown (for example on a cache hit)
   */
  public @Nullable String finishReason() {
    return finishReason;
  }

  /**
   * Whether the answer came from the response cache, without a request.
   *
   * @return true on a cache hit
   */
  public boolean cacheHit() {
    return cacheHit;
  }

  /**
   * How many HTTP requests this call made: transport retries and re-asks included, 0 on a cache
   * hit.
   *
   * @return the count
   */
  public int attempts() {
    return attempts;
  }

  /**
   * How many times the model was asked again because its answer was not valid JSON or did not match
   * the schema.
   *
   * @return the count, 0 when the first answer was valid
   */
  public int reasks() {
    return reasks;
  }

  /**
   * The server's request id of the answering request ({@code x-request-id} or {@code
   * apim-request-id}), for support tickets.
   *
   * @return the id, or null when the server sent none
   */
  public @Nullable String requestId() {
    return requestId;
  }

  /**
   * Which member of a deployment pool answered (its name), when the client runs on a pool.
   *
   * @return the member's name, or null for a single deployment or a cache hit
   */
  public @Nullable String servedBy() {
    return servedBy;
  }

  @Override
  public String toString() {
    return "LlmResponse[model="
        + model
        + (toolCalls.isEmpty() ? "" : ", toolCalls=" + toolCalls)
        + ", finishReason="
        + finishReason
        + ", usage="
        + usage
        + ", cacheHit="
        + cacheHit
        + ", attempts="
        + attempts
        + ", reasks="
        + reasks
        + ", requestId="
        + requestId
        + ", servedBy="
        + servedBy
        + "]";
  }

  /**
   * Builds an {@link LlmResponse}.
   *
   * @param <T> the value type
   */
  public static final class Builder<T> {
    private @Nullable T value;
    private @Nullable Map<String, Object> json;
    private List<ToolCall> toolCalls = List.of();
    private List<TokenLogprob> logprobs = List.of();
    private Usage usage = Usage.ZERO;
    private @Nullable String model;
    private @Nullable String finishReason;
    private boolean cacheHit;
    private int attempts;
    private int reasks;
    private @Nullable String requestId;
    private @Nullable String servedBy;

    private Builder() {}

    /**
     * Sets the mapped value.
     *
     * @param value the value, or null when the model answered only with tool calls
     * @return this builder
     */
    public Builder<T> value(@Nullable T value) {
      this.value = value;
      return this;
    }

    /**
     * Sets the JSON object; it is kept as given, so pass an unmodifiable map.
     *
     * @param json the object, or null for a text answer
     * @return this builder
     */
    public Builder<T> json(@Nullable Map<String, Object> json) {
      this.json = json;
      return this;
    }

    /**
     * Sets the tool calls the model made.
     *
     * @param toolCalls the calls
     * @return this builder
     */
    public Builder<T> toolCalls(List<ToolCall> toolCalls) {
      this.toolCalls = Objects.requireNonNull(toolCalls, "toolCalls");
      return this;
    }

    /**
     * Sets the token log probabilities.
     *
     * @param logprobs one entry per token
     * @return this builder
     */
    public Builder<T> logprobs(List<TokenLogprob> logprobs) {
      this.logprobs = Objects.requireNonNull(logprobs, "logprobs");
      return this;
    }

    /**
     * Sets the usage.
     *
     * @param usage the usage
     * @return this builder
     */
    public Builder<T> usage(Usage usage) {
      this.usage = Objects.requireNonNull(usage, "usage");
      return this;
    }

    /**
     * Sets the model name.
     *
     * @param model the model
     * @return this builder
     */
    public Builder<T> model(String model) {
      this.model = model;
      return this;
    }

    /**
     * Sets the finish reason.
     *
     * @param finishReason the reason, or null
     * @return this builder
     */
    public Builder<T> finishReason(@Nullable String finishReason) {
      this.finishReason = finishReason;
      return this;
    }

    /**
     * Marks a cache hit.
     *
     * @param cacheHit true when served from the cache
     * @return this builder
     */
    public Builder<T> cacheHit(boolean cacheHit) {
      this.cacheHit = cacheHit;
      return this;
    }

    /**
     * Sets the number of HTTP requests made.
     *
     * @param attempts the count, at least 0
     * @return this builder
     */
    public Builder<T> attempts(int attempts) {
      if (attempts < 0) {
        throw new IllegalArgumentException("attempts must be >= 0, got " + attempts);
      }
      this.attempts = attempts;
      return this;
    }

    /**
     * Sets the number of re-asks.
     *
     * @param reasks the count, at least 0
     * @return this builder
     */
    public Builder<T> reasks(int reasks) {
      if (reasks < 0) {
        throw new IllegalArgumentException("reasks must be >= 0, got " + reasks);
      }
      this.reasks = reasks;
      return this;
    }

    /**
     * Sets the server's request id.
     *
     * @param requestId the id, or null
     * @return this builder
     */
    public Builder<T> requestId(@Nullable String requestId) {
      this.requestId = requestId;
      return this;
    }

    /**
     * Sets the pool member that answered.
     *
     * @param servedBy the member's name, or null
     * @return this builder
     */
    public Builder<T> servedBy(@Nullable String servedBy) {
      this.servedBy = servedBy;
      return this;
    }

    /**
     * Builds the response.
     *
     * @return the response
     * @throws NullPointerException if the model, or both the value and the tool calls, are missing
     */
    public LlmResponse<T> build() {
      return new LlmResponse<>(this);
    }
  }
}
