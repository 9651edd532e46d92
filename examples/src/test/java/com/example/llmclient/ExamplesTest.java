package com.example.llmclient;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every example's {@code main} as a user would (each starts its own simulator on loopback, or
 * the scripted provider) and checks what it prints, so an example that stops working fails the
 * build.
 */
@Timeout(60)
class ExamplesTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** What a main printed, and where its explicit {@code flush()} calls cut the output. */
  private record Printed(String text, List<String> flushedChunks) {}

  /** Main methods may throw checked exceptions (ExtractEntities does). */
  private interface Main {
    void run() throws Exception;
  }

  /** Runs a main with standard output captured; only explicit flushes mark a chunk. */
  private static Printed run(Main main) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    List<Integer> flushedAt = new ArrayList<>();
    OutputStream counting =
        new OutputStream() {
          @Override
          public void write(int b) {
            bytes.write(b);
          }

          @Override
          public void write(byte[] b, int off, int len) {
            bytes.write(b, off, len);
          }

          @Override
          public void flush() {
            flushedAt.add(bytes.size());
          }
        };
    PrintStream original = System.out;
    try (PrintStream capture = new PrintStream(counting, false, StandardCharsets.UTF_8)) {
      System.setOut(capture);
      try {
        main.run();
      } finally {
        capture.flush();
        System.setOut(original);
      }
    }
    byte[] all = bytes.toByteArray();
    List<String> chunks = new ArrayList<>();
    int from = 0;
    for (int at : flushedAt) {
      if (at > from) {
        chunks.add(new String(all, from, at - from, StandardCharsets.UTF_8));
        from = at;
      }
    }
    return new Printed(new String(all, StandardCharsets.UTF_8), chunks);
  }

  @Test
  void chatTextPrintsTheSimulatorsAnswer() throws Exception {
    Printed out = run(() -> ChatText.main(new String[0]));

    assertThat(out.text().strip())
        .isEqualTo("Morning fjord, still;\na gull writes on the water,\nthen the wind erases it.");
  }

  @Test
  void chatStreamingPrintsTheAnswerInSeveralDeltasThenTheFinish() throws Exception {
    Printed out = run(() -> ChatStreaming.main(new String[0]));

    String story =
        "Once upon a time a small fox lived by the fjord. Every evening it watched the fishing"
            + " boats come home, and counted them.";
    List<String> lines = out.text().lines().toList();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).isEqualTo(story);
    assertThat(lines.get(1))
        .matches("finish: stop, usage: Usage\\[inputTokens=[1-9]\\d*, outputTokens=[1-9]\\d*.*");
    // Each delta is printed and flushed on its own: the story arrived in more than one piece.
    List<String> deltas = out.flushedChunks().stream().filter(c -> !c.contains("finish:")).toList();
    assertThat(deltas).hasSizeGreaterThan(1);
    assertThat(String.join("", deltas).strip()).isEqualTo(story);
  }

  @Test
  void chatToolLoopCallsTheJavaFunctionAndEndsWithTheAnswer() throws Exception {
    Printed out = run(() -> ChatToolLoop.main(new String[0]));

    List<String> lines = out.text().lines().toList();
    assertThat(lines).isNotEmpty();
    assertThat(lines.get(lines.size() - 1)).isEqualTo("answer: It is sunny in Oslo today, 21 °C.");
    assertThat(lines.subList(0, lines.size() - 1))
        .isNotEmpty()
        .allMatch(line -> line.matches("tool call: get_weather\\(.+\\)"));
  }

  @Test
  void chatImageGetsAnAnswerAndCountsTheImagesTokens() throws Exception {
    Printed out = run(() -> ChatImage.main(new String[0]));

    List<String> lines = out.text().lines().toList();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).isEqualTo("A single transparent pixel.");
    Matcher tokens =
        Pattern.compile("input tokens, the image included: (\\d+)").matcher(lines.get(1));
    assertThat(tokens.matches()).as(lines.get(1)).isTrue();
    assertThat(Integer.parseInt(tokens.group(1))).isPositive();
  }

  @Test
  void extractEntitiesWritesOneResultPerRecordAndASummary(@TempDir Path dir) throws Exception {
    Path records = Path.of("data/records.jsonl");
    Path schema = Path.of("data/extraction.schema.json");
    Path results = dir.resolve("results.jsonl");
    long count = countLines(records);

    Printed out =
        run(
            () ->
                ExtractEntities.main(
                    new String[] {records.toString(), schema.toString(), results.toString()}));

    Matcher summary =
        Pattern.compile(
                "(\\d+) records: (\\d+) extracted, (\\d+) failed; (\\d+) entities, (\\d+)"
                    + " relations; tokens in/out (\\d+)/(\\d+); \\d+ ms")
            .matcher(out.text().lines().findFirst().orElse(""));
    assertThat(summary.matches()).as(out.text()).isTrue();
    assertThat(Long.parseLong(summary.group(1))).isEqualTo(count).isEqualTo(200);
    assertThat(Long.parseLong(summary.group(2))).isEqualTo(count);
    assertThat(summary.group(3)).isEqualTo("0");
    assertThat(Long.parseLong(summary.group(4))).isPositive();
    assertThat(Long.parseLong(summary.group(6))).isPositive();
    List<String> lines = Files.readAllLines(results);
    assertThat(lines).hasSize((int) count);
    long entities = 0;
    for (String line : lines) {
      JsonNode result = JSON.readTree(line);
      assertThat(result.has("error")).as(line).isFalse();
      assertThat(result.get("result").get("entities").isArray()).as(line).isTrue();
      entities += result.get("result").get("entities").size();
    }
    assertThat(entities).isEqualTo(Long.parseLong(summary.group(4)));
  }

  private static long countLines(Path file) throws IOException {
    try (var lines = Files.lines(file)) {
      return lines.filter(l -> !l.isBlank()).count();
    }
  }
}
