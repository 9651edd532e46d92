package dev.llmclient.api;

import org.jspecify.annotations.Nullable;

/**
 * HTTP 404: the model, deployment or route does not exist. The message names the deployment and
 * route; check the deployment name (not the model name) on Azure.
 */
public final class NotFoundException extends LlmException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception with no provider context.
   *
   * @param message what went wrong and what to do
   */
  public NotFoundException(String message) {
    this(message, ErrorContext.NONE, null);
  }

  /**
   * Creates the exception.
   *
   * @param message what went wrong and what to do
   * @param context provider, status and request id
   * @param cause the underlying failure, or null
   */
  public NotFoundException(String message, ErrorContext context, @Nullable Throwable cause) {
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
