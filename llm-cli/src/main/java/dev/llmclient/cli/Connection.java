package dev.llmclient.cli;

import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmConfigurationException;
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
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * A client on the provider the settings select, or on an embedded simulator when no provider
 * setting is present at all. A partial configuration (an endpoint without its key, a misspelt name)
 * is an error that names what is missing, never a silent fall back to generated answers. Closing
 * the connection closes both.
 */
final class Connection implements AutoCloseable {

  /** The model name sent to the embedded simulator unless MODEL_NAME says otherwise. */
  static final String SIMULATOR_MODEL = "llm-simulator";

  /** The anchor the core ends its "no provider is configured" message with. */
  static final String NONE_CONFIGURED = "[llmclient: none-configured]";

  /** The anchor the core ends its "the selected provider lacks settings" message with. */
  static final String NOT_CONFIGURED = "[llmclient: not-configured]";

  private final LlmClient client;
  private final @Nullable LlmSimulator simulator;
  private final String description;

  private Connection(LlmClient client, @Nullable LlmSimulator simulator, String description) {
    this.client = client;
    this.simulator = simulator;
    this.description = description;
  }

  /**
   * The setting names the bundled providers read, checked in settings whose names cannot be listed
   * (settings built in code); in the process environment every name is checked.
   */
  static final List<String> KNOWN_PROVIDER_SETTINGS =
      List.of(
          "LLM_PROVIDER",
          "AZURE_OPENAI_ENDPOINT",
          "AZURE_OPENAI_API_KEY",
          "AZURE_OPENAI_DEPLOYMENT_NAME",
          "AZURE_OPENAI_DEPLOYMENTS",
          "AZURE_OPENAI_SMALL_DEPLOYMENT_NAME",
          "AZURE_OPENAI_EMBEDDING_DEPLOYMENT_NAME",
          "AZURE_OPENAI_API_VERSION",
          "AZURE_OPENAI_API_MODE",
          "AZURE_OPENAI_USE_MANAGED_IDENTITY",
          "OPENAI_API_KEY",
          "OPENAI_BASE_URL",
          "OPENAI_ORG_ID",
          "OPENAI_PROJECT_ID",
          "OPENAI_MAX_TOKENS_PARAM",
          "OPENAI_EXTRA_HEADERS");

  /**
   * Whether a setting name says the user means a real provider: {@code LLM_PROVIDER} and every name
   * starting with {@code AZURE_OPENAI_} or {@code OPENAI_}, misspelt ones included. Model names
   * ({@code MODEL_NAME}, ...) and {@code LLM_*} tuning do not count: they also name the embedded
   * simulator's model and shape its calls.
   */
  static boolean isProviderSetting(String name) {
    return name.equals("LLM_PROVIDER")
        || name.startsWith("AZURE_OPENAI_")
        || name.startsWith("OPENAI_");
  }

  /** The provider settings that are set, sorted, from the names that may be set. */
  static List<String> providerSettingsSet(ProviderSettings settings, Collection<String> names) {
    Set<String> set = new TreeSet<>();
    for (String name : names) {
      if (isProviderSetting(name) && settings.isSet(name)) {
        set.add(name);
      }
    }
    for (String name : KNOWN_PROVIDER_SETTINGS) {
      if (settings.isSet(name)) {
        set.add(name);
      }
    }
    return List.copyOf(set);
  }

  /**
   * The well-known setting a name that no provider reads is one or two typos away from, or null.
   */
  static @Nullable String nearestKnown(String name) {
    if (KNOWN_PROVIDER_SETTINGS.contains(name)) {
      return null;
    }
    for (String known : KNOWN_PROVIDER_SETTINGS) {
      if (editDistanceAtMost2(name, known)) {
        return known;
      }
    }
    return null;
  }

  private static boolean editDistanceAtMost2(String a, String b) {
    if (Math.abs(a.length() - b.length()) > 2) {
      return false;
    }
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] t = previous;
      previous = current;
      current = t;
    }
    return previous[b.length()] <= 2;
  }

  /**
   * Whether the embedded simulator is used: no explicit provider, no provider setting at all, and
   * the core's selection fails only because nothing is configured.
   */
  static boolean noneConfigured(
      @Nullable String explicitProvider, List<String> providerSettingsSet, ProviderReport report) {
    if (explicitProvider != null
        || !providerSettingsSet.isEmpty()
        || report.selectedId().isPresent()) {
      return false;
    }
    return report.providers().stream().noneMatch(ProviderStatus::configured)
        && report.problem().map(e -> e.getMessage().contains(NONE_CONFIGURED)).orElse(false);
  }

  /**
   * The core's selection error, saying first that the simulator is not used because provider
   * settings are present; other errors unchanged.
   */
  static LlmConfigurationException explained(
      LlmConfigurationException e, List<String> providerSettingsSet) {
    String message = String.valueOf(e.getMessage());
    if (providerSettingsSet.isEmpty()
        || !(message.contains(NONE_CONFIGURED) || message.contains(NOT_CONFIGURED))) {
      return e;
    }
    StringBuilder misspelt = new StringBuilder();
    for (String name : providerSettingsSet) {
      String known = nearestKnown(name);
      if (known != null) {
        misspelt.append(name).append(" looks like a misspelling of ").append(known).append(". ");
      }
    }
    return new LlmConfigurationException(
        String.join(", ", providerSettingsSet)
            + (providerSettingsSet.size() == 1 ? " is" : " are")
            + " set, so llm calls a real service and does not fall back to the embedded"
            + " simulator, but the settings are incomplete. "
            + misspelt
            + message,
        e.context(),
        e);
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
   * Starts the embedded simulator and says so on {@code err} when {@link #noneConfigured} holds;
   * otherwise returns null.
   */
  static @Nullable LlmSimulator embeddedIfNoneConfigured(
      @Nullable String explicitProvider,
      ProviderSettings settings,
      List<String> providerSettingsSet,
      long latencyMs,
      PrintWriter err) {
    if (!willUseSimulator(explicitProvider, settings, providerSettingsSet)) {
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

  /** Whether {@link #open} would use the embedded simulator; starts nothing. */
  static boolean willUseSimulator(
      @Nullable String explicitProvider,
      ProviderSettings settings,
      List<String> providerSettingsSet) {
    return explicitProvider == null
        && providerSettingsSet.isEmpty()
        && noneConfigured(null, providerSettingsSet, LlmClients.describeProviders(settings));
  }

  /**
   * Opens a client as the options and settings say; prints one line to {@code err} when it falls
   * back to the embedded simulator.
   *
   * @param providerSettingsSet the provider settings that are set ({@link #providerSettingsSet})
   * @throws LlmConfigurationException when the settings select no provider, naming what is missing
   */
  static Connection open(
      ClientOptions options,
      ProviderSettings settings,
      List<String> providerSettingsSet,
      PrintWriter err,
      @Nullable Tracer tracer,
      @Nullable TokenUsageTracker tracker) {
    return openWith(options, options.settings(settings), providerSettingsSet, err, tracer, tracker);
  }

  private static Connection openWith(
      ClientOptions options,
      ProviderSettings settings,
      List<String> providerSettingsSet,
      PrintWriter err,
      @Nullable Tracer tracer,
      @Nullable TokenUsageTracker tracker) {
    LlmConfig config =
        LlmConfig.builder().model(options.model).temperature(options.temperature).build();
    LlmSimulator sim =
        embeddedIfNoneConfigured(
            options.provider, settings, providerSettingsSet, options.simulatorLatencyMs, err);
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
    LlmClient client;
    try {
      client = b.build();
    } catch (LlmConfigurationException e) {
      throw explained(e, providerSettingsSet);
    }
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

  /** The embedded simulator, or null when a real provider is used. */
  @Nullable LlmSimulator simulator() {
    return simulator;
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
