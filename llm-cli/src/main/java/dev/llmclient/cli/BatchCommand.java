package dev.llmclient.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code llm batch}: the main job, one structured call per JSONL record, nothing lost. */
@Command(
    name = "batch",
    description = {
      "Runs one structured call per line of a JSONL file and appends one result line per input"
          + " line to the output, keyed by the record's id (or line number).",
      "Calls run concurrently with the core's retries. Ctrl-C finishes the calls in flight and"
          + " prints the summary; --resume then continues where the run stopped.",
      "Exit code 0 when every record succeeded, 1 when any failed or was malformed."
    })
final class BatchCommand implements Callable<Integer> {

  @ParentCommand private @Nullable LlmCommand root;

  @Spec private @Nullable CommandSpec spec;

  @Mixin ClientOptions client = new ClientOptions();

  @Option(
      names = "--in",
      required = true,
      paramLabel = "FILE",
      description = "Input JSONL: one JSON object per line, with the text and optionally an id.")
  Path in = Path.of("records.jsonl");

  @Option(
      names = "--out",
      required = true,
      paramLabel = "FILE",
      description = "Output JSONL, appended to; one line per input line.")
  Path out = Path.of("results.jsonl");

  @Option(
      names = "--schema",
      paramLabel = "FILE",
      description = "JSON schema of each answer (OpenAI strict structured-output rules).")
  @Nullable Path schema;

  @Option(
      names = "--type",
      paramLabel = "TYPE",
      description =
          "A built-in answer type instead of --schema: ${COMPLETION-CANDIDATES} (the default"
              + " when neither is given is ENTITIES, the shape of the example schema).")
  Extraction.@Nullable ExampleType type;

  @Option(
      names = "--system",
      paramLabel = "TEXT",
      description = "Instructions sent before each text; default: extract what the schema says.")
  @Nullable String system;

  @Option(
      names = "--concurrency",
      paramLabel = "N",
      defaultValue = "64",
      description =
          "Calls in flight at once (default ${DEFAULT-VALUE}); lower it when the service's rate"
              + " limit answers many 429s.")
  int concurrency = 64;

  @Option(
      names = "--resume",
      description = "Skip records whose id (or line) is already in the output file.")
  boolean resume;

  @Option(
      names = "--overwrite",
      description = "Empty the output file first instead of refusing to append to it.")
  boolean overwrite;

  @Option(
      names = "--id-field",
      paramLabel = "NAME",
      defaultValue = "id",
      description = "Field holding the record id (default ${DEFAULT-VALUE}).")
  String idField = "id";

  @Option(
      names = "--text-field",
      paramLabel = "NAME",
      defaultValue = "text",
      description = "Field holding the text to send (default ${DEFAULT-VALUE}).")
  String textField = "text";

  @Option(
      names = "--progress-interval",
      paramLabel = "SECONDS",
      defaultValue = "10",
      description =
          "Seconds between progress lines when stderr is not a terminal (default ${DEFAULT-VALUE}).")
  double progressIntervalSeconds = 10;

  @Option(
      names = "--drain-timeout",
      paramLabel = "SECONDS",
      defaultValue = "60",
      description =
          "On Ctrl-C, how long to wait for the calls in flight (default ${DEFAULT-VALUE}); records"
              + " still running then are done by the next --resume.")
  long drainTimeoutSeconds = 60;

  @Option(
      names = "--price",
      paramLabel = "MODEL=IN,OUT",
      description =
          "Dollars per million input and output tokens of a model or deployment, for the cost"
              + " estimate, e.g. my-deployment=0.15,0.60 (repeatable).")
  Map<String, String> prices = new LinkedHashMap<>();

  @Override
  public Integer call() {
    if (concurrency < 1 || concurrency > 10_000) {
      throw new IllegalArgumentException(
          "--concurrency must be between 1 and 10000, got " + concurrency);
    }
    if (progressIntervalSeconds <= 0) {
      throw new IllegalArgumentException(
          "--progress-interval must be positive, got " + progressIntervalSeconds);
    }
    if (resume && overwrite) {
      throw new IllegalArgumentException("give either --resume or --overwrite, not both");
    }
    CommandSpec s = Cli.spec(spec);
    BatchJob job =
        new BatchJob(
            this, Cli.root(root).settings(), s.commandLine().getErr(), System.console() != null);
    Thread hook =
        new Thread(
            () -> job.stopAndAwait("interrupted", Duration.ofSeconds(drainTimeoutSeconds)),
            "llm-batch-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      return job.run();
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the JVM is exiting and the hook is the one waiting for this run: nothing to undo
      }
    }
  }
}
