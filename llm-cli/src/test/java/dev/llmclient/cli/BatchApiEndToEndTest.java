package dev.llmclient.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.testkit.simulator.Fault;
import dev.llmclient.testkit.simulator.LlmSimulator;
import dev.llmclient.testkit.simulator.Route;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The end-to-end run: 10,000 records through {@code llm batch --mode batch-api} against the
 * simulator, with failures injected into the batches (server errors and answers invalid against the
 * schema), and the first run killed (a real process, {@code destroyForcibly}) while its batches are
 * running. {@code --resume} re-attaches and the output ends with exactly 10,000 lines, one per
 * record, each a validated result or a typed error.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class BatchApiEndToEndTest {

  private static final int RECORDS = 10_000;

  @TempDir Path dir;
  private LlmSimulator sim;

  @BeforeEach
  void start() {
    sim = LlmSimulator.builder().start();
    sim.addFault(Fault.status(500).everyNth(13).onRoutes(Route.BATCH_REQUEST));
    sim.addFault(
        Fault.of(Fault.Kind.INVALID_AGAINST_SCHEMA).everyNth(17).onRoutes(Route.BATCH_REQUEST));
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  private Map<String, String> env() {
    return Map.of(
        "OPENAI_BASE_URL", sim.openAiBaseUri().toString(),
        "OPENAI_API_KEY", "k",
        "MODEL_NAME", "gpt-4o-mini");
  }

  private List<String> args(Path in, Path out, String... more) {
    List<String> all =
        new ArrayList<>(
            List.of(
                "batch",
                "--provider",
                "openai",
                "--mode",
                "batch-api",
                "--batch-poll",
                "0.1",
                "--in",
                in.toString(),
                "--out",
                out.toString(),
                "--type",
                "ENTITIES",
                "--max-requests-per-batch",
                "3000",
                "--no-online-retry"));
    all.addAll(List.of(more));
    return all;
  }

  @Test
  void tenThousandRecordsSurviveACrashAndEndWithExactlyOneLineEach() throws Exception {
    Path in = dir.resolve("records.jsonl");
    Files.write(
        in,
        IntStream.rangeClosed(1, RECORDS)
            .mapToObj(
                i -> "{\"id\":\"r" + i + "\",\"text\":\"Ada Lovelace met Babbage in " + i + "\"}")
            .toList());
    Path out = dir.resolve("out.jsonl");

    // First run in its own JVM, killed once every batch exists on the service.
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(LlmCommand.class.getName());
    command.addAll(args(in, out, "--batch-metadata", "simulator.phase_ms=2500"));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().putAll(env());
    pb.redirectOutput(dir.resolve("first-run.log").toFile());
    Process first = pb.start();
    Path state = BatchApiState.fileFor(out);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!allPartsCreated(state)) {
      assertThat(first.isAlive())
          .as("the first run is still running: %s", Files.readString(dir.resolve("first-run.log")))
          .isTrue();
      assertThat(System.nanoTime()).as("all batches created in time").isLessThan(deadline);
      Thread.sleep(50);
    }
    first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    assertThat(Files.exists(state)).as("the crash leaves the state").isTrue();

    StringWriter err = new StringWriter();
    int code =
        LlmCommand.execute(
            args(in, out, "--resume").toArray(String[]::new),
            new PrintWriter(new StringWriter(), true),
            new PrintWriter(err, true),
            ProviderSettings.of(env()));

    List<String> lines = Files.readAllLines(out);
    assertThat(lines).as(err.toString()).hasSize(RECORDS);
    Set<String> ids = new HashSet<>();
    long results = 0;
    long errors = 0;
    for (String line : lines) {
      JsonNode node = Json.mapper().readTree(line);
      assertThat(ids.add(node.path("id").asText())).as("no duplicate: %s", line).isTrue();
      if (node.has("result")) {
        results++;
        assertThat(node.get("result").isObject()).isTrue();
      } else {
        errors++;
        assertThat(node.path("error").asText()).isIn("ServerException", "InvalidResponseException");
        assertThat(node.has("retryable")).isTrue();
      }
    }
    assertThat(ids).containsAll(IntStream.rangeClosed(1, RECORDS).mapToObj(i -> "r" + i).toList());
    assertThat(errors).as("the injected failures are there, typed").isGreaterThan(RECORDS / 13);
    assertThat(results + errors).isEqualTo(RECORDS);
    assertThat(code).isEqualTo(LlmCommand.RECORDS_FAILED);
    assertThat(sim.requests(Route.FILES).stream().filter(r -> r.method().equals("POST")))
        .as("the resumed run re-attached instead of uploading again")
        .hasSize(4);
    assertThat(Files.exists(state)).isFalse();
  }

  private static boolean allPartsCreated(Path state) throws IOException {
    if (!Files.exists(state)) {
      return false;
    }
    JsonNode node;
    try {
      node = Json.mapper().readTree(Files.readAllBytes(state));
    } catch (IOException e) {
      return false; // being replaced
    }
    long total = 0;
    for (JsonNode p : node.path("parts")) {
      if (!p.hasNonNull("batchId")) {
        return false;
      }
      total += p.path("requests").asLong();
    }
    return total == RECORDS;
  }
}
