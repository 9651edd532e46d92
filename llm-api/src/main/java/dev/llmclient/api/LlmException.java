package dev.llmclient.api;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The root of every failure llmclient reports. Unchecked.
 *
 * <p>Each subtype says whether another attempt can help ({@link #isRetryable()}); the client has
 * already retried retryable failures by the time one reaches the caller. The message says what went
 * wrong and what to do, ends with the provider, HTTP status and request id when known, and never
 * contains a secret or more than a short excerpt of model output.
 *
 * <pre>{@code
 * try {
 *   llm.generate(request);
 * } catch (RateLimitException e) {
 *   requeueAfter(e.retryAfter() != null ? e.retryAfter() : Duration.ofSeconds(10));
 * } catch (LlmException e) {
 *   log.warn("LLM call failed ({}): {}", e.requestId(), e.getMessage());
 * }
 * }</pre>
 */
public class LlmException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final ErrorContext context;

  /**
   * A failure with no provider context.
   *
   * @param message what went wrong and what to do
   */
  public LlmException(String message) {
    this(message, ErrorContext.NONE, null);
  }

  /**
   * A failure with its context and cause.
   *
   * @param message what went wrong and what to do
   * @param context provider, status and request id
   * @param cause the underlying failure, or null
   */
  public LlmException(String message, ErrorContext context, @Nullable Throwable cause) {
    super(withContext(message, context), cause);
    this.context = Objects.requireNonNull(context, "context");
  }

  private static String withContext(String message, ErrorContext context) {
    String details = context.describe();
    return details.isEmpty() ? message : message + " [" + details + "]";
  }

  /**
   * Whether sending the same request again may succeed. Fixed per exception type.
   *
   * @return false for this base type
   */
  public boolean isRetryable() {
    return false;
  }

  /**
   * Provider, HTTP status and request id of the failure.
   *
   * @return the context, never null
   */
  public ErrorContext context() {
    return context;
  }

  /**
   * The provider id, or null when no provider was involved.
   *
   * @return the provider id
   */
  public @Nullable String provider() {
    return context.provider();
  }

  /**
   * The HTTP status of the failed response, or null when there was none.
   *
   * @return the status
   */
  public @Nullable Integer httpStatus() {
    return context.httpStatus();
  }

  /**
   * The server's request id, or null.
   *
   * @return the request id
   */
  public @Nullable String requestId() {
    return context.requestId();
  }
}
