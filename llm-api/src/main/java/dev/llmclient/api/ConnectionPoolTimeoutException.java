package dev.llmclient.api;

import org.jspecify.annotations.Nullable;

/**
 * Every pooled connection to the server stayed busy for longer than the configured pool wait, so
 * the request was never sent. Not retryable: another attempt would join the same queue; raise the
 * pool size or the pool wait (the message names both settings), or send fewer calls at once.
 */
public final class ConnectionPoolTimeoutException extends LlmException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what went wrong and which settings to raise
   * @param context provider, status and request id
   * @param cause the underlying failure, or null
   */
  public ConnectionPoolTimeoutException(
      String message, ErrorContext context, @Nullable Throwable cause) {
    super(message, context, cause);
  }

  /**
   * {@inheritDoc}
   *
   * @return false: a retry would wait in the same pool
   */
  @Override
  public boolean isRetryable() {
    return false;
  }
}
