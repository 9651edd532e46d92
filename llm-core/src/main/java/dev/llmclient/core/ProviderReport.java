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
  private final List<String> poolMembers;
  private final List<String> stores;

  ProviderReport(
      List<ProviderStatus> providers,
      @Nullable String selectedId,
      @Nullable LlmConfigurationException problem,
      List<String> poolMembers,
      List<String> stores) {
    this.providers = List.copyOf(providers);
    this.selectedId = selectedId;
    this.problem = problem;
    this.poolMembers = List.copyOf(poolMembers);
    this.stores = List.copyOf(stores);
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

  /**
   * The members of the deployment pool a client would route over, one line each ({@link
   * dev.llmclient.core.pool.DeploymentPool#describeMembers}), when {@value
   * dev.llmclient.core.pool.DeploymentPool#DEPLOYMENTS_SETTING} is set.
   *
   * @return an unmodifiable list, empty without a pool
   */
  public List<String> poolMembers() {
    return poolMembers;
  }

  /**
   * The shared or persistent stores the settings ask for ({@value StoreProvider#REDIS_URL}, {@value
   * StoreProvider#CACHE_DIR}, ...), one line each: the setting and where the store lives, or the
   * artifact that is missing. Nothing is connected to find this out.
   *
   * @return an unmodifiable list, empty when the settings ask for none (caches in memory only)
   */
  public List<String> stores() {
    return stores;
  }

  @Override
  public String toString() {
    return "ProviderReport[providers="
        + providers
        + ", selected="
        + selectedId
        + ", problem="
        + (problem == null ? null : problem.getMessage())
        + ", poolMembers="
        + poolMembers
        + ", stores="
        + stores
        + "]";
  }
}
