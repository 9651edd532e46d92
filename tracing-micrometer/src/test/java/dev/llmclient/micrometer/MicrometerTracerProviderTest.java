package dev.llmclient.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.api.spi.SpanKind;
import dev.llmclient.api.spi.Tracer;
import dev.llmclient.api.spi.TracerProvider;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Discovery: the ServiceLoader finds the provider; it traces only once a registry is named. */
class MicrometerTracerProviderTest {

  @AfterEach
  void forget() {
    MicrometerTracerProvider.useObservationRegistry(null);
  }

  @Test
  void theServiceLoaderFindsItAndItGivesNoTracerUntilARegistryIsNamed() {
    TracerProvider found =
        ServiceLoader.load(TracerProvider.class).stream()
            .map(ServiceLoader.Provider::get)
            .filter(p -> p instanceof MicrometerTracerProvider)
            .findFirst()
            .orElseThrow();
    assertThat(found.create(ProviderSettings.empty())).isNull();

    TestObservationRegistry registry = TestObservationRegistry.create();
    MicrometerTracerProvider.useObservationRegistry(registry);
    Tracer tracer = found.create(ProviderSettings.empty());
    assertThat(tracer).isInstanceOf(MicrometerTracing.class);
    tracer.startSpan("llmclient.llm.generate", SpanKind.INTERNAL).end();
    TestObservationRegistryAssert.assertThat(registry)
        .hasSingleObservationThat()
        .hasNameEqualTo("llmclient.llm.generate");
  }

  @Test
  void aProviderGivenARegistryAlwaysTracesIntoIt() {
    TestObservationRegistry registry = TestObservationRegistry.create();
    Tracer tracer = new MicrometerTracerProvider(registry).create(ProviderSettings.empty());
    tracer.startSpan("llmclient.llm.embed", SpanKind.INTERNAL).end();
    TestObservationRegistryAssert.assertThat(registry)
        .hasSingleObservationThat()
        .hasNameEqualTo("llmclient.llm.embed");
  }
}
