package dev.llmclient.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
    mixinStandardHelpOptions = true,
    versionProvider = LlmCommand.Version.class,
    description = {
      "Runs one structured call per line of a JSONL file and appends one result line per input"
          + " line to the output, keyed by the record's id (or line number).",
      "Calls run concurrently with the core's retries. Ctrl-C finishes the calls in flight and"
          + " prints the summary; --resume then continues where the run stopped.",
      "--resume keeps the result lines and does every other record again: those without a line"
          + " and those whose line is an error (failed calls, records a fatal error stopped,"
          + " malformed lines); --keep-failures keeps the error lines instead. The output ends"
          + " with exactly one line per record.",
      "Every line records the SHA-256 of the input and of the schema (inputSha256,"
          + " schemaSha256), and \"simulated\": true when the embedded simulator answered;"
          + " --resume refuses an output written for another input, schema or kind of run."
          + " A lock file (OUT.lock) keeps a second run off the same output."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      LlmCommand.EXIT_OK,
      LlmCommand.EXIT_RECORDS_FAILED,
      LlmCommand.EXIT_USAGE,
      LlmCommand.EXIT_CONFIGURATION,
      LlmCommand.EXIT_BUILD_FAILED
    })
final class BatchCommand implements Callable<Integer> {

  @ParentCommand private @Nullable LlmCommand root;

  @Spec private @Nullable CommandSpec spec;

  @Mixin ClientOptions client = new ClientOptions();

  @Option(
      names = "--in",
      required = true,
      paramLabel = "FILE",
      description =
          "Input JSONL: one JSON object per line, with the text and optionally an id; - reads"
              + " standard input.")
  Path in = Path.of("records.jsonl");

  @Option(
      names = "--out",
      required = true,
      paramLabel = "FILE",
      description =
          "Output JSONL: one line per input record, its result or a typed error; a lock file"
              + " FILE.lock next to it while the run lasts. - writes the lines to standard"
              + " output (nothing to resume or overwrite there).")
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
      description =
          "Continue an earlier run: skip records that have a result line in the output, do the"
              + " rest again (records without a line and records whose line is an error).")
  boolean resume;

  @Option(
      names = "--keep-failures",
      description =
          "With --resume: keep the error lines too, doing only the records without a line.")
  boolean keepFailures;

  @Option(
      names = "--allow-changed",
      description =
          "With --resume: continue even though the input or the schema changed since the"
              + " output was written (its lines then keep the old fingerprints).")
  boolean allowChanged;

  @Option(
      names = "--allow-simulated-mix",
      description =
          "With --resume: keep lines of the embedded simulator in an output a real service"
              + " continues, or the other way round.")
  boolean allowSimulatedMix;

  @Option(
      names = "--overwrite",
      description =
          "Empty the output file first instead of refusing to append to it (only a result file"
              + " of llm batch is emptied).")
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

  /** How the records are sent. */
  enum Mode {
    /** One online call per record. */
    online,
    /** The provider's Batch API: files of requests, half the price, a 24-hour window. */
    batch_api
  }

  @Option(
      names = "--mode",
      paramLabel = "MODE",
      defaultValue = "online",
      converter = ModeConverter.class,
      description =
          "online (one call per record, the default) or batch-api (the provider's Batch API:"
              + " half the price, its own quota, results within 24 h; state kept in"
              + " OUT.batch-state.json, resumable with --resume).")
  Mode mode = Mode.online;

  @Option(
      names = "--status",
      description = "batch-api: show the batches of the open run for --out, then exit.")
  boolean status;

  @Option(
      names = "--cancel",
      description = "batch-api: cancel the batches of the open run for --out, then exit.")
  boolean cancel;

  @Option(
      names = "--detach",
      description = "batch-api: submit and exit; collect later with --resume.")
  boolean detach;

  @Option(
      names = "--no-online-retry",
      description =
          "batch-api: write failed records and invalid answers as error lines instead of retrying"
              + " them online.")
  boolean noOnlineRetry;

  @Option(
      names = "--batch-poll",
      paramLabel = "SECONDS",
      defaultValue = "30",
      description = "batch-api: first wait between status polls (default ${DEFAULT-VALUE}).")
  double batchPollSeconds = 30;

  @Option(
      names = "--max-requests-per-batch",
      paramLabel = "N",
      description =
          "batch-api: split into batches of at most N records (default: the service's limit).")
  @Nullable Integer maxRequestsPerBatch;

  @Option(
      names = "--batch-metadata",
      paramLabel = "KEY=VALUE",
      description = "batch-api: metadata put on every batch (repeatable).")
  Map<String, String> batchMetadata = new LinkedHashMap<>();

  /** Accepts batch-api as well as the enum name. */
  static final class ModeConverter implements picocli.CommandLine.ITypeConverter<Mode> {
    @Override
    public Mode convert(String value) {
      return Mode.valueOf(value.replace('-', '_'));
    }
  }

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
    if (!resume && (keepFailures || allowChanged || allowSimulatedMix)) {
      throw new IllegalArgumentException(
          "--keep-failures, --allow-changed and --allow-simulated-mix go with --resume");
    }
    if (Cli.isStandardStream(out) && (resume || overwrite)) {
      throw new IllegalArgumentException(
          "--out - writes to standard output, which has nothing to resume or overwrite; give"
              + " --out a file to use --resume or --overwrite");
    }
    CommandSpec s = Cli.spec(spec);
    LlmCommand r = Cli.root(root);
    Path spooled = null;
    if (Cli.isStandardStream(in)) {
      // The input is read twice (counted and hashed, then run), so standard input is kept in a
      // private temporary file for the run.
      spooled = spool(r.stdin());
      in = spooled;
    }
    try {
      return run(s, r);
    } finally {
      if (spooled != null) {
        in = Path.of("-");
        try {
          Files.deleteIfExists(spooled);
        } catch (IOException e) {
          s.commandLine().getErr().println("llm: cannot delete " + spooled + ": " + e.getMessage());
        }
      }
    }
  }

  private static Path spool(InputStream stdin) {
    try {
      Path file = Files.createTempFile("llm-batch-stdin-", ".jsonl");
      Files.copy(stdin, file, StandardCopyOption.REPLACE_EXISTING);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read standard input: " + e.getMessage(), e);
    }
  }

  private int run(CommandSpec s, LlmCommand r) {
    if (mode == Mode.batch_api || status || cancel) {
      if (batchPollSeconds <= 0) {
        throw new IllegalArgumentException(
            "--batch-poll must be positive, got " + batchPollSeconds);
      }
      return new BatchApiJob(this, r.settings(), r.providerSettingsSet(), s.commandLine().getErr())
          .run();
    }
    BatchJob job =
        new BatchJob(
            this,
            r.settings(),
            r.providerSettingsSet(),
            s.commandLine().getOut(),
            s.commandLine().getErr(),
            Terminal.stderrIsTerminal());
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
