package dev.llmclient.spring;

import dev.llmclient.core.EmbedderClientBuilder;

/**
 * Changes the {@link EmbedderClientBuilder} before the starter builds the {@code EmbedderClient}
 * bean: declare one as a bean for what properties cannot say.
 */
@FunctionalInterface
public interface EmbedderClientBuilderCustomizer {

  /**
   * Changes the builder.
   *
   * @param builder the builder, already given the settings and the tracer
   */
  void customize(EmbedderClientBuilder builder);
}
