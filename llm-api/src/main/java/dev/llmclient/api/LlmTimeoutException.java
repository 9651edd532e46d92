package dev.llmclient.api;

import org.jspecify.annotations.Nullable;

/** No complete answer within the configured timeout, or HTTP 408. Retryable. */
public final class LlmTimeoutException extends LlmException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception with no provider context.
   *
   * @param message what went wrong and what to do
   */
  public LlmTimeoutException(String message) {
    this(message, ErrorContext.NONE, null);
  }

  /**
   * Creates the exception.
   *
   * @param message what went wrong and what to do
   * @param context provider, status and request id
   * @param cause the underlying failure, or null
   */
  public LlmTimeoutException(String message, ErrorContext context, @Nullable Throwable cause) {
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
