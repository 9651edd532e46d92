package dev.llmclient.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmclient.testkit.simulator.Fault;
import dev.llmclient.testkit.simulator.LlmSimulator;
import dev.llmclient.testkit.simulator.Route;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --mode batch-api} collects with memory independent of the record count: a separate JVM
 * with a 40 MB heap runs 150,000 records through the simulator's Batch API (a map of the records to
 * run, a set of the done keys and a map of the ids would need several times that heap), with some
 * records failed by the service and retried online, and the output ends with exactly one result
 * line per record.
 */
class BatchApiMemoryTest {

  private static final int RECORDS = 150_000;
  private static final int FAIL_EVERY = 25_013;
  private static final String HEAP = "-Xmx40m";

  @TempDir Path dir;

  @Test
  @Timeout(300)
  void aBatchApiRunOfHundredsOfThousandsOfRecordsCollectsInASmallHeap() throws Exception {
    Path in = dir.resolve("in.jsonl");
    Path out = dir.resolve("out.jsonl");
    try (BufferedWriter w = Files.newBufferedWriter(in, StandardCharsets.UTF_8)) {
      for (int i = 1; i <= RECORDS; i++) {
        w.write(String.format("{\"id\":\"rec-%07d\",\"text\":\"Ada met Charles in %d.\"}%n", i, i));
      }
    }

    long retried = RECORDS / FAIL_EVERY;
    try (LlmSimulator sim = LlmSimulator.builder().start()) {
      sim.addFault(Fault.status(500).everyNth(FAIL_EVERY).onRoutes(Route.BATCH_REQUEST));
      String stderr = run(in, out, sim);
      assertThat(stderr).contains(retried + " records are retried online");
      assertThat(sim.counters().requests(Route.CHAT_COMPLETIONS))
          .as("the records the service failed, and no other, are called online")
          .isEqualTo(retried);
    }

    BitSet seen = new BitSet(RECORDS + 1);
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
    assertThat(lines).isEqualTo(RECORDS);
    assertThat(seen.cardinality()).isEqualTo(RECORDS);
    try (var files = Files.list(dir)) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .as("no temporary file and no batch state left")
          .containsExactlyInAnyOrder("in.jsonl", "out.jsonl", "stderr.txt");
    }
  }

  /** Runs {@code llm batch --mode batch-api} in a JVM of its own with the small heap. */
  private String run(Path in, Path out, LlmSimulator sim) throws Exception {
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            HEAP,
            "-cp",
            System.getProperty("java.class.path"),
            LlmCommand.class.getName(),
            "batch",
            "--provider",
            "openai",
            "--mode",
            "batch-api",
            "--batch-poll",
            "0.1",
            "--max-requests-per-batch",
            "25000",
            "--in",
            in.toString(),
            "--out",
            out.toString());
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
    assertThat(p.waitFor(240, TimeUnit.SECONDS)).as("the run ends within 240 s").isTrue();
    String stderr = Files.readString(log);
    assertThat(p.exitValue()).as(stderr).isZero();
    return stderr;
  }
}
