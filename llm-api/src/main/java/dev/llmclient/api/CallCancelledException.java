package dev.llmclient.api;

import org.jspecify.annotations.Nullable;

/**
 * The call was cancelled before it finished: the thread waiting in a blocking method ({@code
 * generate()}, {@code create()}, ...) was interrupted, or the call's future was cancelled while
 * that thread waited for it. The HTTP exchange, any pending retry or re-ask and the deadline timer
 * are stopped; nothing more is sent. An interrupted thread keeps its interrupt flag. Not retryable:
 * the caller asked for the call to stop.
 *
 * <pre>{@code
 * try {
 *   llm.generate(request);
 * } catch (CallCancelledException e) {
 *   return; // shutting down: Thread.currentThread().isInterrupted() is still true
 * }
 * }</pre>
 */
public final class CallCancelledException extends LlmException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception with no provider context.
   *
   * @param message what was cancelled and why
   */
  public CallCancelledException(String message) {
    this(message, ErrorContext.NONE, null);
  }

  /**
   * Creates the exception.
   *
   * @param message what was cancelled and why
   * @param context provider, status and request id
   * @param cause the underlying interruption or cancellation, or null
   */
  public CallCancelledException(String message, ErrorContext context, @Nullable Throwable cause) {
    super(message, context, cause);
  }
}
