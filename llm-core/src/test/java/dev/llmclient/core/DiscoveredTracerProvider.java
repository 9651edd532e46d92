package dev.llmclient.core;

import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.api.spi.Tracer;
import dev.llmclient.api.spi.TracerProvider;

/** Registered in test resources: the tracer a client picks up when none is set. */
public final class DiscoveredTracerProvider implements TracerProvider {

  static final RecordingTracer TRACER = new RecordingTracer();

  /** Called by ServiceLoader. */
  public DiscoveredTracerProvider() {}

  @Override
  public Tracer create(ProviderSettings settings) {
    return TRACER;
  }
}
