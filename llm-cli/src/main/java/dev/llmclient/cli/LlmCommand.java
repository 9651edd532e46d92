package dev.llmclient.cli;

import dev.llmclient.api.LlmConfigurationException;
import dev.llmclient.api.spi.ProviderSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Properties;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/**
 * The {@code llm} command and its entry point.
 *
 * <p>Exit codes: {@value #OK} when everything succeeded, {@value #RECORDS_FAILED} when a call or
 * some records failed, {@value #USAGE} for a wrong option, {@value #CONFIGURATION} when the
 * provider settings are missing or wrong, or a file cannot be read or written.
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
      "With nothing configured, batch, chat, extract and embed run against an embedded simulator."
    },
    subcommands = {
      BatchCommand.class,
      ChatCommand.class,
      ExtractCommand.class,
      EmbedCommand.class,
      ProvidersCommand.class,
      SimulateCommand.class,
      CommandLine.HelpCommand.class
    })
public final class LlmCommand implements Runnable {

  /** Exit code when everything succeeded. */
  public static final int OK = 0;

  /** Exit code when the call, or at least one record of a batch, failed. */
  public static final int RECORDS_FAILED = 1;

  /** Exit code for an unknown or wrong option. */
  public static final int USAGE = 2;

  /** Exit code when settings are missing or wrong, or a file cannot be read or written. */
  public static final int CONFIGURATION = 3;

  @CommandLine.Spec private CommandLine.Model.@Nullable CommandSpec spec;

  private final ProviderSettings settings;

  /** The command with the settings of the process environment. */
  public LlmCommand() {
    this(ProviderSettings.fromEnvironment());
  }

  LlmCommand(ProviderSettings settings) {
    this.settings = settings;
  }

  /** The provider settings every subcommand reads. */
  ProviderSettings settings() {
    return settings;
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
    return execute(args, out, err, ProviderSettings.fromEnvironment());
  }

  static int execute(String[] args, PrintWriter out, PrintWriter err, ProviderSettings settings) {
    CommandLine cli = new CommandLine(new LlmCommand(settings));
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          if (e instanceof LlmConfigurationException) {
            commandLine.getErr().println("llm: " + e.getMessage());
            return CONFIGURATION;
          }
          if (e instanceof UncheckedIOException || e instanceof IOException) {
            commandLine.getErr().println("llm: " + e.getMessage());
            return CONFIGURATION;
          }
          if (e instanceof IllegalArgumentException) {
            commandLine.getErr().println("llm: " + e.getMessage());
            return USAGE;
          }
          throw e;
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
