package dev.llmclient.core.internal.runtime;

import dev.llmclient.api.LlmException;
import dev.llmclient.api.LlmTimeoutException;
import dev.llmclient.api.RateLimitException;
import dev.llmclient.api.ServerException;
import dev.llmclient.core.RetryPolicy;
import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * The transport-retry decision of a {@link RetryPolicy} for one failed exchange, shared by every
 * call type that retries on the core's scheduler: retry a retryable {@link LlmException} after the
 * server's wait (capped by {@link RetryPolicy#maxRetryAfter()}; from a second up plus up to {@link
 * #SERVER_WAIT_JITTER} of it at random) or the policy's jittered backoff, unless the retries are
 * spent or the wait would pass the call's deadline.
 *
 * <p>All arithmetic on waits saturates: a server may send any wait (a date in the year 9999), and a
 * user any deadline, without an overflow anywhere.
 */
public final class TransportRetries {

  /**
   * The most a server's wait is lengthened at random, as a share of it, so that clients throttled
   * together do not all return at the same instant. Never shortened: the server asked for at least
   * that long.
   */
  static final double SERVER_WAIT_JITTER = 0.1;

  /**
   * The shortest server wait that gets jitter. {@code Retry-After} counts whole seconds, so every
   * client throttled in the same second is told to come back at the same second; a millisecond wait
   * ({@code retry-after-ms}) is honoured exactly, as 10% of it would spread nothing.
   */
  static final Duration JITTER_FROM = Duration.ofSeconds(1);

  private TransportRetries() {}

  /** What to do after a failure. */
  public sealed interface Decision permits Retry, GiveUp {}

  /**
   * Try again after this wait.
   *
   * @param delay how long to wait, never negative
   */
  public record Retry(Duration delay) implements Decision {}

  /**
   * Stop and fail the call with this error.
   *
   * @param error the failure to report
   */
  public record GiveUp(Throwable error) implements Decision {}

  /**
   * Decides what follows a failed exchange.
   *
   * @param policy the policy
   * @param error the exchange's failure, already unwrapped
   * @param retriesSoFar retries this exchange already had
   * @param now the current instant
   * @param deadline when the whole call must be finished
   * @param random a value in [0, 1) for the jitter: of the backoff, or of a server's wait
   * @return the decision
   */
  public static Decision decide(
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
    Duration left = Duration.between(now, deadline);
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
    if (wait.compareTo(left) > 0) {
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
    if (serverWait != null) {
      wait = withJitter(wait, Math.min(SERVER_WAIT_JITTER, policy.jitter()) * random, left);
    }
    return new Retry(wait);
  }

  /**
   * The server's wait plus the given share of it from {@link #JITTER_FROM} up, never past the
   * deadline (the wait itself fits before it). The share is at most {@link #SERVER_WAIT_JITTER},
   * and none with {@code RetryPolicy.jitter(0)}, which asks for exact waits.
   */
  static Duration withJitter(Duration wait, double share, Duration left) {
    if (wait.compareTo(JITTER_FROM) < 0) {
      return wait;
    }
    long extra = (long) (nanos(wait) * share);
    if (extra <= 0) {
      return wait;
    }
    Duration jittered = wait.plusNanos(extra);
    return jittered.compareTo(left) > 0 ? left : jittered;
  }

  /** A duration in nanoseconds, held at {@link Long#MAX_VALUE} (or 0 when negative). */
  public static long nanos(Duration d) {
    if (d.isNegative()) {
      return 0;
    }
    return d.getSeconds() >= Long.MAX_VALUE / 1_000_000_000L ? Long.MAX_VALUE : d.toNanos();
  }

  /** {@code now + d}, held at {@link Instant#MAX} for a duration too long to add. */
  public static Instant after(Instant now, Duration d) {
    // Runs once per call. Duration.between(now, Instant.MAX) would throw and catch an
    // ArithmeticException inside Instant.until (a stack trace per call), so compare seconds first:
    // with a second to spare for the nanos, now + d cannot overflow.
    if (!d.isNegative()
        && d.getSeconds() < Instant.MAX.getEpochSecond() - now.getEpochSecond() - 1) {
      return now.plus(d);
    }
    Duration room = Duration.between(now, Instant.MAX);
    return d.compareTo(room) >= 0 ? Instant.MAX : now.plus(d);
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
