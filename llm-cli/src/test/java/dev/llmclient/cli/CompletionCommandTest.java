package dev.llmclient.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmclient.api.spi.ProviderSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompletionCommandTest {

  @TempDir Path dir;

  @Test
  void printsABashCompletionScriptForEveryCommandAndOption() throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        LlmCommand.execute(
            new String[] {"completion"},
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            ProviderSettings.empty());

    assertThat(code).as(err.toString()).isZero();
    String script = out.toString();
    assertThat(script)
        .startsWith("#!/usr/bin/env bash")
        .contains("complete -F _complete_llm")
        .contains("_picocli_llm_batch")
        .contains("--resume")
        .contains("--keep-failures")
        .contains("_picocli_llm_embed");

    Path file = Files.writeString(dir.resolve("llm_completion"), script);
    Process bash =
        new ProcessBuilder("bash", "-n", file.toString()).redirectErrorStream(true).start();
    assertThat(bash.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String output = new String(bash.getInputStream().readAllBytes());
    assertThat(bash.exitValue()).as("bash -n: %s", output).isZero();
  }
}
