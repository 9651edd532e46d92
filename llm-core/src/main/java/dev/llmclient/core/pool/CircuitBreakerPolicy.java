package dev.llmclient.core.pool;

import dev.llmclient.api.AuthenticationException;
import dev.llmclient.api.LlmException;
import dev.llmclient.api.NotFoundException;
import dev.llmclient.api.RateLimitException;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * When a {@link DeploymentPool} stops sending calls to a failing member, and how it tries it again.
 *
 * <p>Each member has a circuit breaker that judges its last {@link #window()} calls (once {@link
 * #minimumCalls()} were made): it opens when the share of failures reaches {@link
 * #failureRateThreshold()} percent, or the share of calls slower than {@link #slowCallDuration()}
 * reaches {@link #slowCallRateThreshold()} percent. An open breaker sends nothing for {@link
 * #openDuration()}, then lets {@link #probeCalls()} probe calls through: it closes when they
 * succeed and opens again when they fail. 5xx, timeouts, connection failures, 401/403 and 404 (the
 * last three usually mean that one member is misconfigured) count as failures; 429s count as
 * neither failure nor success.
 *
 * <pre>{@code
 * DeploymentPool pool = DeploymentPool.builder()
 *     .members(ProviderSettings.fromEnvironment())
 *     .circuitBreaker(CircuitBreakerPolicy.builder().openDuration(Duration.ofSeconds(10)).build())
 *     .build();
 * }</pre>
 */
public final class CircuitBreakerPolicy {

  private static final CircuitBreakerPolicy DEFAULT = builder().build();

  private final float failureRateThreshold;
  private final float slowCallRateThreshold;
  private final Duration slowCallDuration;
  private final int window;
  private final int minimumCalls;
  private final Duration openDuration;
  private final int probeCalls;

  private CircuitBreakerPolicy(Builder b) {
    this.failureRateThreshold = b.failureRateThreshold;
    this.slowCallRateThreshold = b.slowCallRateThreshold;
    this.slowCallDuration = b.slowCallDuration;
    this.window = b.window;
    this.minimumCalls = b.minimumCalls;
    this.openDuration = b.openDuration;
    this.probeCalls = b.probeCalls;
  }

  /**
   * The defaults: open at a 50% failure rate or a 100% slow-call rate (calls over 120 s) over the
   * last 20 calls (once 10 were made), stay open 30 s, then let 3 probe calls through.
   *
   * @return the default policy
   */
  public static CircuitBreakerPolicy getDefault() {
    return DEFAULT;
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
    b.failureRateThreshold = failureRateThreshold;
    b.slowCallRateThreshold = slowCallRateThreshold;
    b.slowCallDuration = slowCallDuration;
    b.window = window;
    b.minimumCalls = minimumCalls;
    b.openDuration = openDuration;
    b.probeCalls = probeCalls;
    return b;
  }

  /**
   * The failure rate at which a breaker opens.
   *
   * @return percent, more than 0, at most 100
   */
  public float failureRateThreshold() {
    return failureRateThreshold;
  }

  /**
   * The share of slow calls at which a breaker opens.
   *
   * @return percent, more than 0, at most 100
   */
  public float slowCallRateThreshold() {
    return slowCallRateThreshold;
  }

  /**
   * How long a call may take before it counts as slow.
   *
   * @return a positive duration
   */
  public Duration slowCallDuration() {
    return slowCallDuration;
  }

  /**
   * How many recent calls a breaker judges.
   *
   * @return 1 to 10,000
   */
  public int window() {
    return window;
  }

  /**
   * How many calls a breaker needs before it may open.
   *
   * @return 1 to {@link #window()}
   */
  public int minimumCalls() {
    return minimumCalls;
  }

  /**
   * How long an open breaker sends nothing before it lets probes through.
   *
   * @return a positive duration
   */
  public Duration openDuration() {
    return openDuration;
  }

  /**
   * How many probe calls a half-open breaker lets through.
   *
   * @return 1 to 100
   */
  public int probeCalls() {
    return probeCalls;
  }

  /** The resilience4j configuration of this policy, on the pool's clock. */
  CircuitBreakerConfig toConfig(Clock clock) {
    return CircuitBreakerConfig.custom()
        .clock(clock)
        .slidingWindow(window, minimumCalls, CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
        .failureRateThreshold(failureRateThreshold)
        .slowCallRateThreshold(slowCallRateThreshold)
        .slowCallDurationThreshold(slowCallDuration)
        .waitDurationInOpenState(openDuration)
        .permittedNumberOfCallsInHalfOpenState(probeCalls)
        .recordException(CircuitBreakerPolicy::countsAsFailure)
        .ignoreException(t -> t instanceof RateLimitException)
        .writableStackTraceEnabled(false)
        .build();
  }

  /** Whether a member's failure counts against its breaker (a 429 does not). */
  static boolean countsAsFailure(Throwable t) {
    if (t instanceof RateLimitException) {
      return false;
    }
    if (t instanceof LlmException e) {
      return e.isRetryable()
          || e instanceof AuthenticationException
          || e instanceof NotFoundException;
    }
    return true;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof CircuitBreakerPolicy p
        && failureRateThreshold == p.failureRateThreshold
        && slowCallRateThreshold == p.slowCallRateThreshold
        && slowCallDuration.equals(p.slowCallDuration)
        && window == p.window
        && minimumCalls == p.minimumCalls
        && openDuration.equals(p.openDuration)
        && probeCalls == p.probeCalls;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        failureRateThreshold,
        slowCallRateThreshold,
        slowCallDuration,
        window,
        minimumCalls,
        openDuration,
        probeCalls);
  }

  @Override
  public String toString() {
    return "CircuitBreakerPolicy[failureRateThreshold="
        + failureRateThreshold
        + ", slowCallRateThreshold="
        + slowCallRateThreshold
        + ", slowCallDuration="
        + slowCallDuration
        + ", window="
        + window
        + ", minimumCalls="
        + minimumCalls
        + ", openDuration="
        + openDuration
        + ", probeCalls="
        + probeCalls
        + "]";
  }

  /** Builds a {@link CircuitBreakerPolicy}. Not thread-safe; {@link #build()} validates. */
  public static final class Builder {
    private float failureRateThreshold = 50;
    private float slowCallRateThreshold = 100;
    private Duration slowCallDuration = Duration.ofSeconds(120);
    private int window = 20;
    private int minimumCalls = 10;
    private Duration openDuration = Duration.ofSeconds(30);
    private int probeCalls = 3;

    private Builder() {}

    /**
     * Sets the failure rate at which a breaker opens.
     *
     * @param percent more than 0, at most 100
     * @return this builder
     */
    public Builder failureRateThreshold(float percent) {
      this.failureRateThreshold = percent;
      return this;
    }

    /**
     * Sets the share of slow calls at which a breaker opens.
     *
     * @param percent more than 0, at most 100
     * @return this builder
     */
    public Builder slowCallRateThreshold(float percent) {
      this.slowCallRateThreshold = percent;
      return this;
    }

    /**
     * Sets how long a call may take before it counts as slow.
     *
     * @param value a positive duration
     * @return this builder
     */
    public Builder slowCallDuration(Duration value) {
      this.slowCallDuration = Objects.requireNonNull(value, "slowCallDuration");
      return this;
    }

    /**
     * Sets how many recent calls a breaker judges.
     *
     * @param calls 1 to 10,000
     * @return this builder
     */
    public Builder window(int calls) {
      this.window = calls;
      return this;
    }

    /**
     * Sets how many calls a breaker needs before it may open.
     *
     * @param calls 1 to the window
     * @return this builder
     */
    public Builder minimumCalls(int calls) {
      this.minimumCalls = calls;
      return this;
    }

    /**
     * Sets how long an open breaker sends nothing before it lets probes through.
     *
     * @param value a positive duration
     * @return this builder
     */
    public Builder openDuration(Duration value) {
      this.openDuration = Objects.requireNonNull(value, "openDuration");
      return this;
    }

    /**
     * Sets how many probe calls a half-open breaker lets through.
     *
     * @param calls 1 to 100
     * @return this builder
     */
    public Builder probeCalls(int calls) {
      this.probeCalls = calls;
      return this;
    }

    /**
     * Validates and builds the policy.
     *
     * @return the policy
     * @throws IllegalArgumentException naming the setting that is wrong and what is allowed
     */
    public CircuitBreakerPolicy build() {
      percent("failureRateThreshold", failureRateThreshold);
      percent("slowCallRateThreshold", slowCallRateThreshold);
      positive("slowCallDuration", slowCallDuration);
      if (window < 1 || window > 10_000) {
        throw new IllegalArgumentException(
            "the breaker window must be 1 to 10,000 calls, got " + window);
      }
      if (minimumCalls < 1 || minimumCalls > window) {
        throw new IllegalArgumentException(
            "the breaker's minimumCalls must be 1 to the window ("
                + window
                + "), got "
                + minimumCalls);
      }
      positive("openDuration", openDuration);
      if (probeCalls < 1 || probeCalls > 100) {
        throw new IllegalArgumentException(
            "the breaker's probeCalls must be 1 to 100, got " + probeCalls);
      }
      return new CircuitBreakerPolicy(this);
    }

    private static void positive(String name, Duration d) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, got " + d);
      }
    }

    private static void percent(String name, float value) {
      if (!(value > 0 && value <= 100)) {
        throw new IllegalArgumentException(
            name + " must be a percentage more than 0 and at most 100, got " + value);
      }
    }
  }
}
