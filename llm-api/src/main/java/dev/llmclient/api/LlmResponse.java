package dev.llmclient.api;

import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The answer to one {@link LlmRequest}, with what it cost and how it was obtained.
 *
 * @param <T> the type of {@link #value()}: the request's response type, or {@code
 *     Map<String,Object>} when none was given
 */
public final class LlmResponse<T> {

  private final T value;
  private final Map<String, Object> json;
  private final Usage usage;
  private final String model;
  private final @Nullable String finishReason;
  private final boolean cacheHit;
  private final int attempts;
  private final int reasks;
  private final @Nullable String requestId;
  private final @Nullable String servedBy;

  private LlmResponse(Builder<T> b) {
    this.value = Objects.requireNonNull(b.value, "value");
    this.json = Objects.requireNonNull(b.json, "json");
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
   * The answer mapped to the requested type.
   *
   * @return the value, never null
   */
  public T value() {
    return value;
  }

  /**
   * The answer as the JSON object the model returned (Graphiti's {@code generate_response} result).
   *
   * @return an unmodifiable map
   */
  public Map<String, Object> json() {
    return json;
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
     * @param value the value
     * @return this builder
     */
    public Builder<T> value(T value) {
      this.value = value;
      return this;
    }

    /**
     * Sets the JSON object; it is kept as given, so pass an unmodifiable map.
     *
     * @param json the object
     * @return this builder
     */
    public Builder<T> json(Map<String, Object> json) {
      this.json = json;
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
     * @throws NullPointerException if value, json or model is missing
     */
    public LlmResponse<T> build() {
      return new LlmResponse<>(this);
    }
  }
}
