package dev.llmclient.cli;

import dev.llmclient.api.LlmConfigurationException;
import dev.llmclient.api.spi.ProviderSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/**
 * The {@code llm} command and its entry point.
 *
 * <p>Exit codes: {@value #OK} when everything succeeded, {@value #RECORDS_FAILED} when a call
 * failed or a batch's output still holds error lines (or the run stopped before the end), {@value
 * #USAGE} for a wrong option or argument (an invalid schema, an output that is not ours or in use),
 * {@value #CONFIGURATION} when the provider settings are missing, incomplete or ambiguous, or a
 * file cannot be read or written. The {@code ./llm} launcher exits with {@value #BUILD_FAILED} when
 * it cannot build the jar.
 *
 * <pre>
 * java -jar llm.jar batch --in records.jsonl --schema schema.json --out results.jsonl
 * </pre>
 */
@Command(
    name = "llm",
    mixinStandardHelpOptions = true,
    versionProvider = LlmCommand.Version.class,
    description = {
      "Structured LLM calls from the shell: Azure OpenAI, OpenAI or any OpenAI-compatible"
          + " server, chosen by the settings in the environment.",
      "With no provider setting at all (no LLM_PROVIDER, AZURE_OPENAI_* or OPENAI_* variable),"
          + " batch, chat, extract and embed run against an embedded simulator."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      LlmCommand.EXIT_OK,
      LlmCommand.EXIT_RECORDS_FAILED,
      LlmCommand.EXIT_USAGE,
      LlmCommand.EXIT_CONFIGURATION,
      LlmCommand.EXIT_BUILD_FAILED
    },
    subcommands = {
      BatchCommand.class,
      ChatCommand.class,
      ExtractCommand.class,
      EmbedCommand.class,
      ProvidersCommand.class,
      SimulateCommand.class,
      CompletionCommand.class,
      CommandLine.HelpCommand.class
    })
public final class LlmCommand implements Runnable {

  /** Exit code when everything succeeded. */
  public static final int OK = 0;

  /**
   * Exit code when the call failed, or a batch's output still holds an error line for some record,
   * or the batch stopped before every record was done.
   */
  public static final int RECORDS_FAILED = 1;

  /**
   * Exit code for an unknown or wrong option or argument: an invalid schema, {@code --in} and
   * {@code --out} naming one file, an output that is not a result file, in use by another run, or
   * written for another input, schema or kind of run.
   */
  public static final int USAGE = 2;

  /**
   * Exit code when the provider settings are missing, incomplete or ambiguous, or a file cannot be
   * read or written.
   */
  public static final int CONFIGURATION = 3;

  /** Exit code of the {@code ./llm} launcher when it cannot build the jar; never the jar's own. */
  public static final int BUILD_FAILED = 4;

  static final String EXIT_OK = "0:every call or record succeeded";
  static final String EXIT_RECORDS_FAILED =
      "1:a call failed, or the batch output still holds error lines, or the batch stopped before"
          + " the end (run again with --resume)";
  static final String EXIT_USAGE =
      "2:usage: a wrong option or argument, an invalid --schema, an output that is not a result"
          + " file, is in use, or was written for another input, schema or kind of run";
  static final String EXIT_CONFIGURATION =
      "3:configuration: provider settings missing, incomplete or ambiguous, or a file that"
          + " cannot be read or written";
  static final String EXIT_BUILD_FAILED = "4:the ./llm launcher could not build the jar";

  @CommandLine.Spec private CommandLine.Model.@Nullable CommandSpec spec;

  private final ProviderSettings settings;
  private final Collection<String> settingNames;
  private InputStream stdin = System.in;

  /** The command with the settings of the process environment. */
  public LlmCommand() {
    this(ProviderSettings.fromEnvironment(), System.getenv().keySet());
  }

  /** For tests: these settings; only the well-known provider setting names are looked at. */
  LlmCommand(ProviderSettings settings) {
    this(settings, List.of());
  }

  /**
   * The command with these settings.
   *
   * @param settings the settings every subcommand reads
   * @param settingNames the names that may be set in them (the environment's variable names)
   */
  LlmCommand(ProviderSettings settings, Collection<String> settingNames) {
    this.settings = settings;
    this.settingNames = List.copyOf(settingNames);
  }

  /** Where {@code --in -} and the commands that read standard input read from. */
  InputStream stdin() {
    return stdin;
  }

  /** The provider settings every subcommand reads. */
  ProviderSettings settings() {
    return settings;
  }

  /**
   * The provider settings that are set ({@code LLM_PROVIDER}, {@code AZURE_OPENAI_*}, {@code
   * OPENAI_*}): when any is, the embedded simulator is never used.
   */
  List<String> providerSettingsSet() {
    return Connection.providerSettingsSet(settings, settingNames);
  }

  /**
   * Runs the command and exits the JVM with its exit code.
   *
   * @param args the command line
   */
  public static void main(String[] args) {
    System.exit(
        execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /**
   * Runs the command without exiting, writing to the given streams.
   *
   * @param args the command line
   * @param out where results go
   * @param err where messages and progress go
   * @return the exit code
   */
  public static int execute(String[] args, PrintWriter out, PrintWriter err) {
    return execute(args, out, err, new LlmCommand());
  }

  static int execute(String[] args, PrintWriter out, PrintWriter err, ProviderSettings settings) {
    return execute(args, out, err, new LlmCommand(settings));
  }

  /** For tests: runs with this standard input and these settings. */
  static int execute(
      String[] args, InputStream in, PrintWriter out, PrintWriter err, ProviderSettings settings) {
    LlmCommand root = new LlmCommand(settings);
    root.stdin = in;
    return execute(args, out, err, root);
  }

  /** For tests: runs with exactly these environment variables. */
  static int execute(String[] args, PrintWriter out, PrintWriter err, Map<String, String> env) {
    return execute(args, out, err, new LlmCommand(ProviderSettings.of(env), env.keySet()));
  }

  private static int execute(String[] args, PrintWriter out, PrintWriter err, LlmCommand root) {
    CommandLine cli = new CommandLine(root);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          int code;
          if (e instanceof LlmConfigurationException
              || e instanceof UncheckedIOException
              || e instanceof IOException) {
            code = CONFIGURATION;
          } else if (e instanceof IllegalArgumentException) {
            code = USAGE;
          } else {
            throw e;
          }
          commandLine.getErr().println("llm: " + TerminalText.safe(e.getMessage()));
          commandLine.getErr().flush();
          return code;
        });
    return cli.execute(args);
  }

  /** Without a subcommand: prints the usage. */
  @Override
  public void run() {
    if (spec != null) {
      spec.commandLine().usage(spec.commandLine().getOut());
    }
  }

  /** Reads the version written into the jar at build time; loads nothing else. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
      Properties p = new Properties();
      try (InputStream in = LlmCommand.class.getResourceAsStream("version.properties")) {
        if (in != null) {
          p.load(in);
        }
      }
      return new String[] {
        "llm " + p.getProperty("version", "unknown"),
        "Java "
            + System.getProperty("java.version")
            + " ("
            + System.getProperty("java.vm.name")
            + ")"
      };
    }
  }
}
