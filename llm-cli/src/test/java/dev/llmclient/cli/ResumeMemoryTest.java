package dev.llmclient.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmclient.testkit.simulator.LlmSimulator;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --resume} needs memory independent of the record count: a separate JVM with a 40 MB heap
 * resumes an output of 400,000 records (a set of done keys, and the entries it was built from,
 * would need several times that heap) and does exactly the records without a result line, the
 * missing ones and those whose line is an error, each once.
 */
class ResumeMemoryTest {

  private static final int RECORDS = 400_000;
  private static final int ERROR_EVERY = 50_000;
  private static final int MISSING = 5;
  private static final String HEAP = "-Xmx40m";

  @TempDir Path dir;

  @Test
  @Timeout(300)
  void aResumeOverHundredsOfThousandsOfDoneRecordsRunsInASmallHeap() throws Exception {
    Path in = dir.resolve("in.jsonl");
    Path out = dir.resolve("out.jsonl");
    try (BufferedWriter w = Files.newBufferedWriter(in, StandardCharsets.UTF_8)) {
      for (int i = 1; i <= RECORDS; i++) {
        w.write(String.format("{\"id\":\"rec-%07d\",\"text\":\"Ada met Charles in %d.\"}%n", i, i));
      }
    }
    String fingerprints =
        ",\"inputSha256\":\""
            + InputFile.sha256Of(in)
            + "\",\"schemaSha256\":\""
            + Extraction.of(null, null).sha256()
            + "\"}\n";
    int errors = 0;
    try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
      for (int i = 1; i <= RECORDS - MISSING; i++) {
        String head = String.format("{\"id\":\"rec-%07d\",\"line\":%d", i, i);
        if (i % ERROR_EVERY == 0) {
          errors++;
          w.write(head + ",\"error\":\"ServerException\",\"message\":\"503\"" + fingerprints);
        } else {
          w.write(head + ",\"result\":{\"entities\":[],\"relations\":[]}" + fingerprints);
        }
      }
    }

    try (LlmSimulator sim = LlmSimulator.builder().start()) {
      String stderr = resume(in, out, sim);
      assertThat(stderr).contains((RECORDS - MISSING - errors) + " records already in");
      assertThat(sim.counters().totalRequests())
          .as("one call per record without a result line")
          .isEqualTo(MISSING + errors);
    }

    SmallHeapRuns.assertOneResultPerRecord(dir, out, RECORDS, "no temporary sort file left");
  }

  /** Runs {@code llm batch --resume} in a JVM of its own with the small heap; returns stderr. */
  private String resume(Path in, Path out, LlmSimulator sim) throws Exception {
    return SmallHeapRuns.run(
        dir,
        sim,
        HEAP,
        "the resume",
        List.of(
            "batch",
            "--provider",
            "openai",
            "--in",
            in.toString(),
            "--out",
            out.toString(),
            "--resume"));
  }
}
