package dev.llmclient.testkit.simulator;

import java.time.Duration;
import java.util.Objects;
import java.util.Random;

/**
 * How long the simulator takes to answer: a time to first byte plus a time per output token, each
 * stretched or shrunk by up to {@code jitter} (a fraction) from the simulator's seeded random
 * source. Delays run on timers, so a delayed reply holds no thread.
 *
 * <pre>{@code
 * LatencyModel.of(Duration.ofMillis(50), Duration.ofMillis(2), 0.1)
 * }</pre>
 *
 * @param timeToFirstByte the wait before the response headers
 * @param perOutputToken the extra wait per generated token (between stream chunks when streaming)
 * @param jitter the largest relative deviation, from 0 (none) to 1
 */
public record LatencyModel(Duration timeToFirstByte, Duration perOutputToken, double jitter) {

  /** Answers at once. */
  public static final LatencyModel NONE = new LatencyModel(Duration.ZERO, Duration.ZERO, 0);

  /**
   * Validates the values.
   *
   * @param timeToFirstByte the wait before the response headers
   * @param perOutputToken the extra wait per generated token (between stream chunks when streaming)
   * @param jitter the largest relative deviation, from 0 (none) to 1
   * @throws IllegalArgumentException if a duration is negative or jitter is outside [0, 1]
   */
  public LatencyModel {
    Objects.requireNonNull(timeToFirstByte, "timeToFirstByte");
    Objects.requireNonNull(perOutputToken, "perOutputToken");
    if (timeToFirstByte.isNegative() || perOutputToken.isNegative()) {
      throw new IllegalArgumentException("latency durations must not be negative");
    }
    if (!(jitter >= 0 && jitter <= 1)) {
      throw new IllegalArgumentException("jitter must be between 0 and 1, got " + jitter);
    }
  }

  /**
   * A latency model.
   *
   * @param timeToFirstByte the wait before the headers
   * @param perOutputToken the extra wait per output token
   * @param jitter the largest relative deviation, 0 to 1
   * @return the model
   */
  public static LatencyModel of(Duration timeToFirstByte, Duration perOutputToken, double jitter) {
    return new LatencyModel(timeToFirstByte, perOutputToken, jitter);
  }

  /**
   * A fixed delay before every response, without jitter.
   *
   * @param delay the delay
   * @return the model
   */
  public static LatencyModel fixed(Duration delay) {
    return new LatencyModel(delay, Duration.ZERO, 0);
  }

  long firstByteMillis(Random random) {
    return jittered(timeToFirstByte.toMillis(), random);
  }

  long tokensMillis(long tokens, Random random) {
    return jittered(perOutputToken.toMillis() * tokens, random);
  }

  private long jittered(long millis, Random random) {
    if (millis == 0 || jitter == 0) {
      return millis;
    }
    double factor = 1 + jitter * (2 * random.nextDouble() - 1);
    return Math.max(0, Math.round(millis * factor));
  }
}
