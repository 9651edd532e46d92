package dev.llmclient.cli;

import dev.llmclient.api.LlmClient;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.api.spi.Tracer;
import dev.llmclient.core.LlmClients;
import dev.llmclient.core.LlmConfig;
import dev.llmclient.core.ProviderReport;
import dev.llmclient.core.ProviderStatus;
import dev.llmclient.core.TokenUsageTracker;
import dev.llmclient.testkit.simulator.LatencyModel;
import dev.llmclient.testkit.simulator.LlmSimulator;
import java.io.PrintWriter;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * A client on the provider the settings select, or on an embedded simulator when no provider is
 * configured at all. Closing it closes both.
 */
final class Connection implements AutoCloseable {

  /** The model name sent to the embedded simulator unless MODEL_NAME says otherwise. */
  static final String SIMULATOR_MODEL = "llm-simulator";

  /** The anchor the core ends its "no provider is configured" message with. */
  static final String NONE_CONFIGURED = "[llmclient: none-configured]";

  private final LlmClient client;
  private final @Nullable LlmSimulator simulator;
  private final String description;

  private Connection(LlmClient client, @Nullable LlmSimulator simulator, String description) {
    this.client = client;
    this.simulator = simulator;
    this.description = description;
  }

  /**
   * Whether the core would find no configured provider, so that the embedded simulator is used: no
   * explicit provider, and the core's selection fails only because nothing is configured.
   */
  static boolean noneConfigured(@Nullable String explicitProvider, ProviderReport report) {
    if (explicitProvider != null || report.selectedId().isPresent()) {
      return false;
    }
    return report.providers().stream().noneMatch(ProviderStatus::configured)
        && report.problem().map(e -> e.getMessage().contains(NONE_CONFIGURED)).orElse(false);
  }

  /** The settings that point provider-openai at a simulator on this loopback port. */
  static ProviderSettings simulatorSettings(ProviderSettings user, int port) {
    ProviderSettings.Builder b =
        user.toBuilder()
            .set("OPENAI_BASE_URL", "http://127.0.0.1:" + port + "/v1")
            .set("OPENAI_API_KEY", "embedded-simulator-key");
    if (user.get("MODEL_NAME") == null) {
      b.set("MODEL_NAME", SIMULATOR_MODEL);
    }
    if (user.get("SMALL_MODEL_NAME") == null) {
      b.set("SMALL_MODEL_NAME", SIMULATOR_MODEL);
    }
    return b.build();
  }

  /**
   * Starts the embedded simulator and says so on {@code err} when no provider is given and the
   * core's selection finds none configured; otherwise returns null.
   */
  static @Nullable LlmSimulator embeddedIfNoneConfigured(
      @Nullable String explicitProvider,
      ProviderSettings settings,
      long latencyMs,
      PrintWriter err) {
    if (explicitProvider != null || !noneConfigured(null, LlmClients.describeProviders(settings))) {
      return null;
    }
    LlmSimulator sim =
        LlmSimulator.builder().latency(LatencyModel.fixed(Duration.ofMillis(latencyMs))).start();
    err.println(
        "llm: no provider is configured, so this runs against the embedded simulator on "
            + sim.openAiBaseUri()
            + " (generated answers). For a real service set AZURE_OPENAI_ENDPOINT and"
            + " AZURE_OPENAI_API_KEY, or OPENAI_API_KEY; `llm providers` shows what is"
            + " missing.");
    err.flush();
    return sim;
  }

  /**
   * Opens a client as the options and settings say; prints one line to {@code err} when it falls
   * back to the embedded simulator.
   */
  static Connection open(
      ClientOptions options,
      ProviderSettings settings,
      PrintWriter err,
      @Nullable Tracer tracer,
      @Nullable TokenUsageTracker tracker) {
    LlmConfig config =
        LlmConfig.builder().model(options.model).temperature(options.temperature).build();
    LlmSimulator sim =
        embeddedIfNoneConfigured(options.provider, settings, options.simulatorLatencyMs, err);
    if (sim != null) {
      try {
        LlmClient client =
            builder(config, tracer, tracker)
                .provider("openai")
                .settings(simulatorSettings(settings, sim.port()))
                .build();
        return new Connection(client, sim, "embedded simulator at " + sim.openAiBaseUri());
      } catch (RuntimeException e) {
        sim.close();
        throw e;
      }
    }
    LlmClients.Builder b = builder(config, tracer, tracker).settings(settings);
    if (options.provider != null) {
      b.provider(options.provider);
    }
    LlmClient client = b.build();
    return new Connection(client, null, options.provider != null ? options.provider : "selected");
  }

  private static LlmClients.Builder builder(
      LlmConfig config, @Nullable Tracer tracer, @Nullable TokenUsageTracker tracker) {
    LlmClients.Builder b = LlmClients.builder().config(config);
    if (tracer != null) {
      b.tracer(tracer);
    }
    if (tracker != null) {
      b.tokenUsageTracker(tracker);
    }
    return b;
  }

  LlmClient client() {
    return client;
  }

  boolean embedded() {
    return simulator != null;
  }

  String description() {
    return description;
  }

  @Override
  public void close() {
    try {
      client.close();
    } finally {
      if (simulator != null) {
        simulator.close();
      }
    }
  }
}
