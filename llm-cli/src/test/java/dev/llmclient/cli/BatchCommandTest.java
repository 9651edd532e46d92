package dev.llmclient.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.testkit.simulator.Fault;
import dev.llmclient.testkit.simulator.LatencyModel;
import dev.llmclient.testkit.simulator.LlmSimulator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code llm batch} in-process against a simulator started here, selected explicitly with {@code
 * --provider openai} (the test classpath also holds the kit's always-configured fake provider).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BatchCommandTest {

  @TempDir Path dir;

  private final List<LlmSimulator> simulators = new ArrayList<>();
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @AfterEach
  void stopSimulators() {
    simulators.forEach(LlmSimulator::close);
  }

  private LlmSimulator simulator(LlmSimulator.Builder builder) {
    LlmSimulator sim = builder.start();
    simulators.add(sim);
    return sim;
  }

  private static ProviderSettings settingsFor(LlmSimulator sim, String key) {
    return ProviderSettings.of(
        Map.of(
            "OPENAI_BASE_URL",
            sim.openAiBaseUri().toString(),
            "OPENAI_API_KEY",
            key,
            "MODEL_NAME",
            "gpt-4o-mini"));
  }

  private int batch(ProviderSettings settings, String... args) {
    List<String> all = new ArrayList<>(List.of("batch", "--provider", "openai"));
    all.addAll(List.of(args));
    return LlmCommand.execute(
        all.toArray(String[]::new),
        new PrintWriter(out, true),
        new PrintWriter(err, true),
        settings);
  }

  private Path records(int count) throws IOException {
    Path in = dir.resolve("records.jsonl");
    Files.write(
        in,
        IntStream.rangeClosed(1, count)
            .mapToObj(
                i -> "{\"id\":\"r" + i + "\",\"text\":\"Ada Lovelace met Babbage, " + i + "\"}")
            .toList());
    return in;
  }

  private static List<JsonNode> lines(Path file) {
    try {
      List<JsonNode> nodes = new ArrayList<>();
      for (String line : Files.readAllLines(file)) {
        nodes.add(Json.mapper().readTree(line));
      }
      return nodes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void everyInputLineGetsExactlyOneOutputLineEvenWhenItIsMalformed() throws Exception {
    LlmSimulator sim = simulator(LlmSimulator.builder());
    Path in = dir.resolve("in.jsonl");
    Files.write(
        in,
        List.of(
            "{\"id\":\"a\",\"text\":\"Ada Lovelace\"}",
            "{\"id\":\"b\",\"text\":",
            "",
            "{\"text\":\"no id here\"}",
            "{\"id\":\"c\",\"body\":\"no text field\"}",
            "{\"id\":\"a\",\"text\":\"same id again\"}"));
    Path outFile = dir.resolve("out.jsonl");

    int code =
        batch(
            settingsFor(sim, "k"),
            "--in",
            in.toString(),
            "--out",
            outFile.toString(),
            "--type",
            "summary");

    assertThat(code).isEqualTo(LlmCommand.RECORDS_FAILED);
    List<JsonNode> lines = lines(outFile);
    assertThat(lines).hasSize(5);
    Map<Long, JsonNode> byLine =
        lines.stream().collect(Collectors.toMap(n -> n.get("line").asLong(), n -> n));
    assertThat(byLine.keySet()).containsExactlyInAnyOrder(1L, 2L, 4L, 5L, 6L);
    assertThat(byLine.get(1L).get("result").has("summary")).isTrue();
    assertThat(byLine.get(2L).get("error").asText()).isEqualTo("MalformedRecord");
    assertThat(byLine.get(2L).get("message").asText()).startsWith("line 2: not valid JSON");
    assertThat(byLine.get(4L).get("id").isNull()).isTrue();
    assertThat(byLine.get(4L).has("result")).isTrue();
    assertThat(byLine.get(5L).get("message").asText())
        .isEqualTo("line 5: has no \"text\" string field");
    assertThat(byLine.get(6L).get("error").asText()).isEqualTo("DuplicateId");
    assertThat(err.toString())
        .contains("llm: line 2 skipped: not valid JSON")
        .contains("llm: line 5 skipped:")
        .contains("llm: line 6 skipped: id 'a' is also on line 1")
        .contains("  ok:         2\n")
        .contains("  failed:     3 (DuplicateId 1, MalformedRecord 2)\n");
  }

  @Test
  void concurrencyIsBoundedAndTheSummaryAddsUpTheResults() throws Exception {
    LlmSimulator sim =
        simulator(LlmSimulator.builder().latency(LatencyModel.fixed(Duration.ofMillis(40))));
    Path outFile = dir.resolve("out.jsonl");

    int code =
        batch(
            settingsFor(sim, "k"),
            "--in",
            records(40).toString(),
            "--out",
            outFile.toString(),
            "--concurrency",
            "4",
            "--price",
            "gpt-4o-mini=1000,1000");

    assertThat(code).isEqualTo(LlmCommand.OK);
    assertThat(sim.counters().maxInFlight()).isBetween(2, 4);
    List<JsonNode> lines = lines(outFile);
    assertThat(lines).hasSize(40);
    assertThat(lines.stream().map(n -> n.get("id").asText()).distinct()).hasSize(40);
    long in = lines.stream().mapToLong(n -> n.get("inputTokens").asLong()).sum();
    long outTokens = lines.stream().mapToLong(n -> n.get("outputTokens").asLong()).sum();
    assertThat(in).isPositive();
    double dollars = (in + outTokens) * 1000 / 1e6;
    assertThat(err.toString())
        .contains("  ok:         40\n")
        .contains("  failed:     0\n")
        .contains("  tokens:     " + in + " in / " + outTokens + " out\n")
        .contains(String.format(java.util.Locale.ROOT, "  est. cost:  $%.4f%n", dollars))
        .containsPattern("  latency:    p50 \\d+ ms, p95 \\d+ ms\n")
        .contains("progress: 0/40 done")
        .contains("progress: 40/40 done (40 ok, 0 failed)");
  }

  @Test
  void transientFailuresAreRetriedAndPermanentOnesWrittenAsTypedErrors() throws Exception {
    LlmSimulator sim = simulator(LlmSimulator.builder().fault(Fault.status(503).times(2)));
    Path in = dir.resolve("in.jsonl");
    Files.write(
        in,
        List.of(
            "{\"id\":\"ok-1\",\"text\":\"Ada Lovelace\"}",
            "{\"id\":\"refused\",\"text\":\"" + LlmSimulator.DEFAULT_REFUSAL_TRIGGER + "\"}",
            "{\"id\":\"ok-2\",\"text\":\"Charles Babbage\"}"));
    Path outFile = dir.resolve("out.jsonl");

    int code =
        batch(
            settingsFor(sim, "k"),
            "--in",
            in.toString(),
            "--out",
            outFile.toString(),
            "--concurrency",
            "1");

    assertThat(code).isEqualTo(LlmCommand.RECORDS_FAILED);
    Map<String, JsonNode> byId =
        lines(outFile).stream().collect(Collectors.toMap(n -> n.get("id").asText(), n -> n));
    assertThat(byId.get("ok-1").get("attempts").asInt()).isEqualTo(3);
    assertThat(byId.get("refused").get("error").asText()).isEqualTo("RefusalException");
    assertThat(byId.get("refused").get("retryable").asBoolean()).isFalse();
    assertThat(byId.get("ok-2").has("result")).isTrue();
    assertThat(err.toString())
        .contains("  retries:    2\n")
        .contains("  failed:     1 (RefusalException 1)\n");
  }

  @Test
  void anAuthenticationFailureStopsReadingInsteadOfFailingEveryRecord() throws Exception {
    LlmSimulator sim = simulator(LlmSimulator.builder().apiKey("right-key"));
    Path outFile = dir.resolve("out.jsonl");

    int code =
        batch(
            settingsFor(sim, "wrong-key"),
            "--in",
            records(200).toString(),
            "--out",
            outFile.toString(),
            "--concurrency",
            "2");

    assertThat(code).isEqualTo(LlmCommand.RECORDS_FAILED);
    assertThat(lines(outFile).size()).isBetween(1, 10);
    assertThat(lines(outFile).get(0).get("error").asText()).isEqualTo("AuthenticationException");
    assertThat(err.toString())
        .contains("  stopped:    every call would fail the same way (AuthenticationException)")
        .contains("run the same command with --resume to continue");
  }

  @Test
  void anExistingOutputIsNeitherAppendedToNorLostWithoutResumeOrOverwrite() throws Exception {
    LlmSimulator sim = simulator(LlmSimulator.builder());
    Path outFile = dir.resolve("out.jsonl");
    Files.writeString(outFile, "{\"id\":\"old\",\"line\":1}\n");
    Path in = records(3);

    int refused = batch(settingsFor(sim, "k"), "--in", in.toString(), "--out", outFile.toString());
    assertThat(refused).isEqualTo(LlmCommand.USAGE);
    assertThat(err.toString()).contains("already holds results; pass --resume");
    assertThat(Files.readAllLines(outFile)).hasSize(1);

    int overwritten =
        batch(
            settingsFor(sim, "k"),
            "--in",
            in.toString(),
            "--out",
            outFile.toString(),
            "--overwrite");
    assertThat(overwritten).isEqualTo(LlmCommand.OK);
    assertThat(lines(outFile))
        .extracting(n -> n.get("id").asText())
        .containsExactlyInAnyOrder("r1", "r2", "r3");
  }

  @Test
  void aStoppedRunFinishesItsCallsInFlightAndResumeDoesTheRestOnce() throws Exception {
    LlmSimulator sim =
        simulator(LlmSimulator.builder().latency(LatencyModel.fixed(Duration.ofMillis(100))));
    ProviderSettings settings = settingsFor(sim, "k");
    Path in = records(30);
    Path outFile = dir.resolve("out.jsonl");
    String[] args = {
      "batch",
      "--provider",
      "openai",
      "--in",
      in.toString(),
      "--out",
      outFile.toString(),
      "--concurrency",
      "3"
    };
    CommandLine cli = new CommandLine(new LlmCommand(settings));
    BatchCommand command =
        (BatchCommand) cli.parseArgs(args).subcommand().commandSpec().userObject();
    BatchJob job = new BatchJob(command, settings, new PrintWriter(err, true), false);

    CompletableFuture<Integer> run = CompletableFuture.supplyAsync(job::run);
    while (!Files.exists(outFile) || Files.readAllLines(outFile).size() < 4) {
      Thread.sleep(10);
    }
    job.stopAndAwait("stopped by the test", Duration.ofSeconds(10));
    int code = run.get(10, TimeUnit.SECONDS);

    assertThat(code).isEqualTo(LlmCommand.RECORDS_FAILED);
    int firstRun = Files.readAllLines(outFile).size();
    assertThat(firstRun).isBetween(4, 29);
    assertThat(sim.counters().inFlight()).isZero();
    assertThat(err.toString())
        .contains("llm: stopping: finishing")
        .contains("  stopped:    stopped by the test after input line")
        .contains("llm batch summary: " + firstRun + " records");

    int resumed = batch(settings, "--in", in.toString(), "--out", outFile.toString(), "--resume");

    assertThat(resumed).isEqualTo(LlmCommand.OK);
    assertThat(lines(outFile))
        .extracting(n -> n.get("id").asText())
        .containsExactlyInAnyOrderElementsOf(
            IntStream.rangeClosed(1, 30).mapToObj(i -> "r" + i).toList());
    assertThat(err.toString()).contains("  skipped:    " + firstRun + " (already in the output");
  }
}
