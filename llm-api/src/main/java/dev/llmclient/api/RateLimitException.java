package dev.llmclient.api;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * HTTP 429: the deployment's requests-per-minute or tokens-per-minute limit was hit. Retryable.
 *
 * <p>When this reaches the caller, the retries are spent or the server asked for a wait longer than
 * the client's cap; {@link #retryAfter()} tells how long the server asked to wait.
 */
public final class RateLimitException extends LlmException {

  private static final long serialVersionUID = 1L;

  private final @Nullable Duration retryAfter;

  /**
   * Creates the exception with Graphiti's default message and no context.
   *
   * @deprecated only for Graphiti parity; prefer the constructor with a context
   */
  @Deprecated
  public RateLimitException() {
    this("Rate limit exceeded. Please try again later.");
  }

  /**
   * Creates the exception with no context and no server wait.
   *
   * @param message what went wrong and what to do
   */
  public RateLimitException(String message) {
    this(message, ErrorContext.NONE, null, null);
  }

  /**
   * Creates the exception.
   *
   * @param message what went wrong and what to do
   * @param context provider, status and request id
   * @param retryAfter the wait the server asked for, or null when it sent none
   * @param cause the underlying failure, or null
   */
  public RateLimitException(
      String message,
      ErrorContext context,
      @Nullable Duration retryAfter,
      @Nullable Throwable cause) {
    super(message, context, cause);
    this.retryAfter = retryAfter;
  }

  /**
   * The wait the server asked for ({@code x-ms-retry-after-ms}, {@code retry-after-ms} or {@code
   * Retry-After}).
   *
   * @return the wait, or null when the server sent none
   */
  public @Nullable Duration retryAfter() {
    return retryAfter;
  }

  /**
   * {@inheritDoc}
   *
   * @return true
   */
  @Override
  public boolean isRetryable() {
    return true;
  }
}
