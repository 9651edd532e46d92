package dev.llmclient.micrometer;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import java.util.Objects;

/**
 * An observation registry for applications that have a {@link MeterRegistry} but no observation
 * registry of their own (Spring Boot gives you one; use that instead): every LLM call and attempt
 * becomes a timer, and token usage a distribution summary.
 *
 * <pre>{@code
 * MeterRegistry meters = ...;              // e.g. a PrometheusMeterRegistry
 * LlmClient client = LlmClients.builder()
 *     .tracer(MicrometerTracing.create(MeterObservations.registry(meters)))
 *     .build();
 * }</pre>
 */
public final class MeterObservations {

  private MeterObservations() {}

  /**
   * A new observation registry that records timers ({@link DefaultMeterObservationHandler}) and
   * token usage ({@link TokenUsageObservationHandler}) into the given meter registry.
   *
   * @param meterRegistry where the meters go
   * @return the observation registry
   */
  public static ObservationRegistry registry(MeterRegistry meterRegistry) {
    Objects.requireNonNull(meterRegistry, "meterRegistry");
    ObservationRegistry registry = ObservationRegistry.create();
    registry
        .observationConfig()
        .observationHandler(new DefaultMeterObservationHandler(meterRegistry))
        .observationHandler(new TokenUsageObservationHandler(meterRegistry));
    return registry;
  }
}
