package dev.llmclient.core;

import java.time.Duration;
import java.util.Objects;

/**
 * When and how a client tries again: transport retries for transient failures and re-asks for
 * unusable answers.
 *
 * <p>A failure whose {@link dev.llmclient.api.LlmException#isRetryable()} is true (HTTP 408, 409,
 * 429, 5xx, timeouts, connection failures) is retried up to {@link #maxRetries()} times, waiting
 * {@code initialBackoff * multiplier^n} (at most {@link #maxBackoff()}) reduced by up to {@link
 * #jitter()} at random. A rate limit that says how long to wait is honoured instead, up to {@link
 * #maxRetryAfter()}; a wait of a second or more is lengthened by up to 10% at random so that
 * clients throttled together do not all return at once (never shortened, never past the deadline);
 * a longer wait fails at once with that {@code RateLimitException}. An answer that is empty, not
 * JSON or not valid against the schema is re-asked up to {@link #maxReasks()} times. Nothing runs
 * past {@link #deadline()}: the call fails with {@code LlmTimeoutException}.
 *
 * <pre>{@code
 * RetryPolicy patient = RetryPolicy.builder()
 *     .maxRetries(5)
 *     .maxRetryAfter(Duration.ofMinutes(2))
 *     .build();
 * }</pre>
 */
public final class RetryPolicy {

  private static final RetryPolicy DEFAULT = builder().build();

  private final int maxRetries;
  private final Duration initialBackoff;
  private final double multiplier;
  private final Duration maxBackoff;
  private final double jitter;
  private final Duration maxRetryAfter;
  private final Duration deadline;
  private final int maxReasks;

  private RetryPolicy(Builder b) {
    this.maxRetries = b.maxRetries;
    this.initialBackoff = b.initialBackoff;
    this.multiplier = b.multiplier;
    this.maxBackoff = b.maxBackoff;
    this.jitter = b.jitter;
    this.maxRetryAfter = b.maxRetryAfter;
    this.deadline = b.deadline;
    this.maxReasks = b.maxReasks;
  }

  /**
   * The defaults: 2 retries, 0.5 s backoff doubling up to 8 s with 50% jitter, server waits up to
   * 60 s, 2 re-asks (Graphiti's {@code MAX_RETRIES}), a 10 minute deadline.
   *
   * @return the default policy
   */
  public static RetryPolicy getDefault() {
    return DEFAULT;
  }

  /**
   * A policy that never retries and never re-asks, with the default deadline.
   *
   * @return the policy
   */
  public static RetryPolicy none() {
    return builder().maxRetries(0).maxReasks(0).build();
  }

  /**
   * A builder starting from the defaults.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder starting from this policy.
   *
   * @return the builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.maxRetries = maxRetries;
    b.initialBackoff = initialBackoff;
    b.multiplier = multiplier;
    b.maxBackoff = maxBackoff;
    b.jitter = jitter;
    b.maxRetryAfter = maxRetryAfter;
    b.deadline = deadline;
    b.maxReasks = maxReasks;
    return b;
  }

  /**
   * Transport retries per exchange (a re-ask starts a new exchange).
   *
   * @return the count, 0 for none
   */
  public int maxRetries() {
    return maxRetries;
  }

  /**
   * The wait before the first retry, before jitter.
   *
   * @return the wait
   */
  public Duration initialBackoff() {
    return initialBackoff;
  }

  /**
   * The factor the wait grows by per retry.
   *
   * @return the factor, at least 1
   */
  public double multiplier() {
    return multiplier;
  }

  /**
   * The longest computed wait between retries.
   *
   * @return the cap
   */
  public Duration maxBackoff() {
    return maxBackoff;
  }

  /**
   * The share of each computed wait removed at random, so that clients do not retry in lockstep.
   *
   * @return 0 (none) to 1 (anything down to zero)
   */
  public double jitter() {
    return jitter;
  }

  /**
   * The longest server-requested wait ({@code Retry-After} and its variants) the client honours; a
   * longer one fails the call at once. A wait up to it is honoured in full; one of a second or more
   * gets up to 10% more at random.
   *
   * @return the cap
   */
  public Duration maxRetryAfter() {
    return maxRetryAfter;
  }

  /**
   * The most a whole call may take, retries and re-asks included.
   *
   * @return the deadline
   */
  public Duration deadline() {
    return deadline;
  }

  /**
   * How often an unusable answer is re-asked with the error appended.
   *
   * @return the count, 0 for none
   */
  public int maxReasks() {
    return maxReasks;
  }

  /**
   * The computed wait before retry number {@code retry} (0 for the first).
   *
   * @param retry the retry index
   * @param random a value in [0, 1)
   * @return the wait: the exponential backoff, capped by {@link #maxBackoff()}, less the jitter
   */
  public Duration backoff(int retry, double random) {
    double base = initialBackoff.toNanos() * Math.pow(multiplier, retry);
    double capped = Math.min(base, maxBackoff.toNanos());
    return Duration.ofNanos((long) (capped * (1.0 - jitter * random)));
  }

  @Override
  public String toString() {
    return "RetryPolicy[maxRetries="
        + maxRetries
        + ", initialBackoff="
        + initialBackoff
        + ", multiplier="
        + multiplier
        + ", maxBackoff="
        + maxBackoff
        + ", jitter="
        + jitter
        + ", maxRetryAfter="
        + maxRetryAfter
        + ", deadline="
        + deadline
        + ", maxReasks="
        + maxReasks
        + "]";
  }

  /** Builds a {@link RetryPolicy}. Not thread-safe; {@link #build()} validates. */
  public static final class Builder {
    private int maxRetries = 2;
    private Duration initialBackoff = Duration.ofMillis(500);
    private double multiplier = 2.0;
    private Duration maxBackoff = Duration.ofSeconds(8);
    private double jitter = 0.5;
    private Duration maxRetryAfter = Duration.ofSeconds(60);
    private Duration deadline = Duration.ofMinutes(10);
    private int maxReasks = 2;

    private Builder() {}

    /**
     * Sets the transport retries per exchange.
     *
     * @param maxRetries 0 to 20
     * @return this builder
     */
    public Builder maxRetries(int maxRetries) {
      this.maxRetries = maxRetries;
      return this;
    }

    /**
     * Sets the wait before the first retry.
     *
     * @param initialBackoff a non-negative duration
     * @return this builder
     */
    public Builder initialBackoff(Duration initialBackoff) {
      this.initialBackoff = Objects.requireNonNull(initialBackoff, "initialBackoff");
      return this;
    }

    /**
     * Sets the growth factor of the wait.
     *
     * @param multiplier at least 1.0
     * @return this builder
     */
    public Builder multiplier(double multiplier) {
      this.multiplier = multiplier;
      return this;
    }

    /**
     * Sets the longest computed wait.
     *
     * @param maxBackoff at least {@code initialBackoff}
     * @return this builder
     */
    public Builder maxBackoff(Duration maxBackoff) {
      this.maxBackoff = Objects.requireNonNull(maxBackoff, "maxBackoff");
      return this;
    }

    /**
     * Sets the random share removed from each computed wait.
     *
     * @param jitter 0.0 to 1.0
     * @return this builder
     */
    public Builder jitter(double jitter) {
      this.jitter = jitter;
      return this;
    }

    /**
     * Sets the longest server-requested wait the client honours.
     *
     * @param maxRetryAfter a non-negative duration
     * @return this builder
     */
    public Builder maxRetryAfter(Duration maxRetryAfter) {
      this.maxRetryAfter = Objects.requireNonNull(maxRetryAfter, "maxRetryAfter");
      return this;
    }

    /**
     * Sets the most a whole call may take.
     *
     * @param deadline a positive duration
     * @return this builder
     */
    public Builder deadline(Duration deadline) {
      this.deadline = Objects.requireNonNull(deadline, "deadline");
      return this;
    }

    /**
     * Sets how often an unusable answer is re-asked.
     *
     * @param maxReasks 0 to 10
     * @return this builder
     */
    public Builder maxReasks(int maxReasks) {
      this.maxReasks = maxReasks;
      return this;
    }

    /**
     * Validates and builds the policy.
     *
     * @return the policy
     * @throws IllegalArgumentException naming the setting that is wrong and what is allowed
     */
    public RetryPolicy build() {
      if (maxRetries < 0 || maxRetries > 20) {
        throw new IllegalArgumentException("maxRetries must be 0 to 20, got " + maxRetries);
      }
      if (maxReasks < 0 || maxReasks > 10) {
        throw new IllegalArgumentException("maxReasks must be 0 to 10, got " + maxReasks);
      }
      if (initialBackoff.isNegative()) {
        throw new IllegalArgumentException(
            "initialBackoff must not be negative, got " + initialBackoff);
      }
      if (maxBackoff.compareTo(initialBackoff) < 0) {
        throw new IllegalArgumentException(
            "maxBackoff must be at least initialBackoff ("
                + initialBackoff
                + "), got "
                + maxBackoff);
      }
      if (Double.isNaN(multiplier) || multiplier < 1.0) {
        throw new IllegalArgumentException("multiplier must be at least 1.0, got " + multiplier);
      }
      if (Double.isNaN(jitter) || jitter < 0.0 || jitter > 1.0) {
        throw new IllegalArgumentException("jitter must be between 0.0 and 1.0, got " + jitter);
      }
      if (maxRetryAfter.isNegative()) {
        throw new IllegalArgumentException(
            "maxRetryAfter must not be negative, got " + maxRetryAfter);
      }
      if (deadline.isNegative() || deadline.isZero()) {
        throw new IllegalArgumentException("deadline must be positive, got " + deadline);
      }
      return new RetryPolicy(this);
    }
  }
}
