package dev.llmclient.api;

import org.jspecify.annotations.Nullable;

/** HTTP 409: the service reported a conflicting concurrent operation. Retryable. */
public final class ConflictException extends LlmException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception with no provider context.
   *
   * @param message what went wrong and what to do
   */
  public ConflictException(String message) {
    this(message, ErrorContext.NONE, null);
  }

  /**
   * Creates the exception.
   *
   * @param message what went wrong and what to do
   * @param context provider, status and request id
   * @param cause the underlying failure, or null
   */
  public ConflictException(String message, ErrorContext context, @Nullable Throwable cause) {
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
