package dev.llmclient.spring;

import dev.llmclient.api.EmbedderClient;
import dev.llmclient.api.LlmClient;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.api.spi.Tracer;
import dev.llmclient.core.EmbedderClientBuilder;
import dev.llmclient.core.LlmClients;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Lazy;
import org.springframework.core.env.Environment;

/**
 * Spring Boot auto-configuration for llmclient: an {@link LlmClient} and an {@link EmbedderClient}
 * built from the {@code llmclient.*} properties ({@link LlmClientProperties}) and the environment,
 * traced with the application's {@code ObservationRegistry} or {@code OpenTelemetry}, a health
 * indicator when Actuator is present, and every bean closed with the context. Each bean steps aside
 * when the application declares its own.
 *
 * <p>The {@code LlmClient} is built at start-up, so a missing setting stops the application with a
 * message that says what to set ({@code llmclient.chat.enabled=false} turns it off); the {@code
 * EmbedderClient} is built when first used ({@code llmclient.embedding.enabled=false} turns it
 * off).
 */
@AutoConfiguration(
    afterName = {
      "org.springframework.boot.actuate.autoconfigure.observation.ObservationAutoConfiguration",
      "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
      "org.springframework.boot.actuate.autoconfigure.opentelemetry.OpenTelemetryAutoConfiguration",
      "io.opentelemetry.instrumentation.spring.autoconfigure.OpenTelemetryAutoConfiguration"
    })
@EnableConfigurationProperties(LlmClientProperties.class)
// In this order: the first tracer that applies wins.
@Import({
  LlmClientConfigurations.MicrometerTracerConfiguration.class,
  LlmClientConfigurations.OpenTelemetryTracerConfiguration.class,
  LlmClientConfigurations.NoTracerConfiguration.class,
  LlmClientConfigurations.HealthConfiguration.class
})
public class LlmClientAutoConfiguration {

  /** The bean name of the tracer the clients get: {@value}. */
  public static final String TRACER_BEAN = "llmclientTracer";

  /** Created by Spring. */
  public LlmClientAutoConfiguration() {}

  /**
   * The settings both clients and the health indicator read: the properties, then the Spring
   * environment under each setting's own name.
   *
   * @param properties the {@code llmclient.*} properties
   * @param environment the Spring environment
   * @return the settings
   */
  @Bean
  @ConditionalOnMissingBean
  public ProviderSettings llmclientProviderSettings(
      LlmClientProperties properties, Environment environment) {
    return properties.providerSettings(environment::getProperty);
  }

  /**
   * The chat client, closed with the context.
   *
   * @param settings the settings
   * @param tracer the tracer bean, if any
   * @param customizers the application's customizers, in order
   * @return the client
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  @ConditionalOnProperty(prefix = "llmclient.chat", name = "enabled", matchIfMissing = true)
  public LlmClient llmClient(
      ProviderSettings settings,
      ObjectProvider<Tracer> tracer,
      ObjectProvider<LlmClientBuilderCustomizer> customizers) {
    LlmClients.Builder builder = LlmClients.builder().settings(settings);
    tracer.ifAvailable(builder::tracer);
    customizers.orderedStream().forEach(c -> c.customize(builder));
    return builder.build();
  }

  /**
   * The embedder, built when first used and closed with the context.
   *
   * @param settings the settings
   * @param tracer the tracer bean, if any
   * @param customizers the application's customizers, in order
   * @return the embedder
   */
  @Bean(destroyMethod = "close")
  @Lazy
  @ConditionalOnMissingBean
  @ConditionalOnProperty(prefix = "llmclient.embedding", name = "enabled", matchIfMissing = true)
  public EmbedderClient embedderClient(
      ProviderSettings settings,
      ObjectProvider<Tracer> tracer,
      ObjectProvider<EmbedderClientBuilderCustomizer> customizers) {
    EmbedderClientBuilder builder = LlmClients.embedder().settings(settings);
    tracer.ifAvailable(builder::tracer);
    customizers.orderedStream().forEach(c -> c.customize(builder));
    return builder.build();
  }
}
