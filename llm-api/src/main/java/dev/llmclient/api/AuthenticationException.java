package dev.llmclient.api;

import org.jspecify.annotations.Nullable;

/**
 * HTTP 401 or 403, or an Entra ID token that could not be obtained: the key, token or role
 * assignment is wrong. Not retryable.
 */
public final class AuthenticationException extends LlmException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception with no provider context.
   *
   * @param message what went wrong and what to do
   */
  public AuthenticationException(String message) {
    this(message, ErrorContext.NONE, null);
  }

  /**
   * Creates the exception.
   *
   * @param message what went wrong and what to do
   * @param context provider, status and request id
   * @param cause the underlying failure, or null
   */
  public AuthenticationException(String message, ErrorContext context, @Nullable Throwable cause) {
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
