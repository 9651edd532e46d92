package dev.llmclient.api;

import org.jspecify.annotations.Nullable;

/**
 * HTTP 400 or 422 (or another 4xx not covered by a more specific type): the service rejected the
 * request. Not retryable; {@link #param()} and {@link #code()} say what it rejected.
 */
public class InvalidRequestException extends LlmException {

  private static final long serialVersionUID = 1L;

  private final @Nullable String param;
  private final @Nullable String code;

  /**
   * Creates the exception with no context.
   *
   * @param message what went wrong and what to do
   */
  public InvalidRequestException(String message) {
    this(message, ErrorContext.NONE, null, null, null);
  }

  /**
   * Creates the exception.
   *
   * @param message what went wrong and what to do
   * @param context provider, status and request id
   * @param param the request field the service rejected ({@code error.param}), or null
   * @param code the service's error code ({@code error.code}), or null
   * @param cause the underlying failure, or null
   */
  public InvalidRequestException(
      String message,
      ErrorContext context,
      @Nullable String param,
      @Nullable String code,
      @Nullable Throwable cause) {
    super(message, context, cause);
    this.param = param;
    this.code = code;
  }

  /**
   * The request field the service rejected.
   *
   * @return {@code error.param}, or null
   */
  public @Nullable String param() {
    return param;
  }

  /**
   * The service's error code.
   *
   * @return {@code error.code}, or null
   */
  public @Nullable String code() {
    return code;
  }
}
