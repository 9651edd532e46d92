package dev.llmclient.micrometer;

import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.RequestReplySenderContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The context of one HTTP attempt's observation ({@value MicrometerTracing#OPERATION_DURATION}). It
 * is a sender context, so Micrometer Tracing's propagating handler writes the trace headers into
 * its carrier and the provider sends them with the request.
 *
 * <p>Handlers read the attempt's token counts here; {@link TokenUsageObservationHandler} does.
 */
public final class LlmObservationContext
    extends RequestReplySenderContext<Map<String, String>, Object> {

  private volatile @Nullable Long inputTokens;
  private volatile @Nullable Long outputTokens;

  LlmObservationContext() {
    super(
        (carrier, key, value) -> {
          if (carrier != null && key != null && value != null) {
            carrier.put(key, value);
          }
        },
        Kind.CLIENT);
    setCarrier(new ConcurrentHashMap<>());
  }

  /**
   * The input tokens the server reported for this attempt.
   *
   * @return the count, or null when none was reported
   */
  public @Nullable Long inputTokens() {
    return inputTokens;
  }

  /**
   * The output tokens the server reported for this attempt.
   *
   * @return the count, or null when none was reported
   */
  public @Nullable Long outputTokens() {
    return outputTokens;
  }

  void inputTokens(long value) {
    this.inputTokens = value;
  }

  void outputTokens(long value) {
    this.outputTokens = value;
  }
}
