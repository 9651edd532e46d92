package dev.llmclient.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmclient.testkit.simulator.LlmSimulator;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What the memory tests share: {@code llm} in a JVM of its own with a small heap, and the check of
 * its output.
 */
final class SmallHeapRuns {

  private SmallHeapRuns() {}

  /**
   * Runs {@code llm ARGS} against the simulator in a JVM with {@code heap}; asserts it ends within
   * 240 s with exit code 0.
   *
   * @return what it printed
   */
  static String run(Path dir, LlmSimulator sim, String heap, String what, List<String> args)
      throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add(heap);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(LlmCommand.class.getName());
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("OPENAI_") || k.startsWith("AZURE_"));
    pb.environment().remove("LLM_PROVIDER");
    pb.environment().remove("JAVA_TOOL_OPTIONS");
    pb.environment().put("OPENAI_BASE_URL", sim.openAiBaseUri().toString());
    pb.environment().put("OPENAI_API_KEY", "k");
    pb.environment().put("MODEL_NAME", "gpt-4o-mini");
    Path log = dir.resolve("stderr.txt");
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    Process p = pb.start();
    assertThat(p.waitFor(240, TimeUnit.SECONDS)).as(what + " ends within 240 s").isTrue();
    String stderr = Files.readString(log);
    assertThat(p.exitValue()).as(stderr).isZero();
    return stderr;
  }

  /**
   * Asserts that {@code out} holds exactly one result line per record {@code rec-NNNNNNN} of lines
   * 1 to {@code records}, and that {@code dir} holds nothing but the input, the output and the log.
   */
  static void assertOneResultPerRecord(Path dir, Path out, int records, String leftOver)
      throws Exception {
    BitSet seen = new BitSet(records + 1);
    long lines = 0;
    try (BufferedReader r = Files.newBufferedReader(out, StandardCharsets.UTF_8)) {
      String line;
      while ((line = r.readLine()) != null) {
        JsonNode node = Json.mapper().readTree(line);
        int n = node.get("line").asInt();
        assertThat(seen.get(n)).as("line %d written once", n).isFalse();
        seen.set(n);
        assertThat(node.has("result")).as(line).isTrue();
        assertThat(node.get("id").asText()).isEqualTo(String.format("rec-%07d", n));
        lines++;
      }
    }
    assertThat(lines).isEqualTo(records);
    assertThat(seen.cardinality()).isEqualTo(records);
    try (var files = Files.list(dir)) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .as(leftOver)
          .containsExactlyInAnyOrder("in.jsonl", "out.jsonl", "stderr.txt");
    }
  }
}
