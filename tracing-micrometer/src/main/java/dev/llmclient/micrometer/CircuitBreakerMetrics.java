package dev.llmclient.micrometer;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;

/**
 * Shows the deployment pool's circuit breakers in a {@link MeterRegistry}: their state, failure
 * rate and calls, as resilience4j's {@code resilience4j.circuitbreaker.*} meters tagged with each
 * breaker's {@code name} (the pool member's name). Breakers the registry creates later are bound as
 * they appear.
 *
 * <pre>{@code
 * CircuitBreakerRegistry breakers = CircuitBreakerRegistry.ofDefaults();
 * CircuitBreakerMetrics.bind(breakers, meterRegistry);
 * DeploymentPool pool = DeploymentPool.builder()
 *     .circuitBreakerRegistry(breakers)
 *     ...
 * }</pre>
 *
 * Needs {@code io.github.resilience4j:resilience4j-micrometer} on the classpath (an optional
 * dependency of this module).
 */
public final class CircuitBreakerMetrics {

  private CircuitBreakerMetrics() {}

  /**
   * Binds every breaker of the registry, now and later, to the meter registry.
   *
   * @param breakers the registry the pool creates its breakers in
   * @param meterRegistry where the meters go
   */
  public static void bind(CircuitBreakerRegistry breakers, MeterRegistry meterRegistry) {
    Objects.requireNonNull(breakers, "breakers");
    Objects.requireNonNull(meterRegistry, "meterRegistry");
    TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(meterRegistry);
  }
}
