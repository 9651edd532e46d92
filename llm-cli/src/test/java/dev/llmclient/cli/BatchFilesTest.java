package dev.llmclient.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.testkit.simulator.LatencyModel;
import dev.llmclient.testkit.simulator.LlmSimulator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The files of {@code llm batch} are safe: a file that is not ours is never cut, the input is never
 * the output, a lock keeps two runs off one output, a resume checks the input and the schema it
 * continues, ids cannot pose as line numbers, and a byte that is not UTF-8 costs one record.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BatchFilesTest {

  @TempDir Path dir;

  private LlmSimulator sim;
  private ProviderSettings settings;
  private StringWriter err = new StringWriter();
  private Path in;
  private Path out;

  @BeforeEach
  void start() throws IOException {
    sim = LlmSimulator.builder().latency(LatencyModel.fixed(Duration.ofMillis(5))).start();
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
            "{\"id\":\"r2\",\"text\":\"Charles Babbage\"}",
            "{\"id\":\"r3\",\"text\":\"Grace Hopper\"}"));
    out = dir.resolve("out.jsonl");
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  private int batch(Path input, Path output, String... args) {
    err = new StringWriter();
    List<String> all = new ArrayList<>(List.of("batch", "--provider", "openai"));
    all.addAll(List.of("--in", input.toString(), "--out", output.toString()));
    if (!List.of(args).contains("--schema")) {
      all.addAll(List.of("--type", "summary"));
    }
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

  private static String sha256(Path file) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }

  @Test
  void resumeLeavesAFileThatIsNotAResultFileExactlyAsItWas() throws Exception {
    Path notes = dir.resolve("notes.txt");
    byte[] text = "my notes\nthe last line has no newline".getBytes(StandardCharsets.UTF_8);
    Files.write(notes, text);

    int code = batch(in, notes, "--resume");

    assertThat(code).isEqualTo(LlmCommand.USAGE);
    assertThat(Files.readAllBytes(notes)).isEqualTo(text);
    assertThat(err.toString())
        .contains(notes + " line 1 is not a result line written by llm batch")
        .contains("the file was left as it is; use another --out file");
    assertThat(sim.counters().totalRequests()).isZero();
  }

  @Test
  void overwriteEmptiesOnlyAResultFile() throws Exception {
    Path notes = dir.resolve("notes.jsonl");
    Files.writeString(notes, "{\"my\":\"data\"}\n");

    int code = batch(in, notes, "--overwrite");

    assertThat(code).isEqualTo(LlmCommand.USAGE);
    assertThat(Files.readString(notes)).isEqualTo("{\"my\":\"data\"}\n");
    assertThat(err.toString()).contains("is not a result line written by llm batch");
  }

  @Test
  void inAndOutNamingOneFileAreRefusedHoweverTheyAreSpelt() throws Exception {
    byte[] input = Files.readAllBytes(in);
    Path symlink = Files.createSymbolicLink(dir.resolve("alias.jsonl"), in);
    Path hardLink = Files.createLink(dir.resolve("hard.jsonl"), in);
    Files.createDirectory(dir.resolve("sub"));
    Path otherSpelling = dir.resolve(".").resolve("sub/..").resolve("records.jsonl");

    for (Path same : List.of(in, symlink, hardLink, otherSpelling)) {
      for (String mode : List.of("--overwrite", "--resume")) {
        int code = batch(in, same, mode);

        assertThat(code).as(same + " " + mode + ": " + err).isEqualTo(LlmCommand.USAGE);
        assertThat(err.toString()).contains("--in and --out name the same file");
        assertThat(Files.readAllBytes(in)).isEqualTo(input);
      }
    }
    assertThat(sim.counters().totalRequests()).isZero();
  }

  @Test
  void everyLineRecordsTheFingerprintsOfTheInputAndTheSchema() throws Exception {
    Path schema = dir.resolve("summary.schema.json");
    Files.writeString(
        schema,
        "{\"type\":\"object\",\"properties\":{\"summary\":{\"type\":\"string\"}},"
            + "\"required\":[\"summary\"],\"additionalProperties\":false}");

    assertThat(batch(in, out, "--schema", schema.toString())).isEqualTo(LlmCommand.OK);

    assertThat(lines(out))
        .hasSize(3)
        .allSatisfy(
            n -> {
              assertThat(n.get("inputSha256").asText()).isEqualTo(sha256(in));
              assertThat(n.get("schemaSha256").asText()).isEqualTo(sha256(schema));
              assertThat(n.has("simulated")).isFalse();
            });
  }

  @Test
  void resumeAgainstAChangedInputStopsUnlessAllowed() throws Exception {
    assertThat(batch(in, out)).isEqualTo(LlmCommand.OK);
    // A line cut short by a kill must survive a refused resume too: nothing is changed.
    Files.writeString(out, "{\"id\":\"r9\",\"li", java.nio.file.StandardOpenOption.APPEND);
    String written = Files.readString(out);
    Files.writeString(
        in, "{\"id\":\"r4\",\"text\":\"Alan Turing\"}\n", java.nio.file.StandardOpenOption.APPEND);

    int refused = batch(in, out, "--resume");

    assertThat(refused).isEqualTo(LlmCommand.USAGE);
    assertThat(err.toString())
        .contains("cannot resume " + out + ": the input changed since it was written")
        .contains("--allow-changed");
    assertThat(Files.readString(out)).isEqualTo(written);

    int allowed = batch(in, out, "--resume", "--allow-changed");

    assertThat(allowed).as(err.toString()).isEqualTo(LlmCommand.OK);
    assertThat(err.toString()).contains("removed an incomplete last line (14 bytes)");
    assertThat(lines(out))
        .extracting(n -> n.get("id").asText())
        .containsExactlyInAnyOrder("r1", "r2", "r3", "r4");
  }

  @Test
  void resumeAgainstAChangedSchemaStops() throws Exception {
    Path schema = dir.resolve("summary.schema.json");
    String strict =
        "{\"type\":\"object\",\"properties\":{\"summary\":{\"type\":\"string\"}},"
            + "\"required\":[\"summary\"],\"additionalProperties\":false}";
    Files.writeString(schema, strict);
    assertThat(batch(in, out, "--schema", schema.toString())).isEqualTo(LlmCommand.OK);
    Files.writeString(schema, strict.replace("\"string\"", "\"string\",\"description\":\"new\""));

    int refused = batch(in, out, "--schema", schema.toString(), "--resume");

    assertThat(refused).isEqualTo(LlmCommand.USAGE);
    assertThat(err.toString()).contains("the schema changed since it was written");
  }

  @Test
  void anIdThatLooksLikeALineKeyDoesNotHideTheRecordWithoutIdOnThatLine() throws Exception {
    Files.write(
        in,
        List.of(
            "{\"id\":\"line:3\",\"text\":\"Ada Lovelace\"}",
            "{\"id\":\"r2\",\"text\":\"Charles Babbage\"}",
            "{\"text\":\"Grace Hopper, a record without id\"}"));
    assertThat(batch(in, out)).isEqualTo(LlmCommand.OK);
    // As if the run had been killed before the record on line 3 was written.
    List<String> firstTwo =
        Files.readAllLines(out).stream().filter(l -> !l.contains("\"line\":3")).toList();
    assertThat(firstTwo).hasSize(2);
    Files.write(out, firstTwo);

    int resumed = batch(in, out, "--resume");

    assertThat(resumed).as(err.toString()).isEqualTo(LlmCommand.OK);
    Map<Long, JsonNode> byLine =
        lines(out).stream().collect(Collectors.toMap(n -> n.get("line").asLong(), n -> n));
    assertThat(byLine).containsOnlyKeys(1L, 2L, 3L);
    assertThat(byLine.get(1L).get("id").asText()).isEqualTo("line:3");
    assertThat(byLine.get(3L).get("id").isNull()).isTrue();
    assertThat(byLine.get(3L).has("result")).isTrue();
  }

  @Test
  void aByteThatIsNotUtf8IsAMalformedLineWithItsNumberAndTheBatchGoesOn() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.writeBytes(
        "{\"id\":\"r1\",\"text\":\"Ada Lovelace\"}\n".getBytes(StandardCharsets.UTF_8));
    bytes.writeBytes("{\"id\":\"r2\",\"text\":\"caf".getBytes(StandardCharsets.UTF_8));
    bytes.write(0xFF);
    bytes.writeBytes(
        "\"}\n{\"id\":\"r3\",\"text\":\"Grace Hopper\"}\n".getBytes(StandardCharsets.UTF_8));
    Files.write(in, bytes.toByteArray());

    int code = batch(in, out);

    assertThat(code).as(err.toString()).isEqualTo(LlmCommand.RECORDS_FAILED);
    Map<Long, JsonNode> byLine =
        lines(out).stream().collect(Collectors.toMap(n -> n.get("line").asLong(), n -> n));
    assertThat(byLine).containsOnlyKeys(1L, 2L, 3L);
    assertThat(byLine.get(1L).has("result")).isTrue();
    assertThat(byLine.get(3L).has("result")).isTrue();
    assertThat(byLine.get(2L).get("error").asText()).isEqualTo("MalformedRecord");
    assertThat(byLine.get(2L).get("message").asText())
        .isEqualTo(
            "line 2: not valid UTF-8 (byte 0xFF at byte 23 of the line); save the file as UTF-8");
    assertThat(err.toString())
        .contains("llm: line 2 skipped: not valid UTF-8")
        .contains("  failed:     1 (MalformedRecord 1)");
  }

  @Test
  void aLockHeldByALiveProcessKeepsASecondRunOffTheOutput() throws Exception {
    ProcessHandle self = ProcessHandle.current();
    Path lock = dir.resolve("out.jsonl.lock");
    Files.writeString(
        lock,
        "pid="
            + self.pid()
            + "\nstarted="
            + self.info().startInstant().map(Instant::toString).orElse("")
            + "\n");

    int code = batch(in, out);

    assertThat(code).isEqualTo(LlmCommand.USAGE);
    assertThat(err.toString())
        .contains(out + " is being written by another llm batch (process " + self.pid() + ")")
        .contains("lock file " + lock.toRealPath())
        .contains("If no such run is alive")
        .contains("delete the lock file");
    assertThat(out).doesNotExist();
    assertThat(lock).exists();
    assertThat(sim.counters().totalRequests()).isZero();
  }

  @Test
  void aStaleLockOfAProcessThatEndedIsRemovedWithANote() throws Exception {
    Process ended =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-version")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    assertThat(ended.waitFor(30, TimeUnit.SECONDS)).isTrue();
    Path lock = dir.resolve("out.jsonl.lock");
    Files.writeString(lock, "pid=" + ended.pid() + "\nstarted=2020-01-01T00:00:00Z\n");

    int code = batch(in, out);

    assertThat(code).as(err.toString()).isEqualTo(LlmCommand.OK);
    assertThat(err.toString())
        .contains("llm: removed the stale lock file")
        .contains("of process " + ended.pid() + ", which is no longer running");
    assertThat(lines(out)).hasSize(3);
    assertThat(lock).doesNotExist();
  }

  @Test
  void aSecondRunOnTheSameOutputIsRefusedWhileTheFirstRunsEvenThroughALink() throws Exception {
    sim.close();
    sim = LlmSimulator.builder().latency(LatencyModel.fixed(Duration.ofMillis(300))).start();
    settings =
        ProviderSettings.of(
            Map.of(
                "OPENAI_BASE_URL", sim.openAiBaseUri().toString(),
                "OPENAI_API_KEY", "k",
                "MODEL_NAME", "gpt-4o-mini"));
    String[] args = {
      "batch",
      "--provider",
      "openai",
      "--in",
      in.toString(),
      "--out",
      out.toString(),
      "--concurrency",
      "1"
    };
    CommandLine cli = new CommandLine(new LlmCommand(settings));
    BatchCommand command =
        (BatchCommand) cli.parseArgs(args).subcommand().commandSpec().userObject();
    StringWriter firstErr = new StringWriter();
    BatchJob first = new BatchJob(command, settings, new PrintWriter(firstErr, true), false);
    CompletableFuture<Integer> running = CompletableFuture.supplyAsync(first::run);
    Path lock = dir.resolve("out.jsonl.lock");
    while (!Files.exists(out) || Files.readAllLines(out).isEmpty()) {
      assertThat(running).isNotDone();
      Thread.sleep(10);
    }
    assertThat(lock).exists();
    Path alias = Files.createSymbolicLink(dir.resolve("alias.jsonl"), out);

    int second = batch(in, alias, "--resume");

    assertThat(second).isEqualTo(LlmCommand.USAGE);
    assertThat(err.toString()).contains("is being written by another llm batch");
    assertThat(running.get(30, TimeUnit.SECONDS)).as(firstErr.toString()).isEqualTo(LlmCommand.OK);
    assertThat(lines(out)).hasSize(3);
    assertThat(lock).doesNotExist();
  }
}
