package dev.llmclient.cli;

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

  static CommandSpec spec(@Nullable CommandSpec spec) {
    if (spec == null) {
      throw new IllegalStateException("picocli did not inject the command spec");
    }
    return spec;
  }
}
