package dev.llmclient.cli;

import dev.llmclient.api.LlmRequest;
import dev.llmclient.api.Message;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code llm chat "prompt"}: one call in JSON mode, the answer printed as JSON. */
@Command(
    name = "chat",
    mixinStandardHelpOptions = true,
    versionProvider = LlmCommand.Version.class,
    description = "Sends one prompt and prints the model's answer as a JSON object.")
final class ChatCommand implements Callable<Integer> {

  static final String JSON_INSTRUCTION = "Answer with one JSON object.";

  @ParentCommand private @Nullable LlmCommand root;

  @Spec private @Nullable CommandSpec spec;

  @Mixin private ClientOptions client = new ClientOptions();

  @Parameters(index = "0", paramLabel = "PROMPT", description = "The prompt.")
  private String prompt = "";

  @Option(
      names = "--system",
      paramLabel = "TEXT",
      description = "System message; default: \"" + JSON_INSTRUCTION + "\"")
  private @Nullable String system;

  @Override
  public Integer call() {
    LlmRequest<Object> request =
        client
            .apply(
                LlmRequest.builder()
                    .addMessage(
                        Message.system(
                            system == null ? JSON_INSTRUCTION : system + "\n" + JSON_INSTRUCTION))
                    .addMessage(Message.user(prompt))
                    .promptName("llm.chat")
                    .<Object>responseType(null)) // JSON-object mode; the CLI prints json()
            .build();
    CommandSpec s = Cli.spec(spec);
    return SingleCall.run(
        client, Cli.root(root), request, s.commandLine().getOut(), s.commandLine().getErr());
  }
}
