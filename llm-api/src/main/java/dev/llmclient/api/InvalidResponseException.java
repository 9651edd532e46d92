package dev.llmclient.api;

import org.jspecify.annotations.Nullable;

/**
 * The answer could not be used: not JSON, not valid against the schema after the configured
 * re-asks, or not a completion at all (for example an HTML page from a gateway). The message holds
 * a short excerpt of what arrived.
 */
public final class InvalidResponseException extends LlmException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception with no provider context.
   *
   * @param message what went wrong and what to do
   */
  public InvalidResponseException(String message) {
    this(message, ErrorContext.NONE, null);
  }

  /**
   * Creates the exception.
   *
   * @param message what went wrong and what to do
   * @param context provider, status and request id
   * @param cause the underlying failure, or null
   */
  public InvalidResponseException(String message, ErrorContext context, @Nullable Throwable cause) {
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
