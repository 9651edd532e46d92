package dev.llmclient.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.testkit.simulator.Fault;
import dev.llmclient.testkit.simulator.LlmSimulator;
import dev.llmclient.testkit.simulator.Route;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code llm batch --mode batch-api} in-process against a simulator started here. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BatchApiModeTest {

  @TempDir Path dir;
  private LlmSimulator sim;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void start() {
    sim = LlmSimulator.builder().start();
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  private ProviderSettings settings() {
    return ProviderSettings.of(
        Map.of(
            "OPENAI_BASE_URL", sim.openAiBaseUri().toString(),
            "OPENAI_API_KEY", "k",
            "MODEL_NAME", "gpt-4o-mini"));
  }

  private int batch(String... args) {
    List<String> all =
        new ArrayList<>(
            List.of(
                "batch", "--provider", "openai", "--mode", "batch-api", "--batch-poll", "0.05"));
    all.addAll(List.of(args));
    return LlmCommand.execute(
        all.toArray(String[]::new),
        new PrintWriter(out, true),
        new PrintWriter(err, true),
        settings());
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

  private static Set<String> ids(List<JsonNode> lines) {
    Set<String> ids = new HashSet<>();
    for (JsonNode l : lines) {
      assertThat(ids.add(l.path("id").asText())).as("no duplicate line for %s", l).isTrue();
    }
    return ids;
  }

  @Test
  void writesOneResultLinePerRecordInTheOnlineFormatAndRemovesItsState() throws IOException {
    Path in = records(40);
    Path outFile = dir.resolve("out.jsonl");

    int code =
        batch(
            "--in",
            in.toString(),
            "--out",
            outFile.toString(),
            "--type",
            "ENTITIES",
            "--max-requests-per-batch",
            "15");

    assertThat(code).as(err.toString()).isZero();
    List<JsonNode> lines = lines(outFile);
    assertThat(ids(lines)).hasSize(40);
    assertThat(lines)
        .allSatisfy(
            l -> {
              assertThat(l.has("result")).isTrue();
              assertThat(l.path("inputSha256").asText()).isNotEmpty();
              assertThat(l.path("line").asLong()).isPositive();
            });
    assertThat(sim.requests(Route.CHAT_COMPLETIONS)).as("no online call").isEmpty();
    assertThat(sim.requests(Route.FILES).stream().filter(r -> r.method().equals("POST")))
        .hasSize(3);
    assertThat(Files.exists(BatchApiState.fileFor(outFile))).isFalse();
    assertThat(err.toString()).contains("batch-api").contains("50% discount");
  }

  @Test
  void failedRecordsAndInvalidAnswersAreRetriedOnlineSoEveryRecordEndsValid() throws IOException {
    sim.addFault(Fault.status(500).everyNth(4).onRoutes(Route.BATCH_REQUEST));
    Path in = records(20);
    Path outFile = dir.resolve("out.jsonl");

    int code = batch("--in", in.toString(), "--out", outFile.toString(), "--type", "ENTITIES");

    assertThat(code).as(err.toString()).isZero();
    List<JsonNode> lines = lines(outFile);
    assertThat(ids(lines)).hasSize(20);
    assertThat(lines).allSatisfy(l -> assertThat(l.has("result")).isTrue());
    assertThat(sim.requests(Route.CHAT_COMPLETIONS)).hasSize(5);
    assertThat(WantedRecords.openOn(in)).as("readers of the input left open").isZero();
  }

  @Test
  void withoutOnlineRetryFailuresAreTypedErrorLines() throws IOException {
    sim.addFault(Fault.status(500).everyNth(4).onRoutes(Route.BATCH_REQUEST));
    Path in = records(8);
    Path outFile = dir.resolve("out.jsonl");

    int code =
        batch(
            "--in",
            in.toString(),
            "--out",
            outFile.toString(),
            "--type",
            "ENTITIES",
            "--no-online-retry");

    assertThat(code).isEqualTo(LlmCommand.RECORDS_FAILED);
    List<JsonNode> lines = lines(outFile);
    assertThat(ids(lines)).hasSize(8);
    assertThat(lines.stream().filter(l -> "ServerException".equals(l.path("error").asText())))
        .hasSize(2);
    assertThat(sim.requests(Route.CHAT_COMPLETIONS)).isEmpty();
  }

  @Test
  void theCostEstimatePricesTheBatchAnswersAndTheOnlineRetries() throws IOException {
    sim.addFault(Fault.status(500).everyNth(4).onRoutes(Route.BATCH_REQUEST));
    Path in = records(8);
    Path outFile = dir.resolve("out.jsonl");

    int code =
        batch(
            "--in",
            in.toString(),
            "--out",
            outFile.toString(),
            "--type",
            "ENTITIES",
            "--price",
            "gpt-4o-mini=1000,1000");

    assertThat(code).as(err.toString()).isZero();
    assertThat(sim.requests(Route.CHAT_COMPLETIONS)).hasSize(2);
    long tokens =
        lines(outFile).stream()
            .mapToLong(l -> l.path("inputTokens").asLong() + l.path("outputTokens").asLong())
            .sum();
    assertThat(tokens).isPositive();
    Matcher cost =
        Pattern.compile(
                "est\\. cost:  \\$([0-9.]+) \\(batch \\$([0-9.]+) after the 50% discount, saved"
                    + " \\$([0-9.]+); online \\$([0-9.]+)\\)")
            .matcher(err.toString());
    assertThat(cost.find()).as(err.toString()).isTrue();
    double batch = Double.parseDouble(cost.group(2));
    double online = Double.parseDouble(cost.group(4));
    assertThat(batch).as("six answers from the batch").isPositive();
    assertThat(online).as("two answers of the online retry").isPositive();
    // each record's line holds the tokens of its one answer: full batch price plus online price
    assertThat(2 * batch + online).isCloseTo(tokens * 1000 / 1e6, within(0.0003));
    assertThat(Double.parseDouble(cost.group(1))).isCloseTo(batch + online, within(0.0001));
  }

  @Test
  void detachThenStatusThenResumeCollectsEveryRecordOnce() throws IOException {
    Path in = records(12);
    Path outFile = dir.resolve("out.jsonl");

    assertThat(
            batch(
                "--in",
                in.toString(),
                "--out",
                outFile.toString(),
                "--type",
                "ENTITIES",
                "--detach",
                "--batch-metadata",
                "simulator.phase_ms=300"))
        .as(err.toString())
        .isZero();
    assertThat(Files.exists(BatchApiState.fileFor(outFile))).isTrue();
    assertThat(batch("--out", outFile.toString(), "--in", in.toString(), "--status")).isZero();
    assertThat(err.toString()).contains("part 0: batch_");
    int again = batch("--in", in.toString(), "--out", outFile.toString(), "--type", "ENTITIES");
    assertThat(again).as("an open run is not started twice").isEqualTo(LlmCommand.USAGE);

    int code =
        batch("--in", in.toString(), "--out", outFile.toString(), "--type", "ENTITIES", "--resume");

    assertThat(code).as(err.toString()).isZero();
    assertThat(ids(lines(outFile))).hasSize(12);
    assertThat(sim.requests(Route.FILES).stream().filter(r -> r.method().equals("POST")))
        .as("resume re-attaches, uploads nothing")
        .hasSize(1);
    assertThat(Files.exists(BatchApiState.fileFor(outFile))).isFalse();
  }

  @Test
  void eachRecordGetsOneLineWithItsOwnIdAndLineAndAnOutcomeForAKeptLineIsIgnored()
      throws IOException {
    Path in = dir.resolve("mixed.jsonl");
    Files.write(
        in,
        List.of(
            "{\"id\":\"a\",\"text\":\"Ada met Babbage\"}",
            "{\"text\":\"no id here\"}",
            "{\"id\":\"line:2\",\"text\":\"an id that looks like a line key\"}",
            "{\"id\":\"a\",\"text\":\"the same id again\"}",
            "not json",
            "",
            "{\"id\":\"q\\\"t\\u001b\",\"text\":\"an id to escape\"}",
            "{\"id\":\"kept\",\"text\":\"already done before the crash\"}"));
    Path outFile = dir.resolve("out.jsonl");
    assertThat(
            batch(
                "--in",
                in.toString(),
                "--out",
                outFile.toString(),
                "--type",
                "ENTITIES",
                "--detach"))
        .as(err.toString())
        .isZero();
    // The crash left a result line for "kept": its batch outcome must not add a second one.
    JsonNode rejected = lines(outFile).get(0);
    String keptLine =
        "{\"id\":\"kept\",\"line\":8,\"result\":{\"entities\":[]},\"inputSha256\":"
            + rejected.get("inputSha256")
            + ",\"schemaSha256\":"
            + rejected.get("schemaSha256")
            + "}\n";
    Files.writeString(outFile, keptLine, java.nio.file.StandardOpenOption.APPEND);

    int code =
        batch(
            "--in",
            in.toString(),
            "--out",
            outFile.toString(),
            "--type",
            "ENTITIES",
            "--resume",
            "--keep-failures");

    assertThat(code).as("the duplicate id and the bad line are errors").isEqualTo(1);
    Map<Long, JsonNode> byLine = new java.util.TreeMap<>();
    for (JsonNode l : lines(outFile)) {
      assertThat(byLine.put(l.get("line").asLong(), l)).as("one line for line %s", l).isNull();
    }
    assertThat(byLine.keySet()).containsExactly(1L, 2L, 3L, 4L, 5L, 7L, 8L);
    assertThat(byLine.get(1L).get("id").asText()).isEqualTo("a");
    assertThat(byLine.get(1L).has("result")).isTrue();
    assertThat(byLine.get(2L).get("id").isNull()).isTrue();
    assertThat(byLine.get(2L).has("result")).isTrue();
    assertThat(byLine.get(3L).get("id").asText()).isEqualTo("line:2");
    assertThat(byLine.get(3L).has("result")).isTrue();
    assertThat(byLine.get(4L).get("error").asText()).isEqualTo(ResultFile.DUPLICATE_ID);
    assertThat(byLine.get(5L).get("error").asText()).isEqualTo(ResultFile.MALFORMED);
    assertThat(byLine.get(7L).get("id").asText()).isEqualTo("q\"t\u001b");
    assertThat(byLine.get(7L).has("result")).isTrue();
    assertThat(byLine.get(8L).toString()).isEqualTo(keptLine.strip());
    assertThat(Files.exists(BatchApiState.fileFor(outFile))).isFalse();
  }

  @Test
  void cancelStopsTheOpenRunsBatches() throws IOException {
    Path in = records(5);
    Path outFile = dir.resolve("out.jsonl");
    batch(
        "--in",
        in.toString(),
        "--out",
        outFile.toString(),
        "--type",
        "ENTITIES",
        "--detach",
        "--batch-metadata",
        "simulator.phase_ms=2000");

    assertThat(batch("--out", outFile.toString(), "--in", in.toString(), "--cancel")).isZero();

    assertThat(err.toString()).contains("cancelling");
  }

  @Test
  void theInputIsClosedWhenWritingTheBatchFilesStopsEarly() throws IOException {
    Path in = records(20);
    List<String> records = new ArrayList<>(Files.readAllLines(in));
    // An id longer than a batch custom id may be stops the runner on the third record.
    records.set(2, "{\"id\":\"" + "x".repeat(600) + "\",\"text\":\"too long an id\"}");
    Files.write(in, records);
    Path outFile = dir.resolve("out.jsonl");

    int code = batch("--in", in.toString(), "--out", outFile.toString(), "--type", "ENTITIES");

    assertThat(code).as(err.toString()).isEqualTo(LlmCommand.USAGE);
    assertThat(err.toString()).contains("batch request id must be 1 to 512 characters");
    assertThat(WantedRecords.openOn(in)).as("readers of the input left open").isZero();
  }
}
