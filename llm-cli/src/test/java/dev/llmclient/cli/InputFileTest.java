package dev.llmclient.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputFileTest {

  @TempDir Path dir;

  private List<InputFile.Line> read(byte[] bytes) throws Exception {
    Path file = dir.resolve("in.jsonl");
    Files.write(file, bytes);
    List<InputFile.Line> lines = new ArrayList<>();
    try (InputFile in = InputFile.open(file)) {
      InputFile.Line l;
      while ((l = in.next()) != null) {
        lines.add(l);
      }
    }
    return lines;
  }

  @Test
  void linesEndWithNewlineACarriageReturnBeforeItAndAByteOrderMarkAreDropped() throws Exception {
    byte[] bytes = "\uFEFFfirst\r\nsecond\n\nlast without newline".getBytes(StandardCharsets.UTF_8);

    assertThat(read(bytes))
        .containsExactly(
            new InputFile.Line(1, "first", null),
            new InputFile.Line(2, "second", null),
            new InputFile.Line(3, "", null),
            new InputFile.Line(4, "last without newline", null));
  }

  @Test
  void aLineThatIsNotUtf8IsReportedWithWhereTheByteIsAndTheNextLineIsRead() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.writeBytes("ok\nab".getBytes(StandardCharsets.UTF_8));
    bytes.write(0xC3); // starts a two-byte sequence that never finishes
    bytes.writeBytes("(\nü\n".getBytes(StandardCharsets.UTF_8));

    List<InputFile.Line> lines = read(bytes.toByteArray());

    assertThat(lines).hasSize(3);
    assertThat(lines.get(1).text()).isNull();
    assertThat(lines.get(1).problem())
        .isEqualTo("not valid UTF-8 (byte 0xC3 at byte 3 of the line); save the file as UTF-8");
    assertThat(lines.get(2)).isEqualTo(new InputFile.Line(3, "ü", null));
  }

  @Test
  void aLongLineIsReadWhole() throws Exception {
    String longLine = "x".repeat(200_000);

    assertThat(read((longLine + "\nend\n").getBytes(StandardCharsets.UTF_8)))
        .extracting(InputFile.Line::text)
        .containsExactly(longLine, "end");
  }

  @Test
  void theScanCountsNonBlankAndUnreadableLinesAndFingerprintsTheBytes() throws Exception {
    byte[] bytes = {'a', '\n', ' ', '\n', (byte) 0xFF, '\n', 'b'};
    Path file = dir.resolve("in.jsonl");
    Files.write(file, bytes);

    InputFile.Scan scan = InputFile.scan(file);

    assertThat(scan.records()).isEqualTo(3);
    assertThat(scan.sha256())
        .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)))
        .isEqualTo(InputFile.sha256Of(file));
  }

  @Test
  void aMissingFileSaysToCheckThePath() {
    assertThatThrownBy(() -> InputFile.open(dir.resolve("none.jsonl")))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("does not exist; check the --in path");
  }
}
