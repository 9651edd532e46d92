package dev.llmclient.api.spi;

import java.net.URI;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a backend tells the core about itself: for model defaults, tracing and cache keys.
 *
 * @param providerId the provider id ({@code "azure"}, {@code "openai"}, ...)
 * @param genAiProviderName the OpenTelemetry {@code gen_ai.provider.name} ({@code "openai"}, {@code
 *     "azure.ai.openai"}, ...)
 * @param endpoint the base URI requests go to, or null when there is none (test doubles)
 * @param defaultModel the model or Azure deployment for {@code MEDIUM} calls, or null when the
 *     core's configuration must name one
 * @param defaultSmallModel the model or deployment for {@code SMALL} calls, or null to use the
 *     medium one
 */
public record BackendInfo(
    String providerId,
    String genAiProviderName,
    @Nullable URI endpoint,
    @Nullable String defaultModel,
    @Nullable String defaultSmallModel) {

  /**
   * Validates the required names.
   *
   * @param providerId the provider id ({@code "azure"}, {@code "openai"}, ...)
   * @param genAiProviderName the OpenTelemetry {@code gen_ai.provider.name} ({@code "openai"},
   *     {@code "azure.ai.openai"}, ...)
   * @param endpoint the base URI requests go to, or null when there is none (test doubles)
   * @param defaultModel the model or Azure deployment for {@code MEDIUM} calls, or null when the
   *     core's configuration must name one
   * @param defaultSmallModel the model or deployment for {@code SMALL} calls, or null to use the
   *     medium one
   * @throws NullPointerException if {@code providerId} or {@code genAiProviderName} is null
   */
  public BackendInfo {
    Objects.requireNonNull(providerId, "providerId");
    Objects.requireNonNull(genAiProviderName, "genAiProviderName");
  }
}
