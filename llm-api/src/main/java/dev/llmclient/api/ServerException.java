package dev.llmclient.api;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * HTTP 5xx: the service failed. Retryable; the client has already retried with backoff, waiting as
 * long as the server asked when a 503 carried {@code Retry-After}.
 */
public final class ServerException extends LlmException {

  private static final long serialVersionUID = 1L;

  private final @Nullable Duration retryAfter;

  /**
   * Creates the exception with no provider context.
   *
   * @param message what went wrong and what to do
   */
  public ServerException(String message) {
    this(message, ErrorContext.NONE, null);
  }

  /**
   * Creates the exception.
   *
   * @param message what went wrong and what to do
   * @param context provider, status and request id
   * @param cause the underlying failure, or null
   */
  public ServerException(String message, ErrorContext context, @Nullable Throwable cause) {
    this(message, context, null, cause);
  }

  /**
   * Creates the exception with the wait the server asked for.
   *
   * @param message what went wrong and what to do
   * @param context provider, status and request id
   * @param retryAfter the server's {@code Retry-After} (or {@code retry-after-ms}), or null
   * @param cause the underlying failure, or null
   */
  public ServerException(
      String message,
      ErrorContext context,
      @Nullable Duration retryAfter,
      @Nullable Throwable cause) {
    super(message, context, cause);
    this.retryAfter = retryAfter;
  }

  /**
   * The wait the server asked for before trying again (typically with a 503).
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
