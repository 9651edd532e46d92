package dev.llmclient.otel;

import dev.llmclient.api.LlmConfigurationException;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.api.spi.Tracer;
import dev.llmclient.api.spi.TracerProvider;

/**
 * Traces every LLM call with {@link io.opentelemetry.api.GlobalOpenTelemetry} when {@code
 * tracing-otel} is on the classpath and the client builder was given no tracer. Registered in
 * {@code META-INF/services/dev.llmclient.api.spi.TracerProvider}; applications do not call it.
 *
 * <p>The global instance is read when each span starts, so install your SDK (or run the
 * OpenTelemetry Java agent) before the first LLM call; the client itself can be built earlier. Two
 * settings, each also read from the environment variable of the same name:
 *
 * <ul>
 *   <li>{@value OtelTracing#CAPTURE_CONTENT_SETTING}: {@code true} records prompts and completions
 *       (default {@code false});
 *   <li>{@value OtelTracing#CONTENT_MAX_LENGTH_SETTING}: characters kept of each message's text
 *       (default {@value OtelTracing#DEFAULT_MAX_CONTENT_LENGTH}).
 * </ul>
 *
 * The span prefix is set on the client builder.
 */
public final class OtelTracerProvider implements TracerProvider {

  /** Called by {@link java.util.ServiceLoader}. */
  public OtelTracerProvider() {}

  /**
   * Creates a tracer over the global OpenTelemetry instance.
   *
   * @param settings the client's settings, read for the two content settings
   * @return the tracer
   * @throws LlmConfigurationException naming the setting when a value is not valid
   */
  @Override
  public Tracer create(ProviderSettings settings) {
    OtelTracing.Builder builder =
        OtelTracing.builder()
            .captureMessageContent(settings.getBoolean(OtelTracing.CAPTURE_CONTENT_SETTING, false));
    Integer maxLength = settings.getInt(OtelTracing.CONTENT_MAX_LENGTH_SETTING);
    if (maxLength != null) {
      if (maxLength < 0) {
        throw new LlmConfigurationException(
            OtelTracing.CONTENT_MAX_LENGTH_SETTING
                + " must be 0 or more characters (0 records roles and finish reasons only), got "
                + maxLength);
      }
      builder.maxContentLength(maxLength);
    }
    return builder.build();
  }

  @Override
  public String toString() {
    return "OtelTracerProvider[GlobalOpenTelemetry]";
  }
}
