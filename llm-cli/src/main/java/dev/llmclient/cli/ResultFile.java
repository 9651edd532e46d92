package dev.llmclient.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;

/**
 * The batch's output file: one JSON line per input line, appended and flushed as each result
 * arrives, so a killed run loses at most the calls that were in flight.
 */
final class ResultFile implements AutoCloseable {

  /** The error type written for a line that is not a usable record. */
  static final String MALFORMED = "MalformedRecord";

  /** The error type written for a record whose id already appeared earlier in the input. */
  static final String DUPLICATE_ID = "DuplicateId";

  private final Writer writer;
  private long written;

  private ResultFile(Writer writer) {
    this.writer = writer;
  }

  /** Opens the file for appending, creating it (and its directory) when missing. */
  static ResultFile append(Path file) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      return new ResultFile(
          Files.newBufferedWriter(
              file,
              StandardCharsets.UTF_8,
              StandardOpenOption.CREATE,
              StandardOpenOption.APPEND,
              StandardOpenOption.WRITE));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open " + file + " for writing: " + e.getMessage(), e);
    }
  }

  /**
   * The keys of the records an earlier run already wrote. A last line cut short by a killed run is
   * removed from the file first, so that its record is done again rather than lost.
   *
   * @return the keys, and how many bytes of a partial last line were dropped
   */
  static Existing readExisting(Path file) {
    Set<String> keys = new HashSet<>();
    if (!Files.exists(file)) {
      return new Existing(keys, 0, 0);
    }
    long dropped = dropPartialLastLine(file);
    long lines = 0;
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        lines++;
        JsonNode node;
        try {
          node = Json.mapper().readTree(line);
        } catch (IOException e) {
          throw new IllegalArgumentException(
              file
                  + " line "
                  + lines
                  + " is not a result line written by llm batch; use another --out file");
        }
        keys.add(keyOf(node));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    return new Existing(keys, lines, dropped);
  }

  /** The key of a line this class wrote. */
  static String keyOf(JsonNode resultLine) {
    JsonNode id = resultLine.get("id");
    long line = resultLine.path("line").asLong(-1);
    boolean duplicate = DUPLICATE_ID.equals(resultLine.path("error").asText(null));
    return InputRecord.key(id == null || id.isNull() ? null : id.asText(), line, duplicate);
  }

  private static long dropPartialLastLine(Path file) {
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long size = ch.size();
      long end = size;
      ByteBuffer one = ByteBuffer.allocate(1);
      while (end > 0) {
        one.clear();
        ch.read(one, end - 1);
        if (one.get(0) == '\n') {
          break;
        }
        end--;
      }
      if (end < size) {
        ch.truncate(end);
      }
      return size - end;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot repair " + file + ": " + e.getMessage(), e);
    }
  }

  /** What an earlier run left: the keys written, the line count, bytes of a cut line dropped. */
  record Existing(Set<String> keys, long lines, long droppedBytes) {}

  /** Appends one line and flushes it; safe to call from any thread. */
  synchronized void write(String jsonLine) {
    try {
      writer.write(jsonLine);
      writer.write('\n');
      writer.flush();
      written++;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a result line: " + e.getMessage(), e);
    }
  }

  /** How many lines this run wrote. */
  synchronized long written() {
    return written;
  }

  @Override
  public synchronized void close() {
    try {
      writer.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close the result file: " + e.getMessage(), e);
    }
  }
}
