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
}
