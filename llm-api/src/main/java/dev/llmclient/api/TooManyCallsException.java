package dev.llmclient.api;

import org.jspecify.annotations.Nullable;

/**
 * The client refused a call without sending it: it already has as many calls in flight and waiting
 * as it accepts. The message names the limit and the setting that raises it. Not retryable by the
 * client itself: retrying at once would only join the same full queue; send fewer calls at once
 * (for example, wait for some to finish), or raise the limit.
 *
 * <pre>{@code
 * llm.generateAsync(request).whenComplete((response, e) -> {
 *   if (e instanceof TooManyCallsException) {
 *     slowDown(); // the call was never sent: send it again once others have finished
 *   }
 * });
 * }</pre>
 */
public final class TooManyCallsException extends LlmException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception with no provider context.
   *
   * @param message the limit that was reached and how to raise it
   */
  public TooManyCallsException(String message) {
    this(message, ErrorContext.NONE, null);
  }

  /**
   * Creates the exception.
   *
   * @param message the limit that was reached and how to raise it
   * @param context the provider, when known
   * @param cause the underlying failure, or null
   */
  public TooManyCallsException(String message, ErrorContext context, @Nullable Throwable cause) {
    super(message, context, cause);
  }
}
