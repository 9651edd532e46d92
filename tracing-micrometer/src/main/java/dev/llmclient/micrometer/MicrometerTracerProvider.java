package dev.llmclient.micrometer;

import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.api.spi.Tracer;
import dev.llmclient.api.spi.TracerProvider;
import io.micrometer.observation.ObservationRegistry;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * Traces LLM calls with Micrometer when the client builder was given no tracer. Micrometer has no
 * global observation registry, so this provider traces only once you name one with {@link
 * #useObservationRegistry}; until then it gives no tracer, and the next provider on the classpath
 * (e.g. {@code tracing-otel}) or none is used. Registered in {@code
 * META-INF/services/dev.llmclient.api.spi.TracerProvider}.
 *
 * <pre>{@code
 * MicrometerTracerProvider.useObservationRegistry(observationRegistry);  // once, at start-up
 * LlmClient client = LlmClients.fromEnvironment();                        // traced
 * }</pre>
 *
 * Setting the tracer on the client builder ({@link MicrometerTracing#create}) is simpler and does
 * not depend on the classpath order of tracing modules; the Spring Boot starter does that.
 */
public final class MicrometerTracerProvider implements TracerProvider {

  private static final AtomicReference<@Nullable ObservationRegistry> GLOBAL =
      new AtomicReference<>();

  private final @Nullable ObservationRegistry registry;

  /**
   * Called by {@link java.util.ServiceLoader}: uses the registry named with {@link
   * #useObservationRegistry}.
   */
  public MicrometerTracerProvider() {
    this.registry = null;
  }

  /**
   * A provider that always traces into the given registry.
   *
   * @param registry the observation registry
   */
  public MicrometerTracerProvider(ObservationRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  /**
   * Names the observation registry that clients built afterwards without a tracer use.
   *
   * @param registry the registry, or null to stop tracing clients built from now on
   */
  public static void useObservationRegistry(@Nullable ObservationRegistry registry) {
    GLOBAL.set(registry);
  }

  /**
   * A tracer over this provider's registry, else the one named with {@link
   * #useObservationRegistry}.
   *
   * @param settings not read
   * @return the tracer, or null when no registry is named
   */
  @Override
  public @Nullable Tracer create(ProviderSettings settings) {
    ObservationRegistry r = registry != null ? registry : GLOBAL.get();
    return r == null ? null : MicrometerTracing.create(r);
  }

  @Override
  public String toString() {
    return "MicrometerTracerProvider[" + (registry != null ? "given registry" : "global") + "]";
  }
}
