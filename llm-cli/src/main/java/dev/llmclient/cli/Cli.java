package dev.llmclient.cli;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;

/** Null checks for the fields picocli injects. */
final class Cli {

  private Cli() {}

  static LlmCommand root(@Nullable LlmCommand root) {
    if (root == null) {
      throw new IllegalStateException("picocli did not inject the parent command");
    }
    return root;
  }

  /** True for {@code -}, which names standard input or standard output as a file option. */
  static boolean isStandardStream(@Nullable Path file) {
    return file != null && file.toString().equals("-");
  }

  static CommandSpec spec(@Nullable CommandSpec spec) {
    if (spec == null) {
      throw new IllegalStateException("picocli did not inject the command spec");
    }
    return spec;
  }
}
