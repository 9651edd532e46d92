package dev.llmclient.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmclient.testkit.simulator.Fault;
import dev.llmclient.testkit.simulator.LlmSimulator;
import dev.llmclient.testkit.simulator.Route;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

    SmallHeapRuns.assertOneResultPerRecord(
        dir, out, RECORDS, "no temporary file and no batch state left");
  }

  /** Runs {@code llm batch --mode batch-api} in a JVM of its own with the small heap. */
  private String run(Path in, Path out, LlmSimulator sim) throws Exception {
    return SmallHeapRuns.run(
        dir,
        sim,
        HEAP,
        "the run",
        List.of(
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
            out.toString()));
  }
}
