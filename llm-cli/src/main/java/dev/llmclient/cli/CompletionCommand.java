package dev.llmclient.cli;

import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code llm completion}: prints the bash completion script of every command and option. */
@Command(
    name = "completion",
    mixinStandardHelpOptions = true,
    versionProvider = LlmCommand.Version.class,
    description = {
      "Prints a bash (and zsh with bashcompinit) completion script for llm.",
      "Use it now with: source <(./llm completion)",
      "or install it: ./llm completion > ~/.local/share/bash-completion/completions/llm"
    })
final class CompletionCommand implements Callable<Integer> {

  @Spec private @Nullable CommandSpec spec;

  @Override
  public Integer call() {
    CommandSpec s = Cli.spec(spec);
    String script = AutoComplete.bash("llm", s.root().commandLine());
    s.commandLine().getOut().print(script);
    s.commandLine().getOut().flush();
    return LlmCommand.OK;
  }
}
