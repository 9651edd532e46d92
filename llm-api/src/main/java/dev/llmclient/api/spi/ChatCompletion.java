package dev.llmclient.api.spi;

import dev.llmclient.api.TokenLogprob;
import dev.llmclient.api.ToolCall;
import dev.llmclient.api.Usage;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What one successful HTTP exchange returned: the first choice, its usage and the server's headers.
 * A backend returns this only for a real completion; HTTP errors and a {@code finish_reason} of
 * {@code content_filter} are exceptions instead.
 *
 * @param content the message content, or null when the model sent none
 * @param refusal the structured-output refusal text, or null
 * @param finishReason {@code stop}, {@code length}, ... or null when absent
 * @param usage the tokens the server reported ({@link Usage#ZERO} when it reported none)
 * @param model the model the server says answered, or null
 * @param id the completion id ({@code chatcmpl-...}), or null
 * @param requestId the {@code x-request-id} or {@code apim-request-id} header, or null
 * @param rateLimit the rate-limit headers
 * @param servedBy which member of a deployment pool answered, or null when the backend is a single
 *     deployment
 * @param toolCalls the tool calls of the first choice, as the model wrote them (not bound)
 * @param logprobs the token log probabilities of the first choice's content, when requested
 */
public record ChatCompletion(
    @Nullable String content,
    @Nullable String refusal,
    @Nullable String finishReason,
    Usage usage,
    @Nullable String model,
    @Nullable String id,
    @Nullable String requestId,
    RateLimitInfo rateLimit,
    @Nullable String servedBy,
    List<ToolCall> toolCalls,
    List<TokenLogprob> logprobs) {

  /**
   * Rejects null usage and rate-limit info and copies the lists.
   *
   * @param content the message content, or null when the model sent none
   * @param refusal the structured-output refusal text, or null
   * @param finishReason {@code stop}, {@code length}, ... or null when absent
   * @param usage the tokens the server reported ({@link Usage#ZERO} when it reported none)
   * @param model the model the server says answered, or null
   * @param id the completion id ({@code chatcmpl-...}), or null
   * @param requestId the {@code x-request-id} or {@code apim-request-id} header, or null
   * @param rateLimit the rate-limit headers
   * @param servedBy which member of a deployment pool answered, or null when the backend is a
   *     single deployment
   * @param toolCalls the tool calls of the first choice
   * @param logprobs the token log probabilities, when requested
   * @throws NullPointerException if {@code usage} or {@code rateLimit} is null
   */
  public ChatCompletion {
    Objects.requireNonNull(usage, "usage");
    Objects.requireNonNull(rateLimit, "rateLimit");
    toolCalls = List.copyOf(toolCalls);
    logprobs = List.copyOf(logprobs);
  }

  /**
   * A completion without tool calls or log probabilities.
   *
   * @param content the message content, or null
   * @param refusal the refusal text, or null
   * @param finishReason the finish reason, or null
   * @param usage the tokens the server reported
   * @param model the model the server named, or null
   * @param id the completion id, or null
   * @param requestId the server's request id, or null
   * @param rateLimit the rate-limit headers
   * @param servedBy which member of a deployment pool answered, or null
   */
  public ChatCompletion(
      @Nullable String content,
      @Nullable String refusal,
      @Nullable String finishReason,
      Usage usage,
      @Nullable String model,
      @Nullable String id,
      @Nullable String requestId,
      RateLimitInfo rateLimit,
      @Nullable String servedBy) {
    this(
        content,
        refusal,
        finishReason,
        usage,
        model,
        id,
        requestId,
        rateLimit,
        servedBy,
        List.of(),
        List.of());
  }

  /**
   * A completion from a single deployment ({@link #servedBy()} null).
   *
   * @param content the message content, or null
   * @param refusal the refusal text, or null
   * @param finishReason the finish reason, or null
   * @param usage the tokens the server reported
   * @param model the model the server named, or null
   * @param id the completion id, or null
   * @param requestId the server's request id, or null
   * @param rateLimit the rate-limit headers
   */
  public ChatCompletion(
      @Nullable String content,
      @Nullable String refusal,
      @Nullable String finishReason,
      Usage usage,
      @Nullable String model,
      @Nullable String id,
      @Nullable String requestId,
      RateLimitInfo rateLimit) {
    this(content, refusal, finishReason, usage, model, id, requestId, rateLimit, null);
  }

  /**
   * The same completion, marked as answered by a member of a deployment pool.
   *
   * @param member the member's name
   * @return the copy
   */
  public ChatCompletion withServedBy(String member) {
    return new ChatCompletion(
        content,
        refusal,
        finishReason,
        usage,
        model,
        id,
        requestId,
        rateLimit,
        member,
        toolCalls,
        logprobs);
  }

  /**
   * A completion with content and a {@code stop} finish reason, for test doubles.
   *
   * @param content the content
   * @param usage the usage
   * @return the completion
   */
  public static ChatCompletion of(String content, Usage usage) {
    return new ChatCompletion(content, null, "stop", usage, null, null, null, RateLimitInfo.NONE);
  }

  /** Shows everything but the content and refusal text, which may hold personal data. */
  @Override
  public String toString() {
    return "ChatCompletion[content="
        + (content == null ? "null" : "<" + content.length() + " chars>")
        + ", refusal="
        + (refusal == null ? "null" : "<" + refusal.length() + " chars>")
        + ", finishReason="
        + finishReason
        + ", usage="
        + usage
        + ", model="
        + model
        + ", id="
        + id
        + ", requestId="
        + requestId
        + ", rateLimit="
        + rateLimit
        + ", servedBy="
        + servedBy
        + (toolCalls.isEmpty() ? "" : ", toolCalls=" + toolCalls)
        + "]";
  }
}
