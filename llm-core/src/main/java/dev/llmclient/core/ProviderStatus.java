package dev.llmclient.core;

import java.util.List;
import java.util.Objects;

/**
 * One LLM provider found on the classpath, as {@link LlmClients#describeProviders} reports it.
 *
 * @param id the provider id ({@code "azure"}, {@code "openai"}, ...)
 * @param className the provider's implementation class
 * @param configured whether its settings are complete
 * @param missingSettings what it still needs, empty when configured
 * @param selected whether {@link LlmClients#builder()} would pick this provider
 */
public record ProviderStatus(
    String id,
    String className,
    boolean configured,
    List<String> missingSettings,
    boolean selected) {

  /**
   * Copies the list and rejects nulls.
   *
   * @param id the provider id ({@code "azure"}, {@code "openai"}, ...)
   * @param className the provider's implementation class
   * @param configured whether its settings are complete
   * @param missingSettings what it still needs, empty when configured
   * @param selected whether {@link LlmClients#builder()} would pick this provider
   * @throws NullPointerException if a part is null
   */
  public ProviderStatus {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(className, "className");
    missingSettings = List.copyOf(missingSettings);
  }
}
