package dev.llmclient.spring;

import dev.llmclient.core.LlmClients;

/**
 * Changes the {@link LlmClients.Builder} before the starter builds the {@code LlmClient} bean:
 * declare one as a bean for what properties cannot say (a cache, a retry policy, a usage tracker).
 *
 * <pre>{@code
 * @Bean
 * LlmClientBuilderCustomizer cache() {
 *   return builder -> builder.enableCache();
 * }
 * }</pre>
 */
@FunctionalInterface
public interface LlmClientBuilderCustomizer {

  /**
   * Changes the builder.
   *
   * @param builder the builder, already given the settings and the tracer
   */
  void customize(LlmClients.Builder builder);
}
