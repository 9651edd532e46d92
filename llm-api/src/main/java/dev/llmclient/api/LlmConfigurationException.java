package dev.llmclient.api;

import org.jspecify.annotations.Nullable;

/**
 * Settings are missing or wrong, or no single provider could be selected. Not retryable: fix the
 * setting the message names. Thrown when a client is built, not at the first call.
 */
public final class LlmConfigurationException extends LlmException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception with no provider context.
   *
   * @param message what went wrong and what to do
   */
  public LlmConfigurationException(String message) {
    this(message, ErrorContext.NONE, null);
  }

  /**
   * Creates the exception.
   *
   * @param message what went wrong and what to do
   * @param context provider, status and request id
   * @param cause the underlying failure, or null
   */
  public LlmConfigurationException(
      String message, ErrorContext context, @Nullable Throwable cause) {
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
