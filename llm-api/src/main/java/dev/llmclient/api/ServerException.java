package dev.llmclient.api;

import org.jspecify.annotations.Nullable;

/** HTTP 5xx: the service failed. Retryable; the client has already retried with backoff. */
public final class ServerException extends LlmException {

  private static final long serialVersionUID = 1L;

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
    super(message, context, cause);
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
