package dev.llmclient.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.testkit.simulator.LlmSimulator;
import dev.llmclient.testkit.simulator.RawReply;
import dev.llmclient.testkit.simulator.Route;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code llm batch --resume} never buries a failure: every record whose line is not a result is
 * done again, the summary counts the error lines still in the output, and the exit code says
 * whether any remain. Runs in-process against a simulator started here.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BatchResumeTest {

  @TempDir Path dir;

  private LlmSimulator sim;
  private ProviderSettings settings;
  private StringWriter err = new StringWriter();
  private Path in;
  private Path out;

  @BeforeEach
  void start() throws IOException {
    sim = LlmSimulator.builder().start();
    settings =
        ProviderSettings.of(
            Map.of(
                "OPENAI_BASE_URL", sim.openAiBaseUri().toString(),
                "OPENAI_API_KEY", "k",
                "MODEL_NAME", "gpt-4o-mini"));
    in = dir.resolve("records.jsonl");
    Files.write(
        in,
        List.of(
            "{\"id\":\"r1\",\"text\":\"Ada Lovelace\"}",
            "{\"id\":\"r2\",\"text\":\"flaky: Charles Babbage\"}",
            "{\"id\":\"r3\",\"text\":\"Grace Hopper\"}",
            "{\"id\":\"r4\",\"text\":\"flaky: Alan Turing\"}"));
    out = dir.resolve("out.jsonl");
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  /** Every call whose prompt holds "flaky" is throttled, with a tiny wait, until reset. */
  private void throttleFlakyRecords() {
    sim.respond(
        r -> r.route() == Route.CHAT_COMPLETIONS && r.body().contains("flaky"),
        r ->
            RawReply.json(
                    429,
                    "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\","
                        + "\"code\":\"rate_limit_exceeded\"}}")
                .header("retry-after-ms", "1"));
  }

  private int batch(String... args) {
    err = new StringWriter();
    List<String> all =
        new ArrayList<>(List.of("batch", "--provider", "openai", "--type", "summary"));
    all.addAll(List.of("--in", in.toString(), "--out", out.toString(), "--concurrency", "2"));
    all.addAll(List.of(args));
    return LlmCommand.execute(
        all.toArray(String[]::new),
        new PrintWriter(new StringWriter(), true),
        new PrintWriter(err, true),
        settings);
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

  private Map<String, JsonNode> byId() {
    return lines(out).stream().collect(Collectors.toMap(n -> n.get("id").asText(), n -> n));
  }

  @Test
  void resumeDoesEveryRecordWhoseLineIsAnErrorAgainAndLeavesOneLinePerRecord() throws Exception {
    throttleFlakyRecords();
    assertThat(batch()).isEqualTo(LlmCommand.RECORDS_FAILED);
    assertThat(byId().get("r2").get("error").asText()).isEqualTo("RateLimitException");
    assertThat(byId().get("r2").get("retryable").asBoolean()).isTrue();
    sim.reset(); // the service recovered

    int resumed = batch("--resume");

    assertThat(resumed).as(err.toString()).isEqualTo(LlmCommand.OK);
    assertThat(sim.counters().requests(Route.CHAT_COMPLETIONS)).isEqualTo(2);
    List<JsonNode> lines = lines(out);
    assertThat(lines)
        .extracting(n -> n.get("id").asText())
        .containsExactlyInAnyOrder("r1", "r2", "r3", "r4");
    assertThat(lines).allSatisfy(n -> assertThat(n.has("result")).isTrue());
    assertThat(err.toString())
        .contains("llm: resuming: 2 records already in")
        .contains("2 error lines were removed and their records are done again")
        .contains("  skipped:    2 (already in the output")
        .contains("holds 4 results and 0 error lines");
  }

  @Test
  void aResumeThatStillFailsCountsTheErrorLinesInTheOutputAndExitsNonZero() throws Exception {
    throttleFlakyRecords();
    assertThat(batch()).isEqualTo(LlmCommand.RECORDS_FAILED);

    int resumed = batch("--resume");

    assertThat(resumed).isEqualTo(LlmCommand.RECORDS_FAILED);
    assertThat(lines(out)).hasSize(4);
    assertThat(byId().get("r2").get("error").asText()).isEqualTo("RateLimitException");
    assertThat(err.toString())
        .contains("  failed:     2 (RateLimitException 2)")
        .contains("holds 2 results and 2 error lines; run the same command with --resume");
  }

  @Test
  void keepFailuresKeepsTheErrorLinesCallsNothingForThemAndStillExitsNonZero() throws Exception {
    throttleFlakyRecords();
    assertThat(batch()).isEqualTo(LlmCommand.RECORDS_FAILED);
    String before = Files.readString(out);
    sim.reset();

    int resumed = batch("--resume", "--keep-failures");

    assertThat(resumed).as(err.toString()).isEqualTo(LlmCommand.RECORDS_FAILED);
    assertThat(sim.counters().requests(Route.CHAT_COMPLETIONS)).isZero();
    assertThat(Files.readString(out)).isEqualTo(before);
    assertThat(err.toString())
        .contains("(2 of them error lines, kept by --keep-failures)")
        .contains("holds 2 results and 2 error lines");
  }

  @Test
  void aRecordWithSeveralLinesKeepsItsResultAndLosesTheRest() throws Exception {
    assertThat(batch()).isEqualTo(LlmCommand.OK);
    List<String> raw = Files.readAllLines(out);
    String r1 = raw.stream().filter(l -> l.contains("\"r1\"")).findFirst().orElseThrow();
    JsonNode errorLine = Json.mapper().readTree(r1);
    ((com.fasterxml.jackson.databind.node.ObjectNode) errorLine).remove("result");
    ((com.fasterxml.jackson.databind.node.ObjectNode) errorLine)
        .put("error", "ServerException")
        .put("message", "an older failure of the same record");
    List<String> doubled = new ArrayList<>(raw);
    doubled.add(0, Json.write(errorLine));
    doubled.add(r1);
    Files.write(out, doubled);

    int resumed = batch("--resume");

    assertThat(resumed).as(err.toString()).isEqualTo(LlmCommand.OK);
    assertThat(sim.counters().requests(Route.CHAT_COMPLETIONS)).isEqualTo(4);
    assertThat(Files.readAllLines(out)).containsExactlyElementsOf(raw);
    assertThat(err.toString()).contains("2 extra lines of records that already had one");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "not strict|{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}}}"
            + "|must set \"additionalProperties\": false",
        "unresolved $ref|{\"type\":\"object\",\"properties\":{\"a\":{\"$ref\":\"#/$defs/gone\"}},"
            + "\"required\":[\"a\"],\"additionalProperties\":false}|$ref '#/$defs/gone'",
        "bad pattern|{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\","
            + "\"pattern\":\"[unclosed\"}},\"required\":[\"a\"],\"additionalProperties\":false}"
            + "|pattern '[unclosed'"
      })
  void aSchemaTheCoreWouldRejectStopsTheBatchBeforeTheFirstCallWithOneError(
      String name, String schema, String problem) throws Exception {
    Path schemaFile = dir.resolve("bad.schema.json");
    Files.writeString(schemaFile, schema);
    err = new StringWriter();

    int code =
        LlmCommand.execute(
            new String[] {
              "batch",
              "--provider",
              "openai",
              "--in",
              in.toString(),
              "--out",
              out.toString(),
              "--schema",
              schemaFile.toString()
            },
            new PrintWriter(new StringWriter(), true),
            new PrintWriter(err, true),
            settings);

    assertThat(code).as(err.toString()).isEqualTo(LlmCommand.USAGE);
    assertThat(sim.counters().requests(Route.CHAT_COMPLETIONS)).isZero();
    assertThat(out).doesNotExist();
    assertThat(err.toString())
        .startsWith("llm: --schema " + schemaFile + " cannot be used: ")
        .contains(problem)
        .doesNotContain("summary");
    assertThat(err.toString().lines()).hasSize(1);
  }
}
