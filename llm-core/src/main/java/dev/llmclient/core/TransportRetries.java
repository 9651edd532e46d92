package dev.llmclient.core;

import dev.llmclient.api.LlmException;
import dev.llmclient.api.LlmTimeoutException;
import dev.llmclient.api.RateLimitException;
import dev.llmclient.api.ServerException;
import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * The transport-retry decision of a {@link RetryPolicy} for one failed exchange, shared by every
 * call type that retries on the core's scheduler: retry a retryable {@link LlmException} after the
 * server's wait (capped by {@link RetryPolicy#maxRetryAfter()}) or the policy's jittered backoff,
 * unless the retries are spent or the wait would pass the call's deadline.
 */
final class TransportRetries {

  private TransportRetries() {}

  /** What to do after a failure. */
  sealed interface Decision permits Retry, GiveUp {}

  /**
   * Try again after this wait.
   *
   * @param delay how long to wait, never negative
   */
  record Retry(Duration delay) implements Decision {}

  /**
   * Stop and fail the call with this error.
   *
   * @param error the failure to report
   */
  record GiveUp(Throwable error) implements Decision {}

  /**
   * Decides what follows a failed exchange.
   *
   * @param policy the policy
   * @param error the exchange's failure, already unwrapped
   * @param retriesSoFar retries this exchange already had
   * @param now the current instant
   * @param deadline when the whole call must be finished
   * @param random a value in [0, 1) for the jitter
   * @return the decision
   */
  static Decision decide(
      RetryPolicy policy,
      Throwable error,
      int retriesSoFar,
      Instant now,
      Instant deadline,
      double random) {
    if (!(error instanceof LlmException failure)
        || !failure.isRetryable()
        || retriesSoFar >= policy.maxRetries()) {
      return new GiveUp(error);
    }
    Duration wait;
    Duration serverWait = serverWait(failure);
    if (serverWait != null) {
      if (serverWait.compareTo(policy.maxRetryAfter()) > 0) {
        return new GiveUp(failure);
      }
      wait = serverWait.isNegative() ? Duration.ZERO : serverWait;
    } else {
      wait = policy.backoff(retriesSoFar, random);
    }
    if (now.plus(wait).isAfter(deadline)) {
      return new GiveUp(
          new LlmTimeoutException(
              "The call would pass its deadline of "
                  + policy.deadline()
                  + " before the next retry (waiting "
                  + wait
                  + " after "
                  + failure.getClass().getSimpleName()
                  + "); raise RetryPolicy.deadline(...) or try again later",
              failure.context(),
              failure));
    }
    return new Retry(wait);
  }

  /** The wait the server asked for: a 429's, or a 5xx's (typically a 503 with Retry-After). */
  private static @Nullable Duration serverWait(LlmException failure) {
    if (failure instanceof RateLimitException rl) {
      return rl.retryAfter();
    }
    if (failure instanceof ServerException server) {
      return server.retryAfter();
    }
    return null;
  }
}
