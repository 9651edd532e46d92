/**
 * OpenTelemetry for llmclient: every LLM call becomes a span tree that follows the OpenTelemetry
 * GenAI semantic conventions, plus the {@code gen_ai.client.token.usage} and {@code
 * gen_ai.client.operation.duration} metrics.
 *
 * <p>Put this module on the classpath and calls are traced with {@link
 * io.opentelemetry.api.GlobalOpenTelemetry}; or wire an instance explicitly with {@link
 * dev.llmclient.otel.OtelTracing#create(io.opentelemetry.api.OpenTelemetry)}.
 */
@NullMarked
package dev.llmclient.otel;

import org.jspecify.annotations.NullMarked;
