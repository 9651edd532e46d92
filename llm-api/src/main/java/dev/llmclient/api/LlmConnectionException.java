package dev.llmclient.api;

import org.jspecify.annotations.Nullable;

/**
 * The connection could not be made or broke (refused, reset, TLS or proxy failure). Retryable; the
 * message says how to fix a trust-store or proxy problem.
 */
public final class LlmConnectionException extends LlmException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception with no provider context.
   *
   * @param message what went wrong and what to do
   */
  public LlmConnectionException(String message) {
    this(message, ErrorContext.NONE, null);
  }

  /**
   * Creates the exception.
   *
   * @param message what went wrong and what to do
   * @param context provider, status and request id
   * @param cause the underlying failure, or null
   */
  public LlmConnectionException(String message, ErrorContext context, @Nullable Throwable cause) {
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
