package dev.llmclient.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmclient.api.spi.ProviderSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class HelpTest {

  private static String help(String... args) {
    StringWriter out = new StringWriter();
    int code =
        LlmCommand.execute(
            args,
            new PrintWriter(out, true),
            new PrintWriter(new StringWriter(), true),
            ProviderSettings.empty());
    assertThat(code).isZero();
    return out.toString();
  }

  @Test
  void everySubcommandAnswersHelpWithItsUsage() {
    CommandLine cli = new CommandLine(new LlmCommand(ProviderSettings.empty()));
    List<String> names = new ArrayList<>(cli.getSubcommands().keySet());
    assertThat(names).contains("batch", "chat", "extract", "embed", "providers", "simulate");
    for (String name : names) {
      if (name.equals("help")) {
        continue;
      }
      for (String flag : List.of("--help", "-h")) {
        assertThat(help(name, flag)).as("llm %s %s", name, flag).startsWith("Usage: llm " + name);
      }
    }
  }

  @Test
  void theExitCodesAreDistinct() {
    assertThat(
            Set.of(
                LlmCommand.OK,
                LlmCommand.RECORDS_FAILED,
                LlmCommand.USAGE,
                LlmCommand.CONFIGURATION,
                LlmCommand.BUILD_FAILED))
        .containsExactlyInAnyOrder(0, 1, 2, 3, 4);
  }

  @Test
  void theHelpOfLlmAndOfBatchListsEveryExitCode() {
    for (String text : new String[] {help("--help"), help("batch", "--help")}) {
      assertThat(text)
          .contains("Exit codes:")
          .containsPattern("\\n\\s+0\\s+every call or record succeeded")
          .containsPattern("\\n\\s+1\\s+a call failed, or the batch output still holds error lines")
          .containsPattern("\\n\\s+2\\s+usage:")
          .containsPattern("\\n\\s+3\\s+configuration:")
          .containsPattern("\\n\\s+4\\s+the ./llm launcher could not build the jar");
    }
  }

  @Test
  void theBatchHelpSaysWhatResumeDoesWithFailedRecords() {
    assertThat(help("batch", "--help").replaceAll("\\s+", " "))
        .contains("--resume keeps the result lines and does every other record again")
        .contains("--keep-failures")
        .contains("--allow-changed")
        .contains("--allow-simulated-mix");
  }
}
