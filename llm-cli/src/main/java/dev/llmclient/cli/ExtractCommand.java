package dev.llmclient.cli;

import dev.llmclient.api.LlmRequest;
import dev.llmclient.api.Message;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code llm extract}: one structured call against a schema, the answer printed as JSON. */
@Command(
    name = "extract",
    mixinStandardHelpOptions = true,
    versionProvider = LlmCommand.Version.class,
    description =
        "Extracts structured data from one text (argument, or standard input) and prints it as"
            + " JSON valid against the schema.")
final class ExtractCommand implements Callable<Integer> {

  @ParentCommand private @Nullable LlmCommand root;

  @Spec private @Nullable CommandSpec spec;

  @Mixin private ClientOptions client = new ClientOptions();

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "TEXT",
      description = "The text; read from standard input when absent or '-'.")
  private @Nullable String text;

  @Option(
      names = "--schema",
      paramLabel = "FILE",
      description = "JSON schema of the answer (OpenAI strict structured-output rules).")
  private @Nullable Path schema;

  @Option(
      names = "--type",
      paramLabel = "TYPE",
      description =
          "A built-in answer type instead of --schema: ${COMPLETION-CANDIDATES} (the default"
              + " when neither is given is ENTITIES, the shape of the example schema).")
  private Extraction.@Nullable ExampleType type;

  @Option(
      names = "--system",
      paramLabel = "TEXT",
      description = "Instructions sent before the text; default: extract what the schema says.")
  private @Nullable String system;

  @Override
  public Integer call() {
    String input = text == null || text.equals("-") ? readStdin(Cli.root(root).stdin()) : text;
    if (input.isBlank()) {
      throw new IllegalArgumentException("no text: pass it as an argument or on standard input");
    }
    Extraction extraction = Extraction.of(schema, type);
    LlmRequest<Object> request =
        client
            .apply(
                extraction.apply(
                    LlmRequest.builder()
                        .addMessage(
                            Message.system(
                                system == null ? Extraction.DEFAULT_INSTRUCTIONS : system))
                        .addMessage(Message.user(input))
                        .promptName("llm.extract")))
            .build();
    CommandSpec s = Cli.spec(spec);
    return SingleCall.run(
        client, Cli.root(root), request, s.commandLine().getOut(), s.commandLine().getErr());
  }

  private static String readStdin(InputStream stdin) {
    try {
      return new String(stdin.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read standard input: " + e.getMessage(), e);
    }
  }
}
