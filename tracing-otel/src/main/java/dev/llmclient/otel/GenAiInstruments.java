package dev.llmclient.otel;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.MeterBuilder;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerBuilder;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What one {@link OpenTelemetry} instance gives the tracer: its OpenTelemetry tracer, the two GenAI
 * client histograms and the propagator for outgoing headers.
 */
final class GenAiInstruments {

  /** {@code gen_ai.client.token.usage} bucket boundaries, as gen-ai-metrics.md advises. */
  static final List<Long> TOKEN_USAGE_BUCKETS =
      List.of(
          1L, 4L, 16L, 64L, 256L, 1024L, 4096L, 16384L, 65536L, 262144L, 1048576L, 4194304L,
          16777216L, 67108864L);

  /** {@code gen_ai.client.operation.duration} bucket boundaries, in seconds, per the same spec. */
  static final List<Double> DURATION_BUCKETS =
      List.of(
          0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92);

  static final String TOKEN_USAGE = "gen_ai.client.token.usage";
  static final String OPERATION_DURATION = "gen_ai.client.operation.duration";
  static final String TIME_TO_FIRST_CHUNK = "gen_ai.client.operation.time_to_first_chunk";
  static final String TIME_PER_OUTPUT_CHUNK = "gen_ai.client.operation.time_per_output_chunk";

  static final AttributeKey<String> OPERATION_NAME =
      AttributeKey.stringKey("gen_ai.operation.name");
  static final AttributeKey<String> PROVIDER_NAME = AttributeKey.stringKey("gen_ai.provider.name");
  static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
  static final AttributeKey<String> RESPONSE_MODEL =
      AttributeKey.stringKey("gen_ai.response.model");
  static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
  static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  static final AttributeKey<String> TOKEN_TYPE = AttributeKey.stringKey("gen_ai.token.type");

  private final OpenTelemetry openTelemetry;
  private final Tracer tracer;
  private final LongHistogram tokenUsage;
  private final DoubleHistogram operationDuration;
  private final DoubleHistogram timeToFirstChunk;
  private final DoubleHistogram timePerOutputChunk;
  private final TextMapPropagator propagator;

  GenAiInstruments(OpenTelemetry openTelemetry) {
    this.openTelemetry = openTelemetry;
    String version = OtelTracing.class.getPackage().getImplementationVersion();
    TracerBuilder tracerBuilder = openTelemetry.tracerBuilder(OtelTracing.INSTRUMENTATION_SCOPE);
    MeterBuilder meterBuilder = openTelemetry.meterBuilder(OtelTracing.INSTRUMENTATION_SCOPE);
    if (version != null) {
      tracerBuilder.setInstrumentationVersion(version);
      meterBuilder.setInstrumentationVersion(version);
    }
    this.tracer = tracerBuilder.build();
    Meter meter = meterBuilder.build();
    this.tokenUsage =
        meter
            .histogramBuilder(TOKEN_USAGE)
            .ofLongs()
            .setUnit("{token}")
            .setDescription("Number of input and output tokens used.")
            .setExplicitBucketBoundariesAdvice(TOKEN_USAGE_BUCKETS)
            .build();
    this.operationDuration =
        meter
            .histogramBuilder(OPERATION_DURATION)
            .setUnit("s")
            .setDescription("GenAI operation duration.")
            .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS)
            .build();
    this.timeToFirstChunk =
        meter
            .histogramBuilder(TIME_TO_FIRST_CHUNK)
            .setUnit("s")
            .setDescription("Time to receive the first chunk of a streamed response.")
            .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS)
            .build();
    this.timePerOutputChunk =
        meter
            .histogramBuilder(TIME_PER_OUTPUT_CHUNK)
            .setUnit("s")
            .setDescription("Time per output chunk of a streamed response, after the first.")
            .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS)
            .build();
    this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
  }

  OpenTelemetry openTelemetry() {
    return openTelemetry;
  }

  Tracer tracer() {
    return tracer;
  }

  TextMapPropagator propagator() {
    return propagator;
  }

  /**
   * Records one ended attempt.
   *
   * @param common the attributes both metrics share (operation, provider, models, server)
   * @param errorType the error class, or null when the attempt succeeded
   * @param seconds how long the attempt took
   * @param inputTokens input tokens, or null when the server reported none
   * @param outputTokens output tokens, or null when the server reported none
   * @param context the attempt's context, so exemplars point at its span
   */
  void record(
      Attributes common,
      @Nullable String errorType,
      double seconds,
      @Nullable Long inputTokens,
      @Nullable Long outputTokens,
      Context context) {
    AttributesBuilder duration = common.toBuilder();
    if (errorType != null) {
      duration.put(ERROR_TYPE, errorType);
    }
    operationDuration.record(seconds, duration.build(), context);
    if (inputTokens != null) {
      tokenUsage.record(inputTokens, common.toBuilder().put(TOKEN_TYPE, "input").build(), context);
    }
    if (outputTokens != null) {
      tokenUsage.record(
          outputTokens, common.toBuilder().put(TOKEN_TYPE, "output").build(), context);
    }
  }

  /**
   * Records the time to the first chunk of one streamed attempt.
   *
   * @param common the metric's attributes
   * @param seconds from the request to the first chunk
   * @param context the attempt's context
   */
  void recordFirstChunk(Attributes common, double seconds, Context context) {
    timeToFirstChunk.record(seconds, common, context);
  }

  /**
   * Records the time between two chunks of one streamed attempt.
   *
   * @param common the metric's attributes
   * @param seconds from the previous chunk to this one
   * @param context the attempt's context
   */
  void recordChunk(Attributes common, double seconds, Context context) {
    timePerOutputChunk.record(seconds, common, context);
  }
}
