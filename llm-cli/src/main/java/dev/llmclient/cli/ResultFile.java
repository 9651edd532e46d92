package dev.llmclient.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.FilterWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The batch's output file: one JSON line per input line, appended and flushed as each result
 * arrives, so a killed run loses at most the calls that were in flight. Also the line format, and
 * reading, checking, repairing and rewriting what an earlier run wrote; which of its lines a
 * resumed run keeps is {@link ResumePlan}'s.
 */
final class ResultFile implements AutoCloseable {

  /** The error type written for a line that is not a usable record. */
  static final String MALFORMED = "MalformedRecord";

  /** The error type written for a record whose id already appeared earlier in the input. */
  static final String DUPLICATE_ID = "DuplicateId";

  static final String FIELD_ID = "id";
  static final String FIELD_LINE = "line";
  static final String FIELD_RESULT = "result";
  static final String FIELD_ERROR = "error";

  /** Present, and true, on every line of a run against the embedded simulator. */
  static final String FIELD_SIMULATED = "simulated";

  /** The SHA-256 of the input file the line was written for. */
  static final String FIELD_INPUT_SHA256 = "inputSha256";

  /** The SHA-256 of the schema file (or built-in type) the line was written for. */
  static final String FIELD_SCHEMA_SHA256 = "schemaSha256";

  /** How every line this command writes starts: {@code {"id":}. */
  static final String LINE_START = "{\"" + FIELD_ID + "\":";

  private final Writer writer;
  private long written;

  private ResultFile(Writer writer) {
    this.writer = writer;
  }

  /** Writes to standard output ({@code --out -}); closing flushes it and leaves it open. */
  static ResultFile standardOutput(Writer stdout) {
    return new ResultFile(
        new FilterWriter(stdout) {
          @Override
          public void close() throws IOException {
            flush();
          }
        });
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
   * What an earlier run wrote: {@link #inspect} first checks the whole file (every complete line
   * must be a result line of {@code llm batch}, a JSON object with an {@code id} and a {@code line}
   * number, else the file is refused and left untouched); only then does {@link #repair} remove a
   * last line cut short by a killed run (it must start like one of our lines), so that its record
   * is done again rather than lost, or give a complete last line its missing newline.
   *
   * @return every line's key and status, and how many bytes of a cut last line were dropped
   * @throws IllegalArgumentException when the file is not a result file, naming the line
   */
  static Existing readExisting(Path file) {
    Existing existing = inspect(file);
    repair(file, existing);
    return existing;
  }

  /**
   * Checks, without changing it, that a file is a result file of {@code llm batch}: every complete
   * line is a result line, and a last line without its newline is one or the start of one.
   *
   * @throws IllegalArgumentException when it is not, naming the line
   */
  static void requireResultFile(Path file) {
    inspect(file);
  }

  /**
   * Removes a cut last line, or adds the newline a complete last line lacks, as {@link #inspect}
   * found; nothing else is changed.
   */
  static void repair(Path file, Existing existing) {
    if (existing.droppedBytes() > 0) {
      truncate(file, existing.completeBytes());
    } else if (existing.lacksNewline()) {
      appendNewline(file);
    }
  }

  /**
   * Reads and checks what an earlier run wrote, changing nothing.
   *
   * @throws IllegalArgumentException when the file is not a result file, naming the line
   */
  static Existing inspect(Path file) {
    if (!Files.exists(file)) {
      return new Existing(file, 0, 0, 0, false, List.of());
    }
    long[] entries = {0};
    Set<Fingerprint> fingerprints = new LinkedHashSet<>();
    Consumer<Entry> seen =
        e -> {
          entries[0]++;
          if (fingerprints.size() < MAX_FINGERPRINTS) {
            fingerprints.add(new Fingerprint(e.inputSha256(), e.schemaSha256()));
          }
        };
    Map<String, String> canonical = new HashMap<>();
    long size;
    long lastNewline;
    try {
      size = Files.size(file);
      lastNewline = lastNewline(file, size);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    long completeBytes = lastNewline + 1; // bytes up to and including the last newline
    boolean cut = completeBytes < size; // the last line has no newline
    String tail = null;
    long physical = 0;
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String pending = reader.readLine();
      while (pending != null) {
        physical++;
        String next = reader.readLine();
        if (next == null && cut) {
          tail = pending;
        } else if (!pending.isBlank()) {
          seen.accept(entryOf(file, physical, pending, canonical));
        }
        pending = next;
      }
    } catch (CharacterCodingException e) {
      throw notOurs(file, physical + 1, "it is not UTF-8 text");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    long dropped = 0;
    boolean lacksNewline = false;
    if (tail != null && !tail.isBlank()) {
      Entry complete = null;
      try {
        complete = entryOf(file, physical, tail, canonical);
      } catch (IllegalArgumentException notALine) {
        if (!tail.startsWith(LINE_START)) {
          throw notOurs(file, physical, "it is neither a result line nor the start of one");
        }
      }
      if (complete != null) {
        seen.accept(complete);
        lacksNewline = true;
      } else {
        dropped = size - completeBytes;
      }
    } else if (tail != null) {
      dropped = size - completeBytes;
    }
    return new Existing(
        file, entries[0], dropped, completeBytes, lacksNewline, List.copyOf(fingerprints));
  }

  /** Distinct fingerprints remembered per file: more means it mixes runs anyway. */
  private static final int MAX_FINGERPRINTS = 64;

  /**
   * Reads the first {@code count} entries of a checked file again, in file order (the lines after
   * them, if any, are a cut last line).
   */
  static void forEachEntry(Path file, long count, Consumer<Entry> action) {
    Map<String, String> canonical = new HashMap<>();
    long physical = 0;
    long read = 0;
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while (read < count && (line = reader.readLine()) != null) {
        physical++;
        if (!line.isBlank()) {
          action.accept(entryOf(file, physical, line, canonical));
          read++;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static Entry entryOf(
      Path file, long lineNumber, String line, Map<String, String> canonical) {
    JsonNode node;
    try {
      node = Json.mapper().readTree(line);
    } catch (IOException e) {
      throw notOurs(file, lineNumber, "it is not JSON");
    }
    if (!isResultLine(node)) {
      throw notOurs(file, lineNumber, "it has no \"id\" and \"line\" of an input record");
    }
    boolean error = node.hasNonNull(FIELD_ERROR) || !node.has(FIELD_RESULT);
    return new Entry(
        keyOf(node),
        node.path(FIELD_LINE).asLong(),
        error,
        node.path(FIELD_SIMULATED).asBoolean(false),
        intern(canonical, node.path(FIELD_INPUT_SHA256).textValue()),
        intern(canonical, node.path(FIELD_SCHEMA_SHA256).textValue()));
  }

  private static @Nullable String intern(Map<String, String> canonical, @Nullable String value) {
    if (value == null) {
      return null;
    }
    if (canonical.size() > MAX_FINGERPRINTS) {
      canonical.clear(); // only a file mixing many runs has more; interning is just a saving
    }
    return canonical.computeIfAbsent(value, v -> v);
  }

  /** Whether a JSON value has the shape of a line this class writes. */
  static boolean isResultLine(@Nullable JsonNode node) {
    if (node == null || !node.isObject()) {
      return false;
    }
    JsonNode id = node.get(FIELD_ID);
    JsonNode line = node.get(FIELD_LINE);
    return id != null
        && (id.isNull() || id.isTextual())
        && line != null
        && line.canConvertToExactIntegral()
        && line.asLong() >= 1;
  }

  private static IllegalArgumentException notOurs(Path file, long line, String why) {
    return new IllegalArgumentException(
        file
            + " line "
            + line
            + " is not a result line written by llm batch ("
            + why
            + "), so the file was left as it is; use another --out file");
  }

  /** The key of a line this class wrote. */
  static String keyOf(JsonNode resultLine) {
    JsonNode id = resultLine.get(FIELD_ID);
    long line = resultLine.path(FIELD_LINE).asLong(-1);
    boolean duplicate = DUPLICATE_ID.equals(resultLine.path(FIELD_ERROR).asText(null));
    return InputRecord.key(id == null || id.isNull() ? null : id.asText(), line, duplicate);
  }

  /** The offset of the file's last newline, or -1 when it has none. */
  private static long lastNewline(Path file, long size) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer chunk = ByteBuffer.allocate(8192);
      long end = size;
      while (end > 0) {
        long start = Math.max(0, end - chunk.capacity());
        chunk.clear().limit((int) (end - start));
        while (chunk.hasRemaining() && ch.read(chunk, start + chunk.position()) > 0) {
          // fill the chunk
        }
        for (int i = chunk.position() - 1; i >= 0; i--) {
          if (chunk.get(i) == '\n') {
            return start + i;
          }
        }
        end = start;
      }
      return -1;
    }
  }

  private static void truncate(Path file, long size) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.truncate(size);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot repair " + file + ": " + e.getMessage(), e);
    }
  }

  private static void appendNewline(Path file) {
    try {
      Files.write(file, new byte[] {'\n'}, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot repair " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * One complete line of an existing output.
   *
   * @param key the record's key ({@link InputRecord#key})
   * @param line the record's line in the input it was written for
   * @param error true unless the line holds a result
   * @param simulated whether the embedded simulator answered
   * @param inputSha256 the fingerprint of the input it was written for, or null (older lines)
   * @param schemaSha256 the fingerprint of the schema it was written for, or null (older lines)
   */
  record Entry(
      String key,
      long line,
      boolean error,
      boolean simulated,
      @Nullable String inputSha256,
      @Nullable String schemaSha256) {}

  /**
   * The fingerprints a line carries.
   *
   * @param inputSha256 the input it was written for, or null (older lines)
   * @param schemaSha256 the schema it was written for, or null (older lines)
   */
  record Fingerprint(@Nullable String inputSha256, @Nullable String schemaSha256) {}

  /**
   * What an earlier run left, checked; its lines are read again by {@link #plan}, so that nothing
   * held here grows with the file.
   *
   * @param file the result file
   * @param lines how many complete lines (entries) the file holds
   * @param droppedBytes the bytes of a cut last line, which {@link #repair} removes
   * @param completeBytes the bytes up to and including the last newline
   * @param lacksNewline whether the last line is complete but has no newline ({@link #repair} adds
   *     it)
   * @param fingerprints the distinct fingerprints of the lines, in the order they first appear
   */
  record Existing(
      Path file,
      long lines,
      long droppedBytes,
      long completeBytes,
      boolean lacksNewline,
      List<Fingerprint> fingerprints) {

    /** The keys of every line, in memory (for small files and tests). */
    Set<String> keys() {
      Set<String> keys = new HashSet<>();
      if (lines == 0) {
        return keys;
      }
      forEachEntry(file, lines, e -> keys.add(e.key()));
      return keys;
    }

    /**
     * Decides which lines stay ({@link ResumePlan#of}).
     *
     * @param keepFailures whether a record's first error line stays when it has no result
     * @param inputSha256 the current input's fingerprint, or null
     */
    ResumePlan plan(boolean keepFailures, @Nullable String inputSha256) {
      return ResumePlan.of(this, keepFailures, inputSha256);
    }
  }

  /**
   * Removes lines from a result file safely: the kept lines are copied to a temporary file next to
   * it, which is flushed to disk and then moved over the original in one atomic step. A crash at
   * any moment leaves either the old file or the new one, never a mix, and never loses a kept line.
   *
   * @param file the result file, already checked by {@link #readExisting}
   * @param drop the positions among the complete non-blank lines of those to remove, in increasing
   *     order ({@link ResumePlan#dropped()})
   */
  static void rewrite(Path file, Iterator<Long> drop) {
    if (!drop.hasNext()) {
      return;
    }
    long nextDrop = drop.next();
    Path target;
    try {
      target = file.toRealPath();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    Path dir = target.toAbsolutePath().getParent();
    Path tmp = null;
    try {
      tmp = Files.createTempFile(dir, target.getFileName() + ".", ".tmp");
      try {
        Files.setPosixFilePermissions(tmp, Files.getPosixFilePermissions(target));
      } catch (UnsupportedOperationException notPosix) {
        // the temporary file keeps the default permissions of a new file
      }
      try (BufferedReader reader = Files.newBufferedReader(target, StandardCharsets.UTF_8);
          FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE);
          Writer writer =
              new BufferedWriter(
                  new OutputStreamWriter(
                      Channels.newOutputStream(channel), StandardCharsets.UTF_8))) {
        long index = 0;
        String line;
        while ((line = reader.readLine()) != null) {
          if (line.isBlank()) {
            continue;
          }
          if (index == nextDrop) {
            nextDrop = drop.hasNext() ? drop.next() : -1;
          } else {
            writer.write(line);
            writer.write('\n');
          }
          index++;
        }
        writer.flush();
        channel.force(true);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      tmp = null;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot rewrite " + file + " (it is unchanged): " + e.getMessage(), e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // the temporary file is named after the output; nothing else depends on it
        }
      }
    }
  }

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
