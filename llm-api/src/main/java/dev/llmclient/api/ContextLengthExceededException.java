package dev.llmclient.api;

import org.jspecify.annotations.Nullable;

/**
 * HTTP 400 {@code context_length_exceeded}: the prompt plus the output cap is longer than the
 * model's context window. Not retryable: shorten the input or lower {@code maxTokens}.
 */
public final class ContextLengthExceededException extends InvalidRequestException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception with no context.
   *
   * @param message what went wrong and what to do
   */
  public ContextLengthExceededException(String message) {
    this(message, ErrorContext.NONE, null, null);
  }

  /**
   * Creates the exception.
   *
   * @param message what went wrong and what to do
   * @param context provider, status and request id
   * @param param the request field the service named, or null
   * @param cause the underlying failure, or null
   */
  public ContextLengthExceededException(
      String message, ErrorContext context, @Nullable String param, @Nullable Throwable cause) {
    super(message, context, param, "context_length_exceeded", cause);
  }
}
