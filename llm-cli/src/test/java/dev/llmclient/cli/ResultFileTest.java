package dev.llmclient.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultFileTest {

  @TempDir Path dir;

  @Test
  void eachLineIsOnDiskAsSoonAsItIsWritten() throws Exception {
    Path out = dir.resolve("sub/results.jsonl");
    try (ResultFile file = ResultFile.append(out)) {
      file.write("{\"id\":\"a\",\"line\":1}");
      assertThat(Files.readAllLines(out)).containsExactly("{\"id\":\"a\",\"line\":1}");
      file.write("{\"id\":\"b\",\"line\":2}");
      assertThat(Files.readAllLines(out)).hasSize(2);
      assertThat(file.written()).isEqualTo(2);
    }
  }

  @Test
  void appendingKeepsWhatAnEarlierRunWrote() throws Exception {
    Path out = dir.resolve("results.jsonl");
    Files.writeString(out, "{\"id\":\"a\",\"line\":1}\n");
    try (ResultFile file = ResultFile.append(out)) {
      file.write("{\"id\":\"b\",\"line\":2}");
    }
    assertThat(Files.readAllLines(out)).hasSize(2);
  }

  @Test
  void existingKeysAreIdsElseLineNumbers() throws Exception {
    Path out = dir.resolve("results.jsonl");
    Files.writeString(
        out,
        String.join(
            "\n",
            "{\"id\":\"a\",\"line\":1,\"result\":{}}",
            "{\"id\":null,\"line\":2,\"error\":\"MalformedRecord\"}",
            "{\"id\":\"a\",\"line\":3,\"error\":\"DuplicateId\"}",
            "{\"id\":\"c\",\"line\":4,\"error\":\"RateLimitException\"}",
            ""));

    ResultFile.Existing existing = ResultFile.readExisting(out);

    assertThat(existing.keys()).containsExactlyInAnyOrder("a", "line:2", "line:3", "c");
    assertThat(existing.lines()).isEqualTo(4);
    assertThat(existing.droppedBytes()).isZero();
  }

  @Test
  void aLastLineCutShortByAKilledRunIsRemovedSoItsRecordIsDoneAgain() throws Exception {
    Path out = dir.resolve("results.jsonl");
    String complete = "{\"id\":\"a\",\"line\":1}\n";
    Files.writeString(out, complete + "{\"id\":\"b\",\"li");

    ResultFile.Existing existing = ResultFile.readExisting(out);

    assertThat(existing.keys()).containsExactly("a");
    assertThat(existing.droppedBytes()).isEqualTo(13);
    assertThat(Files.readString(out)).isEqualTo(complete);
  }

  @Test
  void aFileWithOnlyACutLineBecomesEmpty() throws Exception {
    Path out = dir.resolve("results.jsonl");
    Files.writeString(out, "{\"id\":\"b\"");

    assertThat(ResultFile.readExisting(out).keys()).isEmpty();
    assertThat(Files.size(out)).isZero();
  }

  @Test
  void aMissingFileHasNoKeys() {
    assertThat(ResultFile.readExisting(dir.resolve("none.jsonl")).keys()).isEmpty();
  }

  @Test
  void aFileThatIsNotOurOutputIsRefusedWithAHint() throws Exception {
    Path out = dir.resolve("notes.txt");
    Files.write(out, List.of("hello world"), StandardCharsets.UTF_8);

    assertThatThrownBy(() -> ResultFile.readExisting(out))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("use another --out file");
  }

  @Test
  void aFileIsCheckedWholeBeforeItsCutLastLineIsRemoved() throws Exception {
    Path out = dir.resolve("results.jsonl");
    String text = "{\"id\":\"a\",\"line\":1}\n{\"other\":\"data\"}\n{\"id\":\"b\",\"li";
    Files.writeString(out, text);

    assertThatThrownBy(() -> ResultFile.readExisting(out))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("line 2 is not a result line written by llm batch");
    assertThat(Files.readString(out)).isEqualTo(text);
  }

  @Test
  void aCutLastLineThatDoesNotStartLikeOurLinesIsNotRemoved() throws Exception {
    Path out = dir.resolve("results.jsonl");
    String text = "{\"id\":\"a\",\"line\":1}\nsome notes";
    Files.writeString(out, text);

    assertThatThrownBy(() -> ResultFile.readExisting(out))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("line 2 is not a result line written by llm batch");
    assertThat(Files.readString(out)).isEqualTo(text);
  }

  @Test
  void aCompleteLastLineWithoutItsNewlineIsKeptAndGetsOne() throws Exception {
    Path out = dir.resolve("results.jsonl");
    Files.writeString(out, "{\"id\":\"a\",\"line\":1,\"result\":{}}");

    ResultFile.Existing existing = ResultFile.readExisting(out);

    assertThat(existing.keys()).containsExactly("a");
    assertThat(existing.droppedBytes()).isZero();
    assertThat(Files.readString(out)).isEqualTo("{\"id\":\"a\",\"line\":1,\"result\":{}}\n");
  }

  @Test
  void linesThatAreNotOursAreRecognisedByTheirShape() {
    assertThat(ResultFile.isResultLine(node("{\"id\":null,\"line\":3,\"error\":\"X\"}"))).isTrue();
    assertThat(ResultFile.isResultLine(node("{\"id\":\"r1\",\"text\":\"input record\"}")))
        .isFalse();
    assertThat(ResultFile.isResultLine(node("{\"line\":1,\"embedding\":[0.1]}"))).isFalse();
    assertThat(ResultFile.isResultLine(node("{\"id\":\"a\",\"line\":0}"))).isFalse();
    assertThat(ResultFile.isResultLine(node("{\"id\":[1],\"line\":2}"))).isFalse();
    assertThat(ResultFile.isResultLine(node("[1,2]"))).isFalse();
  }

  @Test
  void thePlanKeepsOneLinePerRecordItsResultFirstAndDropsErrorsUnlessTheyAreKept()
      throws Exception {
    Path out = dir.resolve("results.jsonl");
    Files.write(
        out,
        List.of(
            "{\"id\":\"a\",\"line\":1,\"error\":\"ServerException\"}",
            "{\"id\":\"a\",\"line\":1,\"result\":{}}",
            "{\"id\":\"b\",\"line\":2,\"error\":\"RateLimitException\"}",
            "{\"id\":\"b\",\"line\":2,\"error\":\"LlmTimeoutException\"}",
            "{\"id\":\"c\",\"line\":3,\"result\":{}}",
            "{\"id\":\"c\",\"line\":3,\"result\":{\"again\":true}}"));
    ResultFile.Existing existing = ResultFile.readExisting(out);

    ResumePlan redo = existing.plan(false, null);
    assertThat(redo.doneKeys()).containsExactlyInAnyOrder("a", "c");
    assertThat(redo.dropped()).toIterable().containsExactly(0L, 2L, 3L, 5L);
    assertThat(redo.keptOk()).isEqualTo(2);
    assertThat(redo.droppedErrors()).isEqualTo(2);
    assertThat(redo.droppedDuplicates()).isEqualTo(2);

    ResumePlan keep = existing.plan(true, null);
    assertThat(keep.doneKeys()).containsExactlyInAnyOrder("a", "b", "c");
    assertThat(keep.dropped()).toIterable().containsExactly(0L, 3L, 5L);
    assertThat(keep.keptErrors()).isEqualTo(1);
  }

  @Test
  void aRewriteKeepsTheOtherLinesByteForByteAndTheFilePermissions() throws Exception {
    Path out = dir.resolve("results.jsonl");
    List<String> lines =
        List.of(
            "{\"id\":\"a\",\"line\":1,\"result\":{\"name\":\"Zoë \\u001b\"}}",
            "{\"id\":\"b\",\"line\":2,\"error\":\"ServerException\"}",
            "{\"id\":\"c\",\"line\":3,\"result\":{}}");
    Files.write(out, lines);
    java.util.Set<java.nio.file.attribute.PosixFilePermission> permissions =
        java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----");
    Files.setPosixFilePermissions(out, permissions);
    ResultFile.rewrite(out, List.of(1L).iterator());

    assertThat(Files.readAllLines(out)).containsExactly(lines.get(0), lines.get(2));
    assertThat(Files.getPosixFilePermissions(out)).isEqualTo(permissions);
    try (var files = Files.list(dir)) {
      assertThat(files).containsExactly(out);
    }
  }

  private static com.fasterxml.jackson.databind.JsonNode node(String json) {
    try {
      return Json.mapper().readTree(json);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
