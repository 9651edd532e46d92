package dev.llmclient.cli;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The records of an input file at some of its line numbers, read one line at a time alongside the
 * sorted numbers, so that neither the records nor their texts are held: what batch-api mode sends
 * and retries online. A wanted line that is blank, not JSON or without a text is passed over (it
 * was written as rejected when the input was first read).
 */
final class WantedRecords implements Iterator<InputRecord>, AutoCloseable {

  /**
   * How many are open on each input file: a reader left open holds a file descriptor until the
   * garbage collector happens to close it, so tests check that every path closes it.
   */
  private static final Map<Path, Integer> OPEN = new ConcurrentHashMap<>();

  private final Path in;
  private final ExternalSort.Sorted wanted;
  private final InputFile reader;
  private final String idField;
  private final String textField;
  private long head;
  private @Nullable InputRecord next;
  private boolean closed;

  /**
   * @param lines the wanted line numbers ({@link ExternalSort#number})
   * @param in the input file
   * @param idField the records' id field
   * @param textField the records' text field
   */
  WantedRecords(ExternalSort lines, Path in, String idField, String textField) {
    this.in = in.toAbsolutePath().normalize();
    this.idField = idField;
    this.textField = textField;
    this.wanted = lines.sorted();
    try {
      this.reader = InputFile.open(in);
    } catch (RuntimeException e) {
      // The input went away since it was first read: the sorted runs' temporary files are open.
      wanted.close();
      throw e;
    }
    OPEN.merge(this.in, 1, Integer::sum);
    try {
      this.head = nextWanted();
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** How many readers of {@code in} are open now. */
  static int openOn(Path in) {
    return OPEN.getOrDefault(in.toAbsolutePath().normalize(), 0);
  }

  private long nextWanted() {
    return wanted.hasNext() ? Long.parseLong(wanted.next()) : Long.MAX_VALUE;
  }

  @Override
  public boolean hasNext() {
    while (next == null && head != Long.MAX_VALUE) {
      InputFile.Line line = reader.next();
      if (line == null) {
        break;
      }
      if (line.number() < head) {
        continue;
      }
      head = nextWanted();
      String content = line.text();
      if (content != null) {
        InputRecord record = InputRecord.parse(line.number(), content, idField, textField);
        next = record.text() != null ? record : null;
      }
    }
    return next != null;
  }

  /** The next wanted record; its {@link InputRecord#text()} is never null. */
  @Override
  public InputRecord next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    InputRecord r = java.util.Objects.requireNonNull(next);
    next = null;
    return r;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      OPEN.computeIfPresent(in, (file, open) -> open == 1 ? null : open - 1);
    }
    reader.close();
    wanted.close();
  }
}
