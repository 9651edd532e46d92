package dev.llmclient.cli;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import org.jspecify.annotations.Nullable;

/**
 * Sorts text lines (none holding a line break) in lexicographic order with bounded memory: at most
 * {@code runLines} lines are held, sorted and written to a temporary file next to the output; the
 * sorted result is a merge of those files read one line at a time. This is what keeps {@code
 * --resume} exact (every key compared in full, nothing hashed) without memory growing with the
 * record count.
 */
final class ExternalSort implements AutoCloseable {

  /** Lines held before a run is written: a few MB of short keys. */
  static final int RUN_LINES = Integer.getInteger("llm.sort.runLines", 20_000);

  /**
   * Runs read at once by one merge: a merge of more runs first merges them in groups of this many,
   * so that a job of tens of millions of records stays far below the usual limit of 1,024 open
   * files per process.
   */
  static final int FAN_IN = 128;

  private final Path dir;
  private final int runLines;
  private final int fanIn;
  private final List<String> buffer = new ArrayList<>();
  private final List<Path> runs = new ArrayList<>();
  private final List<Sorted> open = new ArrayList<>();
  private long size;

  /**
   * A sort whose temporary files go into {@code dir}.
   *
   * @param dir an existing directory (the output's, so the files land on the same disk)
   * @param runLines the most lines held in memory at once
   */
  ExternalSort(Path dir, int runLines) {
    this(dir, runLines, FAN_IN);
  }

  /**
   * A sort that reads at most {@code fanIn} runs at once.
   *
   * @param dir an existing directory (the output's, so the files land on the same disk)
   * @param runLines the most lines held in memory at once
   * @param fanIn the most runs one merge reads at once (at least 2)
   */
  ExternalSort(Path dir, int runLines, int fanIn) {
    this.dir = dir;
    this.runLines = Math.max(1, runLines);
    this.fanIn = Math.max(2, fanIn);
  }

  /** A sort with temporary files next to {@code file}. */
  static ExternalSort nextTo(Path file) {
    Path parent = file.toAbsolutePath().getParent();
    return new ExternalSort(parent == null ? Path.of(".") : parent, RUN_LINES);
  }

  void add(String line) {
    buffer.add(line);
    size++;
    if (buffer.size() >= runLines) {
      spill();
    }
  }

  long size() {
    return size;
  }

  private void spill() {
    Collections.sort(buffer);
    writeRun(buffer.iterator());
    buffer.clear();
  }

  /** Merges the first {@link #fanIn} runs into one run at the end, deleting them. */
  private void mergeFirstRuns() {
    List<Path> group = new ArrayList<>(runs.subList(0, fanIn));
    try (Sorted merged = new Sorted(group, null)) {
      writeRun(merged);
    }
    runs.subList(0, fanIn).clear();
    group.forEach(ExternalSort::delete);
  }

  private void writeRun(Iterator<String> lines) {
    try {
      Path run = Files.createTempFile(dir, ".llm-sort-", ".tmp");
      runs.add(run);
      try (BufferedWriter w = Files.newBufferedWriter(run, StandardCharsets.UTF_8)) {
        while (lines.hasNext()) {
          w.write(lines.next());
          w.write('\n');
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write a temporary sort file in " + dir + ": " + e.getMessage(), e);
    }
  }

  private static void delete(Path run) {
    try {
      Files.deleteIfExists(run);
    } catch (IOException ignored) {
      // a hidden temporary file next to the output; nothing depends on it
    }
  }

  /**
   * The lines in order, from the start on each call, after the last {@link #add}. Closing the sort
   * closes it.
   *
   * @return the merged lines
   */
  Sorted sorted() {
    if (!buffer.isEmpty() && !runs.isEmpty()) {
      spill();
    }
    while (runs.size() > fanIn) {
      mergeFirstRuns();
    }
    Sorted s;
    if (runs.isEmpty()) {
      Collections.sort(buffer);
      s = new Sorted(List.of(), new ArrayList<>(buffer).iterator());
    } else {
      s = new Sorted(runs, null);
    }
    open.add(s);
    return s;
  }

  /** Deletes the temporary files. */
  @Override
  public void close() {
    open.forEach(Sorted::close);
    runs.forEach(ExternalSort::delete);
    runs.clear();
    buffer.clear();
  }

  /** The sorted lines, merged from the runs one line at a time. */
  static final class Sorted implements Iterator<String>, AutoCloseable {
    private record Head(String line, BufferedReader reader) {}

    private final @Nullable Iterator<String> inMemory;
    private final PriorityQueue<Head> heads =
        new PriorityQueue<>((a, b) -> a.line.compareTo(b.line));
    private final List<BufferedReader> readers = new ArrayList<>();

    private Sorted(List<Path> runs, @Nullable Iterator<String> inMemory) {
      this.inMemory = inMemory;
      try {
        for (Path run : runs) {
          BufferedReader r = Files.newBufferedReader(run, StandardCharsets.UTF_8);
          readers.add(r);
          advance(r);
        }
      } catch (IOException e) {
        close();
        throw new UncheckedIOException("cannot read a temporary sort file: " + e.getMessage(), e);
      }
    }

    private void advance(BufferedReader r) throws IOException {
      String line = r.readLine();
      if (line != null) {
        heads.add(new Head(line, r));
      }
    }

    @Override
    public boolean hasNext() {
      return inMemory != null ? inMemory.hasNext() : !heads.isEmpty();
    }

    @Override
    public String next() {
      if (inMemory != null) {
        return inMemory.next();
      }
      Head h = heads.poll();
      if (h == null) {
        throw new NoSuchElementException();
      }
      try {
        advance(h.reader);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read a temporary sort file: " + e.getMessage(), e);
      }
      return h.line;
    }

    @Override
    public void close() {
      for (BufferedReader r : readers) {
        try {
          r.close();
        } catch (IOException ignored) {
          // read-only
        }
      }
      readers.clear();
      heads.clear();
    }
  }

  /** A fixed-width decimal, so that numbers sort as text in numeric order. */
  static String number(long n) {
    String digits = Long.toString(n);
    return "0".repeat(Math.max(0, 19 - digits.length())) + digits;
  }
}
