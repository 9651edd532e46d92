package dev.llmclient.core;

import dev.llmclient.api.LlmConfigurationException;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What provider selection sees: every provider on the classpath, which one a client would use, or
 * why none can be chosen. The {@code llm providers} command prints it.
 *
 * <pre>{@code
 * ProviderReport report = LlmClients.describeProviders(ProviderSettings.fromEnvironment());
 * report.providers().forEach(p -> System.out.println(p.id() + " configured=" + p.configured()));
 * report.problem().ifPresent(e -> System.out.println(e.getMessage()));
 * }</pre>
 */
public final class ProviderReport {

  private final List<ProviderStatus> providers;
  private final @Nullable String selectedId;
  private final @Nullable LlmConfigurationException problem;

  ProviderReport(
      List<ProviderStatus> providers,
      @Nullable String selectedId,
      @Nullable LlmConfigurationException problem) {
    this.providers = List.copyOf(providers);
    this.selectedId = selectedId;
    this.problem = problem;
  }

  /**
   * Every provider found, sorted by id (then class name).
   *
   * @return an unmodifiable list
   */
  public List<ProviderStatus> providers() {
    return providers;
  }

  /**
   * The id of the provider a client built with the same settings would use.
   *
   * @return the id, or empty when selection fails
   */
  public Optional<String> selectedId() {
    return Optional.ofNullable(selectedId);
  }

  /**
   * The exception building a client would throw, with its message saying what to set or add.
   *
   * @return the selection error, or empty when a provider is selected
   */
  public Optional<LlmConfigurationException> problem() {
    return Optional.ofNullable(problem);
  }

  @Override
  public String toString() {
    return "ProviderReport[providers="
        + providers
        + ", selected="
        + selectedId
        + ", problem="
        + (problem == null ? null : problem.getMessage())
        + "]";
  }
}
