package dev.llmclient.cli;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Which lines of an existing output a resumed run keeps; holds temporary files until closed.
 * Records are asked about through {@link #done()}, in input order.
 */
final class ResumePlan implements AutoCloseable {

  /** Nothing kept: a fresh output. */
  static final ResumePlan NOTHING = new ResumePlan(null, null, null, new Counts());

  /** Counts while planning. */
  static final class Counts {
    long done;
    long keptOk;
    long keptErrors;
    long droppedErrors;
    long droppedDuplicates;
    boolean keptSimulated;
    boolean keptReal;
    boolean allCurrentInput = true;

    void keep(boolean error, boolean simulated, boolean currentInput) {
      done++;
      if (error) {
        keptErrors++;
      } else {
        keptOk++;
      }
      keptSimulated |= simulated;
      keptReal |= !simulated;
      allCurrentInput &= currentInput;
    }
  }

  /** Whether a record is done; asked in increasing line order. */
  interface Done {
    boolean contains(long line, String key);
  }

  private final @Nullable ExternalSort doneKeys;
  private final @Nullable ExternalSort doneLines;
  private final @Nullable ExternalSort drop;
  private final Counts counts;

  private ResumePlan(
      @Nullable ExternalSort doneKeys,
      @Nullable ExternalSort doneLines,
      @Nullable ExternalSort drop,
      Counts counts) {
    this.doneKeys = doneKeys;
    this.doneLines = doneLines;
    this.drop = drop;
    this.counts = counts;
  }

  /**
   * Decides which lines stay: one line per record, its result when it has one; error lines are
   * dropped (their records are done again) unless {@code keepFailures}. The lines are grouped by
   * key with an {@link ExternalSort}, so memory does not grow with the file.
   *
   * @param existing what an earlier run left, checked by {@link ResultFile#inspect}
   * @param keepFailures whether a record's first error line stays when it has no result
   * @param inputSha256 the current input's fingerprint: when every kept line carries it, a kept
   *     line's input line number identifies its record exactly
   * @return the plan; close it to delete its temporary files
   */
  static ResumePlan of(
      ResultFile.Existing existing, boolean keepFailures, @Nullable String inputSha256) {
    if (existing.lines() == 0) {
      return NOTHING;
    }
    Path file = existing.file();
    ExternalSort byKey = ExternalSort.nextTo(file);
    ExternalSort doneKeys = ExternalSort.nextTo(file);
    ExternalSort doneLines = ExternalSort.nextTo(file);
    ExternalSort drop = ExternalSort.nextTo(file);
    try {
      long[] index = {0};
      ResultFile.forEachEntry(
          file,
          existing.lines(),
          e ->
              byKey.add(
                  Json.write(e.key())
                      + '\t'
                      + (e.error() ? '1' : '0')
                      + '\t'
                      + ExternalSort.number(index[0]++)
                      + '\t'
                      + (e.simulated() ? '1' : '0')
                      + '\t'
                      + (inputSha256 != null && inputSha256.equals(e.inputSha256()) ? '1' : '0')
                      + '\t'
                      + ExternalSort.number(e.line())));
      Counts c = new Counts();
      String group = null;
      boolean kept = false;
      try (ExternalSort.Sorted sorted = byKey.sorted()) {
        while (sorted.hasNext()) {
          String[] f = sorted.next().split("\t", -1);
          boolean first = !f[0].equals(group);
          group = f[0];
          boolean error = f[1].equals("1");
          if (first) {
            // Successes sort before errors, then by position: the first line is the one to keep.
            kept = !error || keepFailures;
            if (kept) {
              doneKeys.add(f[0]);
              doneLines.add(f[5]);
              c.keep(error, f[3].equals("1"), f[4].equals("1"));
              continue;
            }
          }
          drop.add(f[2]);
          if (kept) {
            c.droppedDuplicates++;
          } else {
            c.droppedErrors++;
          }
        }
      } finally {
        byKey.close();
      }
      return new ResumePlan(doneKeys, doneLines, drop, c);
    } catch (RuntimeException e) {
      doneKeys.close();
      doneLines.close();
      drop.close();
      throw e;
    }
  }

  /** How many records are done: their kept lines are skipped. */
  long doneCount() {
    return counts.done;
  }

  /** Kept result lines. */
  long keptOk() {
    return counts.keptOk;
  }

  /** Kept error lines ({@code --keep-failures}). */
  long keptErrors() {
    return counts.keptErrors;
  }

  /** Error lines removed so that their records are done again. */
  long droppedErrors() {
    return counts.droppedErrors;
  }

  /** Lines removed because their record has another line that is kept. */
  long droppedDuplicates() {
    return counts.droppedDuplicates;
  }

  /** Whether a kept line was answered by the embedded simulator. */
  boolean keptSimulated() {
    return counts.keptSimulated;
  }

  /** Whether a kept line was answered by a real service. */
  boolean keptReal() {
    return counts.keptReal;
  }

  /** The keys of the kept lines, in memory (batch-api mode keeps its records anyway; tests). */
  Set<String> doneKeys() {
    Set<String> keys = new HashSet<>();
    if (doneKeys != null) {
      try (ExternalSort.Sorted sorted = doneKeys.sorted()) {
        sorted.forEachRemaining(k -> keys.add(Json.readString(k)));
      }
    }
    return keys;
  }

  /** The positions (among the complete lines) of the lines to remove, in increasing order. */
  Iterator<Long> dropped() {
    if (drop == null) {
      return java.util.Collections.emptyIterator();
    }
    ExternalSort.Sorted sorted = drop.sorted();
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return sorted.hasNext();
      }

      @Override
      public Long next() {
        return Long.parseLong(sorted.next());
      }
    };
  }

  /**
   * Answers whether each record is done, asked in increasing input line order. When every kept line
   * was written for the current input (the fingerprint check makes that the rule), a kept line's
   * input line number names its record exactly, and the answer walks the sorted line numbers with
   * constant memory; otherwise ({@code --allow-changed} with another input) the kept keys are held
   * in memory.
   */
  Done done() {
    if (counts.done == 0 || doneLines == null) {
      return (line, key) -> false;
    }
    if (!counts.allCurrentInput) {
      Set<String> keys = doneKeys();
      return (line, key) -> keys.contains(key);
    }
    ExternalSort.Sorted sorted = doneLines.sorted();
    return new Done() {
      private long head = sorted.hasNext() ? Long.parseLong(sorted.next()) : Long.MAX_VALUE;

      @Override
      public boolean contains(long line, String key) {
        while (head < line) {
          head = sorted.hasNext() ? Long.parseLong(sorted.next()) : Long.MAX_VALUE;
        }
        return head == line;
      }
    };
  }

  /** Deletes the temporary files. */
  @Override
  public void close() {
    for (ExternalSort s : new ExternalSort[] {doneKeys, doneLines, drop}) {
      if (s != null) {
        s.close();
      }
    }
  }
}
