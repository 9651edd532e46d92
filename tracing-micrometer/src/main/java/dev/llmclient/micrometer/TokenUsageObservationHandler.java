package dev.llmclient.micrometer;

import io.micrometer.common.KeyValue;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Records {@value MicrometerTracing#TOKEN_USAGE}, the tokens of every LLM attempt, as a
 * distribution summary tagged like the attempt's timer plus {@code gen_ai.token.type} ({@code
 * input} or {@code output}). Register it on the observation registry the tracer uses; Spring Boot
 * registers every {@code ObservationHandler} bean, and the llmclient starter declares this one.
 *
 * <pre>{@code
 * observationRegistry.observationConfig()
 *     .observationHandler(new TokenUsageObservationHandler(meterRegistry));
 * }</pre>
 */
public final class TokenUsageObservationHandler
    implements ObservationHandler<LlmObservationContext> {

  /** The tag that tells input from output tokens: {@value}. */
  public static final String TOKEN_TYPE = "gen_ai.token.type";

  private final MeterRegistry meterRegistry;

  /**
   * Records into the given registry.
   *
   * @param meterRegistry where the distribution summaries go
   */
  public TokenUsageObservationHandler(MeterRegistry meterRegistry) {
    this.meterRegistry = Objects.requireNonNull(meterRegistry, "meterRegistry");
  }

  @Override
  public boolean supportsContext(Observation.Context context) {
    return context instanceof LlmObservationContext;
  }

  /** Records the attempt's token counts, if the server reported any. */
  @Override
  public void onStop(LlmObservationContext context) {
    Tags tags = Tags.empty();
    for (String key : MicrometerSpan.LOW_CARDINALITY) {
      if (!key.equals(MicrometerTracing.ERROR_TYPE)) {
        KeyValue kv = context.getLowCardinalityKeyValue(key);
        tags = tags.and(key, kv == null ? MicrometerTracing.UNKNOWN : kv.getValue());
      }
    }
    record(tags, "input", context.inputTokens());
    record(tags, "output", context.outputTokens());
  }

  private void record(Tags tags, String type, @Nullable Long tokens) {
    if (tokens == null) {
      return;
    }
    DistributionSummary.builder(MicrometerTracing.TOKEN_USAGE)
        .description("Number of input and output tokens used.")
        .baseUnit("tokens")
        .tags(tags.and(TOKEN_TYPE, type))
        .register(meterRegistry)
        .record(tokens);
  }
}
