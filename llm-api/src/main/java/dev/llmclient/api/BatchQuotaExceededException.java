package dev.llmclient.api;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The service refused a batch because the deployment's enqueued-token quota is full (code {@code
 * token_limit_exceeded}). Retryable later: the quota frees up as earlier batches finish, so submit
 * the same input again after a wait, or spread the work over more time.
 */
public final class BatchQuotaExceededException extends LlmException {

  private static final long serialVersionUID = 1L;

  private final @Nullable Duration retryAfter;

  /**
   * Creates the exception.
   *
   * @param message what went wrong and what to do
   * @param context provider, status and request id
   * @param retryAfter a suggested wait, or null
   */
  public BatchQuotaExceededException(
      String message, ErrorContext context, @Nullable Duration retryAfter) {
    super(message, context, null);
    this.retryAfter = retryAfter;
  }

  /**
   * A suggested wait before submitting again.
   *
   * @return the wait, or null when there is no suggestion
   */
  public @Nullable Duration retryAfter() {
    return retryAfter;
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
