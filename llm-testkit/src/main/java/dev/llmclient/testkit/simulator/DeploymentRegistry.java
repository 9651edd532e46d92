package dev.llmclient.testkit.simulator;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The deployments a running simulator knows: the configured ones, those added at run time, and,
 * when none was configured, those created on first use from the builder's limits.
 */
final class DeploymentRegistry {

  private final SimulatorConfig config;
  private final Map<String, Deployment> deployments = new ConcurrentHashMap<>();

  DeploymentRegistry(SimulatorConfig config) {
    this.config = config;
  }

  /** Back to the configured deployments. */
  void reset() {
    deployments.clear();
    for (Deployment d : config.deployments()) {
      deployments.put(d.name(), d);
    }
  }

  void add(Deployment d) {
    deployments.put(d.name(), d);
  }

  List<Deployment> all() {
    return List.copyOf(deployments.values());
  }

  /** A known deployment, or null. */
  @Nullable Deployment get(String name) {
    return deployments.get(name);
  }

  /** A known deployment, one created on first use when names are not strict, else null. */
  @Nullable Deployment resolve(String name) {
    Deployment d = deployments.get(name);
    if (d != null) {
      return d;
    }
    if (!config.strictDeployments()) {
      return deployments.computeIfAbsent(name, this::implicitDeployment);
    }
    return null;
  }

  /** The limits of deployments without their own. */
  Deployment template() {
    return config.template();
  }

  private Deployment implicitDeployment(String name) {
    Deployment t = template();
    return new Deployment(
        name,
        name,
        t.requestsPerMinute(),
        t.tokensPerMinute(),
        t.contextWindow(),
        t.embeddingDimensions(),
        t.reasoning());
  }
}
