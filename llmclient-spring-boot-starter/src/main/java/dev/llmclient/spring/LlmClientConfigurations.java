package dev.llmclient.spring;

import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.api.spi.Tracer;
import dev.llmclient.micrometer.MicrometerTracing;
import dev.llmclient.micrometer.TokenUsageObservationHandler;
import dev.llmclient.otel.OtelTracing;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.opentelemetry.api.OpenTelemetry;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/**
 * The parts of {@link LlmClientAutoConfiguration} that apply only when a library is present, in
 * classes of their own so that a missing library never loads; imported there in order.
 */
final class LlmClientConfigurations {

  private LlmClientConfigurations() {}

  /** The health indicator, when Actuator is present. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(HealthIndicator.class)
  static class HealthConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "llmclientHealthIndicator")
    LlmClientHealthIndicator llmclientHealthIndicator(ProviderSettings settings) {
      return new LlmClientHealthIndicator(settings);
    }
  }

  /** Micrometer first: it gives Actuator's metrics and, with a tracing bridge, spans too. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({MicrometerTracing.class, ObservationRegistry.class})
  @Conditional(TracingCondition.Micrometer.class)
  static class MicrometerTracerConfiguration {

    @Bean(LlmClientAutoConfiguration.TRACER_BEAN)
    @ConditionalOnMissingBean(Tracer.class)
    @ConditionalOnBean(ObservationRegistry.class)
    Tracer llmclientTracer(ObservationRegistry registry) {
      return MicrometerTracing.create(registry);
    }

    @Bean
    @ConditionalOnClass(MeterRegistry.class)
    @ConditionalOnBean(MeterRegistry.class)
    @ConditionalOnMissingBean
    TokenUsageObservationHandler llmclientTokenUsageObservationHandler(MeterRegistry meters) {
      return new TokenUsageObservationHandler(meters);
    }
  }

  /** OpenTelemetry, when the application has an {@code OpenTelemetry} bean. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({OtelTracing.class, OpenTelemetry.class})
  @Conditional(TracingCondition.OpenTelemetry.class)
  static class OpenTelemetryTracerConfiguration {

    @Bean(LlmClientAutoConfiguration.TRACER_BEAN)
    @ConditionalOnMissingBean(Tracer.class)
    @ConditionalOnBean(OpenTelemetry.class)
    Tracer llmclientTracer(OpenTelemetry openTelemetry) {
      return OtelTracing.create(openTelemetry);
    }
  }

  /** {@code llmclient.tracing=none}: no tracer, not even one found on the classpath. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnProperty(prefix = "llmclient", name = "tracing", havingValue = "none")
  static class NoTracerConfiguration {

    @Bean(LlmClientAutoConfiguration.TRACER_BEAN)
    @ConditionalOnMissingBean(Tracer.class)
    Tracer llmclientTracer() {
      return Tracer.noop();
    }
  }
}
