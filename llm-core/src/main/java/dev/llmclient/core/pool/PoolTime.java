package dev.llmclient.core.pool;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** The pool's time arithmetic: nanoseconds since the epoch that never overflow. */
final class PoolTime {

  private PoolTime() {}

  /** Now on the clock, in nanoseconds since the epoch. */
  static long nanos(Clock clock) {
    Instant now = clock.instant();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  static Instant instant(long epochNanos) {
    return Instant.ofEpochSecond(
        Math.floorDiv(epochNanos, 1_000_000_000L), Math.floorMod(epochNanos, 1_000_000_000L));
  }

  /**
   * A non-negative duration in nanoseconds, at most {@code max}; never overflows, whatever the
   * duration (a negative one is 0).
   */
  static long nanosAtMost(Duration d, long max) {
    if (d.isNegative()) {
      return 0;
    }
    if (d.compareTo(Duration.ofNanos(max)) >= 0) {
      return max;
    }
    return d.toNanos();
  }

  /**
   * {@code a + b}, held at {@link Long#MAX_VALUE} or {@link Long#MIN_VALUE} instead of wrapping.
   */
  static long saturatedAdd(long a, long b) {
    long sum = a + b;
    if (((a ^ sum) & (b ^ sum)) < 0) {
      return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
    return sum;
  }
}
