package dev.llmclient.cli;

import dev.llmclient.testkit.simulator.Fault;
import dev.llmclient.testkit.simulator.LatencyModel;
import dev.llmclient.testkit.simulator.LlmSimulator;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code llm simulate}: the test kit's Azure OpenAI / OpenAI simulator as a standalone server. */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    versionProvider = LlmCommand.Version.class,
    description = {
      "Runs the Azure OpenAI / OpenAI simulator on 127.0.0.1 until Ctrl-C: deterministic"
          + " answers valid against the request's JSON schema, real error shapes, rate limits and"
          + " injected faults.",
      "Point a client at it with OPENAI_BASE_URL=http://127.0.0.1:PORT/v1 and any"
          + " OPENAI_API_KEY (or AZURE_OPENAI_ENDPOINT=http://127.0.0.1:PORT)."
    })
final class SimulateCommand implements Callable<Integer> {

  @Spec private @Nullable CommandSpec spec;

  @Option(
      names = "--port",
      paramLabel = "N",
      defaultValue = "8080",
      description = "Port on 127.0.0.1 (default ${DEFAULT-VALUE}; 0 picks a free one).")
  int port = 8080;

  @Option(
      names = "--api-key",
      paramLabel = "KEY",
      description = "Accepted API key (repeatable); none means every key is accepted.")
  List<String> apiKeys = new ArrayList<>();

  @Option(
      names = "--deployment",
      paramLabel = "NAME",
      description = "Served deployment or model (repeatable); none means any name.")
  List<String> deployments = new ArrayList<>();

  @Option(names = "--rpm", paramLabel = "N", description = "Requests per minute per deployment.")
  @Nullable Integer rpm;

  @Option(names = "--tpm", paramLabel = "N", description = "Tokens per minute per deployment.")
  @Nullable Integer tpm;

  @Option(
      names = "--latency-ms",
      paramLabel = "MS",
      defaultValue = "0",
      description = "Delay before each reply (default ${DEFAULT-VALUE}).")
  long latencyMs;

  @Option(names = "--seed", paramLabel = "N", description = "Seed of all generated answers.")
  @Nullable Long seed;

  @Option(
      names = "--faults",
      paramLabel = "KIND[:P]",
      split = ",",
      description =
          "Faults to inject, each firing with probability P (default 1), e.g."
              + " RATE_LIMITED_429:0.1,SERVER_ERROR_500:0.05. Kinds: ${COMPLETION-CANDIDATES}.",
      completionCandidates = FaultKinds.class)
  List<String> faults = new ArrayList<>();

  /** The fault kinds, for the help text. */
  static final class FaultKinds extends ArrayList<String> {
    private static final long serialVersionUID = 1L;

    FaultKinds() {
      super(Arrays.stream(Fault.Kind.values()).map(Enum::name).toList());
    }
  }

  @Override
  public Integer call() throws InterruptedException {
    LlmSimulator.Builder b = LlmSimulator.builder().port(port);
    apiKeys.forEach(b::apiKey);
    deployments.forEach(b::deployment);
    if (rpm != null) {
      b.requestsPerMinute(rpm);
    }
    if (tpm != null) {
      b.tokensPerMinute(tpm);
    }
    if (seed != null) {
      b.seed(seed);
    }
    b.latency(LatencyModel.fixed(Duration.ofMillis(latencyMs)));
    for (String spec : faults) {
      b.fault(fault(spec));
    }
    LlmSimulator sim = b.start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  sim.close();
                  stopped.countDown();
                },
                "llm-simulate-shutdown"));
    PrintWriter out = Cli.spec(spec).commandLine().getOut();
    out.println("LLM simulator listening on " + sim.baseUri() + " (Ctrl-C stops it)");
    out.println("  OpenAI:  OPENAI_BASE_URL=" + sim.openAiBaseUri() + " OPENAI_API_KEY=any");
    out.println("  Azure:   AZURE_OPENAI_ENDPOINT=" + sim.azureEndpoint());
    out.flush();
    stopped.await();
    return LlmCommand.OK;
  }

  /** A {@link Fault#parse(String)} spec, its errors prefixed with the option's name. */
  static Fault fault(String spec) {
    try {
      return Fault.parse(spec);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--faults: " + e.getMessage(), e);
    }
  }
}
