package dev.llmclient.api.spi;

/**
 * Supplies the default {@link Tracer} when the application sets none, found with {@link
 * java.util.ServiceLoader}. {@code tracing-otel} registers one that uses the global OpenTelemetry
 * instance.
 */
public interface TracerProvider {

  /**
   * Creates the tracer.
   *
   * @param settings the client's settings, e.g. for an opt-in to record message content
   * @return the tracer
   */
  Tracer create(ProviderSettings settings);
}
