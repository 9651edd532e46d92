package dev.llmclient.cli;

import dev.llmclient.api.LlmConfigurationException;
import dev.llmclient.core.LlmClients;
import dev.llmclient.core.ProviderReport;
import dev.llmclient.core.ProviderStatus;
import dev.llmclient.core.StoreProvider;
import dev.llmclient.core.pool.DeploymentPool;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code llm providers}: what provider selection sees, and what to set. */
@Command(
    name = "providers",
    mixinStandardHelpOptions = true,
    versionProvider = LlmCommand.Version.class,
    description = {
      "Lists every provider on the classpath, whether it is configured, what each unconfigured"
          + " one is missing, and which one would be selected.",
      "Exit code 0 when a provider is selected or no provider setting is set at all (the"
          + " embedded simulator is used), 3 when the settings are incomplete, ambiguous or"
          + " wrong.",
      "Then the deployment pool AZURE_OPENAI_DEPLOYMENTS describes, and the stores LLM_REDIS_URL"
          + " and LLM_CACHE_DIR ask for."
    })
final class ProvidersCommand implements Callable<Integer> {

  @ParentCommand private @Nullable LlmCommand root;

  @Spec private @Nullable CommandSpec spec;

  @Override
  public Integer call() {
    LlmCommand r = Cli.root(root);
    ProviderReport report = LlmClients.describeProviders(r.settings());
    List<String> providerSettingsSet = r.providerSettingsSet();
    PrintWriter out = Cli.spec(spec).commandLine().getOut();
    out.print(
        TerminalText.safe(
            format(
                report.providers(),
                report.selectedId().orElse(null),
                report.problem().orElse(null),
                providerSettingsSet)));
    out.print(TerminalText.safe(formatSetup(report.poolMembers(), report.stores())));
    out.flush();
    return report.selectedId().isPresent()
            || !report.poolMembers().isEmpty()
            || Connection.noneConfigured(null, providerSettingsSet, report)
        ? LlmCommand.OK
        : LlmCommand.CONFIGURATION;
  }

  /** The report as text when no provider setting is set. */
  static String format(
      List<ProviderStatus> providers,
      @Nullable String selectedId,
      @Nullable LlmConfigurationException problem) {
    return format(providers, selectedId, problem, List.of());
  }

  /**
   * The report as text: one line per provider, then the selection or the reason there is none, and
   * whether the embedded simulator is used instead.
   */
  static String format(
      List<ProviderStatus> providers,
      @Nullable String selectedId,
      @Nullable LlmConfigurationException problem,
      List<String> providerSettingsSet) {
    StringBuilder s = new StringBuilder();
    if (providers.isEmpty()) {
      s.append("No LLM provider on the classpath.\n");
    } else {
      int idWidth = providers.stream().mapToInt(p -> p.id().length()).max().orElse(0);
      s.append("Providers on the classpath:\n");
      for (ProviderStatus p : providers) {
        s.append("  ").append(pad(p.id(), idWidth)).append("  ");
        if (p.configured()) {
          s.append("configured");
        } else {
          s.append("not configured, missing: ").append(String.join("; ", p.missingSettings()));
        }
        if (p.selected()) {
          s.append("  <- selected");
        }
        s.append("  (").append(p.className()).append(")\n");
      }
    }
    if (selectedId != null) {
      s.append("Selected: ").append(selectedId).append('\n');
    } else {
      s.append("Selected: none\n");
      if (problem != null) {
        s.append(problem.getMessage()).append('\n');
        boolean incomplete =
            problem.getMessage().contains(Connection.NONE_CONFIGURED)
                || problem.getMessage().contains(Connection.NOT_CONFIGURED);
        if (!providerSettingsSet.isEmpty() && incomplete) {
          s.append(String.join(", ", providerSettingsSet))
              .append(providerSettingsSet.size() == 1 ? " is" : " are")
              .append(
                  " set, so `llm batch`, `llm chat`, `llm extract` and `llm embed` do not use"
                      + " the embedded simulator: complete the settings above, or unset them to"
                      + " try the simulator.\n");
        } else if (problem.getMessage().contains(Connection.NONE_CONFIGURED)) {
          s.append(
              "Until one is configured, `llm batch`, `llm chat`, `llm extract` and `llm embed` run against"
                  + " the embedded simulator.\n");
        }
      }
    }
    return s.toString();
  }

  /**
   * The deployment pool the settings describe and the stores in use, from the report alone: nothing
   * is connected to. Empty when the settings ask for neither.
   */
  static String formatSetup(List<String> poolMembers, List<String> stores) {
    StringBuilder s = new StringBuilder();
    if (!poolMembers.isEmpty()) {
      s.append("Deployment pool (")
          .append(DeploymentPool.DEPLOYMENTS_SETTING)
          .append("), used instead of the selected provider:\n");
      List<String> embedding = new ArrayList<>();
      for (String member : poolMembers) {
        s.append("  ").append(member).append('\n');
        if (member.contains(" embedding=")) {
          embedding.add(member.substring(0, Math.max(0, member.indexOf(": "))));
        }
      }
      s.append(
          embedding.isEmpty()
              ? "Embeddings: no member names ;embedding=DEPLOYMENT, so `llm embed` uses the"
                  + " selected provider\n"
              : "Embeddings: served by the members with an embedding deployment ("
                  + String.join(", ", embedding)
                  + ")\n");
    }
    if (!stores.isEmpty()) {
      s.append("Stores:\n");
      for (String store : stores) {
        s.append("  ").append(store).append('\n');
      }
    } else if (!poolMembers.isEmpty()) {
      s.append("Stores: the pool's budgets and the response cache are in this process (set ")
          .append(StoreProvider.REDIS_URL)
          .append(" to share them with other processes)\n");
    }
    return s.toString();
  }

  private static String pad(String text, int width) {
    return text + " ".repeat(Math.max(0, width - text.length()));
  }
}
