package dev.llmclient.testkit.simulator;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What {@link LlmSimulator.Builder} said, frozen when the simulator starts: the engine and its
 * endpoints read only this, so changing the builder afterwards changes nothing. State the simulator
 * changes while running (added faults and deployments, queued replies, recordings, counters, rate
 * windows) lives in its own runtime objects, each reset from this value.
 */
record SimulatorConfig(
    int port,
    Set<String> apiKeys,
    Set<String> bearerTokens,
    Set<String> apiVersions,
    List<Deployment> deployments,
    boolean strictDeployments,
    Deployment template,
    Duration rateWindow,
    boolean sendRetryAfterMs,
    boolean retryAfterHttpDate,
    boolean sendMsRetryAfter,
    @Nullable String promptFilterTrigger,
    @Nullable String completionFilterTrigger,
    @Nullable String refusalTrigger,
    String filterCategory,
    String filterSeverity,
    LatencyModel latency,
    List<Fault> faults,
    Map<String, String> scripts,
    long seed,
    int maxRecordedRequests,
    Clock clock,
    boolean requireJsonWord,
    int ioThreads) {

  SimulatorConfig {
    apiKeys = Set.copyOf(apiKeys);
    bearerTokens = Set.copyOf(bearerTokens);
    apiVersions = Set.copyOf(apiVersions);
    deployments = List.copyOf(deployments);
    faults = List.copyOf(faults);
    // Script order matters (the first phrase found wins), and Map.copyOf loses it.
    scripts = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(scripts));
  }

  /** Whether any key or token is configured, so requests must authenticate. */
  boolean authenticates() {
    return !apiKeys.isEmpty() || !bearerTokens.isEmpty();
  }

  /** Leaves out the keys and tokens. */
  @Override
  public String toString() {
    return "SimulatorConfig[port="
        + port
        + ", apiKeys="
        + apiKeys.size()
        + ", bearerTokens="
        + bearerTokens.size()
        + ", deployments="
        + deployments
        + ", faults="
        + faults
        + ", seed="
        + seed
        + "]";
  }
}
