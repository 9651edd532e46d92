package dev.llmclient.api;

import org.jspecify.annotations.Nullable;

/**
 * A request of a server-side batch never ran: the batch expired or was cancelled before reaching it
 * (codes {@code batch_expired}, {@code batch_cancelled}). Retryable: send it again, in a new batch
 * or as an online call.
 */
public final class BatchRequestNotRunException extends LlmException {

  private static final long serialVersionUID = 1L;

  private final @Nullable String code;

  /**
   * Creates the exception.
   *
   * @param message what happened and what to do
   * @param context provider and request id
   * @param code the service's code, or null
   */
  public BatchRequestNotRunException(String message, ErrorContext context, @Nullable String code) {
    super(message, context, null);
    this.code = code;
  }

  /**
   * The service's code, for example {@code batch_expired}.
   *
   * @return the code, or null
   */
  public @Nullable String code() {
    return code;
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
