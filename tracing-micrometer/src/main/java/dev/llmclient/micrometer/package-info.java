/**
 * Micrometer for llmclient: every LLM call becomes a Micrometer {@link
 * io.micrometer.observation.Observation}, so its timings reach any {@code MeterRegistry} and, with
 * Micrometer Tracing, its spans reach your tracing backend.
 *
 * <p>Each HTTP attempt is observed as {@value
 * dev.llmclient.micrometer.MicrometerTracing#OPERATION_DURATION} (a timer in seconds) with the
 * low-cardinality tags {@code gen_ai.operation.name}, {@code gen_ai.provider.name}, {@code
 * gen_ai.system}, {@code gen_ai.request.model} and {@code error.type}; {@link
 * dev.llmclient.micrometer.TokenUsageObservationHandler} adds {@value
 * dev.llmclient.micrometer.MicrometerTracing#TOKEN_USAGE}; {@link
 * dev.llmclient.micrometer.CircuitBreakerMetrics} shows the deployment pool's breakers.
 *
 * <pre>{@code
 * LlmClient client = LlmClients.builder()
 *     .tracer(MicrometerTracing.create(observationRegistry))
 *     .build();
 * }</pre>
 */
@NullMarked
package dev.llmclient.micrometer;

import org.jspecify.annotations.NullMarked;
