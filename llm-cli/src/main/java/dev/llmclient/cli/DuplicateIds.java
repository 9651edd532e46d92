package dev.llmclient.cli;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * Which input lines repeat an id that an earlier line already has, and that earlier line: found
 * before the run by sorting every {@code id, line} pair with an {@link ExternalSort} (memory does
 * not grow with the record count), then asked in increasing line order while the input is read.
 */
final class DuplicateIds implements AutoCloseable {

  private final ExternalSort duplicates;
  private final ExternalSort.Sorted sorted;
  private long head = -1;
  private long headFirst;

  private DuplicateIds(ExternalSort duplicates) {
    this.duplicates = duplicates;
    this.sorted = duplicates.sorted();
    advance();
  }

  /**
   * Reads the input once, parsing each line as the run does, and sorts the ids.
   *
   * @param in the input
   * @param out the output, next to which the temporary files go
   * @param idField the id field
   * @param textField the text field
   */
  static DuplicateIds scan(Path in, Path out, String idField, String textField) {
    Path tmp = Cli.isStandardStream(out) ? in : out;
    ExternalSort byId = ExternalSort.nextTo(tmp);
    ExternalSort duplicates = ExternalSort.nextTo(tmp);
    try {
      try (InputFile input = InputFile.open(in)) {
        InputFile.Line line;
        while ((line = input.next()) != null) {
          String content = line.text();
          if (content == null || content.isBlank()) {
            continue; // an unreadable line has no id; a blank one is no record
          }
          String id = InputRecord.parse(line.number(), content, idField, textField).id();
          if (id != null) {
            byId.add(Json.write(id) + '\t' + ExternalSort.number(line.number()));
          }
        }
      }
      try (ExternalSort.Sorted sorted = byId.sorted()) {
        String group = null;
        String first = null;
        while (sorted.hasNext()) {
          String entry = sorted.next();
          int tab = entry.lastIndexOf('\t');
          String id = entry.substring(0, tab);
          String lineNumber = entry.substring(tab + 1);
          if (id.equals(group)) {
            duplicates.add(lineNumber + '\t' + first);
          } else {
            group = id;
            first = lineNumber;
          }
        }
      }
      return new DuplicateIds(duplicates);
    } catch (RuntimeException e) {
      duplicates.close();
      throw e;
    } finally {
      byId.close();
    }
  }

  private void advance() {
    if (sorted.hasNext()) {
      String entry = sorted.next();
      int tab = entry.indexOf('\t');
      head = Long.parseLong(entry.substring(0, tab));
      headFirst = Long.parseLong(entry.substring(tab + 1));
    } else {
      head = Long.MAX_VALUE;
    }
  }

  /**
   * The first line with the same id, when this line's id appeared earlier; asked in increasing line
   * order.
   *
   * @param line the line number
   * @return the earlier line, or null when the line is the id's first
   */
  @Nullable Long firstLineOf(long line) {
    while (head < line) {
      advance();
    }
    return head == line ? headFirst : null;
  }

  @Override
  public void close() {
    sorted.close();
    duplicates.close();
  }
}
