package dev.llmclient.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import org.jspecify.annotations.Nullable;

/**
 * One line of a batch's input: its line number, its id when it has one, and its text, or why it
 * cannot be used.
 *
 * @param line the 1-based line number in the input file
 * @param id the record's id field as text, or null when it has none
 * @param text the text to send, or null when the line is malformed
 * @param problem why the line is malformed, or null
 */
record InputRecord(
    long line, @Nullable String id, @Nullable String text, @Nullable String problem) {

  /**
   * The key that identifies the record's output line: its id, else {@code line:N}. A record whose
   * id already appeared earlier in the input is keyed by its line. An id that itself starts with
   * {@code line:} or with a backslash is escaped with one more leading backslash, so that the
   * record with id {@code "line:3"} and the record without id on line 3 never share a key.
   */
  static String key(@Nullable String id, long line, boolean duplicate) {
    if (id == null || duplicate) {
      return LINE_KEY + line;
    }
    return id.startsWith(LINE_KEY) || id.startsWith(ESCAPE) ? ESCAPE + id : id;
  }

  private static final String LINE_KEY = "line:";
  private static final String ESCAPE = "\\";

  /** A line that could not be decoded as text, e.g. because it is not valid UTF-8. */
  static InputRecord unreadable(long line, String problem) {
    return malformed(line, null, problem);
  }

  /** Parses one non-blank line; never throws for bad content. */
  static InputRecord parse(long line, String content, String idField, String textField) {
    JsonNode node;
    try {
      node = Json.mapper().readTree(content);
    } catch (JsonProcessingException e) {
      return malformed(line, null, "not valid JSON (" + firstLine(e.getOriginalMessage()) + ")");
    }
    if (node == null || !node.isObject()) {
      return malformed(line, null, "not a JSON object");
    }
    String id = null;
    JsonNode idNode = node.get(idField);
    if (idNode != null && (idNode.isTextual() || idNode.isIntegralNumber())) {
      id = idNode.asText();
      if (id.isBlank()) {
        id = null;
      }
    }
    JsonNode textNode = node.get(textField);
    if (textNode == null || !textNode.isTextual()) {
      return malformed(line, id, "has no \"" + textField + "\" string field");
    }
    if (textNode.asText().isBlank()) {
      return malformed(line, id, "has an empty \"" + textField + "\" field");
    }
    return new InputRecord(line, id, textNode.asText(), null);
  }

  private static InputRecord malformed(long line, @Nullable String id, String problem) {
    return new InputRecord(line, id, null, problem);
  }

  private static String firstLine(@Nullable String message) {
    if (message == null) {
      return "unreadable";
    }
    int nl = message.indexOf('\n');
    String first = nl < 0 ? message : message.substring(0, nl);
    return first.length() > 120 ? first.substring(0, 120) + "..." : first;
  }
}
