package dev.llmclient.api;

import org.jspecify.annotations.Nullable;

/** The model returned no content, also after the configured re-asks. */
public final class EmptyResponseException extends LlmException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception with no provider context.
   *
   * @param message what went wrong and what to do
   */
  public EmptyResponseException(String message) {
    this(message, ErrorContext.NONE, null);
  }

  /**
   * Creates the exception.
   *
   * @param message what went wrong and what to do
   * @param context provider, status and request id
   * @param cause the underlying failure, or null
   */
  public EmptyResponseException(String message, ErrorContext context, @Nullable Throwable cause) {
    super(message, context, cause);
  }

  /**
   * {@inheritDoc}
   *
   * @return false
   */
  @Override
  public boolean isRetryable() {
    return false;
  }
}
