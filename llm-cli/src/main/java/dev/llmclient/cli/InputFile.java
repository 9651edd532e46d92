package dev.llmclient.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Reads a batch's input one line at a time, decoding each line as UTF-8 on its own: a byte that is
 * not UTF-8 makes that line unreadable (with its line number and where the byte is) instead of
 * ending the batch. Lines end with {@code \n}; a {@code \r} before it and a byte-order mark at the
 * start of the file are dropped. Every byte read also goes into a SHA-256 of the file.
 */
final class InputFile implements AutoCloseable {

  /**
   * One line of the input.
   *
   * @param number the 1-based line number
   * @param text the decoded line, or null when it is not valid UTF-8
   * @param problem why the line cannot be decoded, or null
   */
  record Line(long number, @Nullable String text, @Nullable String problem) {}

  /**
   * What one pass over the input found.
   *
   * @param records the non-blank lines (the progress total)
   * @param sha256 the SHA-256 of the file's bytes, in lower-case hex
   */
  record Scan(long records, String sha256) {}

  private final Path path;
  private final InputStream in;
  private final MessageDigest digest;
  private final CharsetDecoder decoder =
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);
  private final byte[] buffer = new byte[1 << 16];
  private int pos;
  private int limit;
  private byte[] line = new byte[256];
  private long number;

  private InputFile(Path path, InputStream in) {
    this.path = path;
    this.in = in;
    this.digest = sha256();
  }

  /**
   * Opens the input.
   *
   * @throws UncheckedIOException saying to check the --in path when the file does not exist
   */
  static InputFile open(Path path) {
    try {
      return new InputFile(path, Files.newInputStream(path));
    } catch (NoSuchFileException e) {
      throw new UncheckedIOException(
          "input file " + path + " does not exist; check the --in path", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
    }
  }

  /** Reads the whole input once: how many records it holds and its fingerprint. */
  static Scan scan(Path path) {
    try (InputFile input = open(path)) {
      long records = 0;
      Line l;
      while ((l = input.next()) != null) {
        if (l.text() == null || !l.text().isBlank()) {
          records++;
        }
      }
      return new Scan(records, input.sha256Hex());
    }
  }

  /** The SHA-256 of a file's bytes in lower-case hex. */
  static String sha256Of(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest d = sha256();
      byte[] buffer = new byte[1 << 16];
      int n;
      while ((n = in.read(buffer)) > 0) {
        d.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(d.digest());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** The SHA-256 of a text's UTF-8 bytes in lower-case hex. */
  static String sha256Of(String text) {
    return HexFormat.of().formatHex(sha256().digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * The next line, or null at the end of the file.
   *
   * @throws UncheckedIOException when the file cannot be read
   */
  @Nullable Line next() {
    int length = 0;
    boolean any = false;
    while (true) {
      if (pos == limit && !fill()) {
        if (!any) {
          return null;
        }
        break;
      }
      any = true;
      int nl = pos;
      while (nl < limit && buffer[nl] != '\n') {
        nl++;
      }
      int n = nl - pos;
      if (length + n > line.length) {
        line = Arrays.copyOf(line, Math.max(line.length * 2, length + n));
      }
      System.arraycopy(buffer, pos, line, length, n);
      length += n;
      if (nl < limit) {
        pos = nl + 1;
        break;
      }
      pos = limit;
    }
    number++;
    int start = 0;
    if (number == 1
        && length >= 3
        && line[0] == (byte) 0xEF
        && line[1] == (byte) 0xBB
        && line[2] == (byte) 0xBF) {
      start = 3;
    }
    if (length > start && line[length - 1] == '\r') {
      length--;
    }
    return decode(start, length);
  }

  /** Reads the next chunk into the buffer; false at the end of the file. */
  private boolean fill() {
    try {
      int n = in.read(buffer);
      if (n <= 0) {
        return false;
      }
      digest.update(buffer, 0, n);
      pos = 0;
      limit = n;
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
    }
  }

  private Line decode(int start, int end) {
    ByteBuffer bytes = ByteBuffer.wrap(line, start, end - start);
    CharBuffer chars = CharBuffer.allocate(end - start);
    decoder.reset();
    CoderResult result = decoder.decode(bytes, chars, true);
    if (!result.isError()) {
      result = decoder.flush(chars);
    }
    if (result.isError()) {
      int at = bytes.position();
      return new Line(
          number,
          null,
          String.format(
              Locale.ROOT,
              "not valid UTF-8 (byte 0x%02X at byte %d of the line); save the file as UTF-8",
              line[at] & 0xff,
              at - start + 1));
    }
    chars.flip();
    return new Line(number, chars.toString(), null);
  }

  /** The SHA-256 of everything read so far; after the last line, of the whole file. */
  String sha256Hex() {
    try {
      return HexFormat.of().formatHex(((MessageDigest) digest.clone()).digest());
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("SHA-256 digest cannot be cloned", e);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  @Override
  public void close() {
    try {
      in.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close " + path + ": " + e.getMessage(), e);
    }
  }
}
