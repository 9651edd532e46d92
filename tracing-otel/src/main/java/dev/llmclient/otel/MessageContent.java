package dev.llmclient.otel;

import dev.llmclient.api.Message;
import dev.llmclient.api.Role;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Writes captured prompts and completions as the JSON strings that gen-ai-input-messages.json and
 * gen-ai-output-messages.json define (OpenTelemetry Java has no structured span attributes yet, so
 * the conventions ask for the JSON text). Each message becomes {@code {"role": ..., "parts":
 * [{"type": "text", "content": ...}]}}, output messages also carry {@code finish_reason}; the text
 * is cut to the limit without breaking the JSON or a surrogate pair.
 */
final class MessageContent {

  /** Appended to text that was cut. */
  static final String TRUNCATION_MARK = "…[truncated]";

  private MessageContent() {}

  /**
   * The {@code gen_ai.input.messages} JSON for a message, a collection of messages, or a string
   * (one user message); null when the value holds none of these.
   */
  static @Nullable String inputMessages(Object value, int maxLength) {
    List<Message> messages = messages(value, Role.USER);
    if (messages.isEmpty()) {
      return null;
    }
    StringBuilder json = new StringBuilder("[");
    for (Message message : messages) {
      if (json.length() > 1) {
        json.append(',');
      }
      json.append("{\"role\":");
      quote(json, message.role().wireName());
      json.append(",\"parts\":[{\"type\":\"text\",\"content\":");
      quote(json, truncate(message.content(), maxLength));
      json.append("}]}");
    }
    return json.append(']').toString();
  }

  /**
   * The {@code gen_ai.output.messages} JSON for a string (the assistant's text), a message, or a
   * collection of either, one per choice; null when the value holds none of these.
   *
   * @param finishReasons the finish reason of each choice, by index; missing ones become {@code
   *     fallbackReason}
   */
  static @Nullable String outputMessages(
      Object value, List<String> finishReasons, String fallbackReason, int maxLength) {
    List<Message> messages = messages(value, Role.ASSISTANT);
    if (messages.isEmpty()) {
      return null;
    }
    StringBuilder json = new StringBuilder("[");
    for (int i = 0; i < messages.size(); i++) {
      Message message = messages.get(i);
      if (i > 0) {
        json.append(',');
      }
      json.append("{\"role\":");
      quote(json, message.role().wireName());
      json.append(",\"parts\":[{\"type\":\"text\",\"content\":");
      quote(json, truncate(message.content(), maxLength));
      json.append("}],\"finish_reason\":");
      quote(json, i < finishReasons.size() ? finishReasons.get(i) : fallbackReason);
      json.append('}');
    }
    return json.append(']').toString();
  }

  private static List<Message> messages(Object value, Role roleOfPlainText) {
    List<Message> messages = new ArrayList<>();
    if (value instanceof Collection<?> collection) {
      for (Object element : collection) {
        addMessage(messages, element, roleOfPlainText);
      }
    } else {
      addMessage(messages, value, roleOfPlainText);
    }
    return messages;
  }

  private static void addMessage(List<Message> messages, @Nullable Object value, Role role) {
    if (value instanceof Message message) {
      messages.add(message);
    } else if (value instanceof CharSequence text) {
      messages.add(new Message(role, text.toString()));
    }
  }

  /** Cuts text to at most {@code maxLength} characters of the original, then marks the cut. */
  static String truncate(String text, int maxLength) {
    if (text.length() <= maxLength) {
      return text;
    }
    int end = maxLength;
    if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
      end--;
    }
    return text.substring(0, end) + TRUNCATION_MARK;
  }

  /** Appends {@code text} as a JSON string literal (RFC 8259 escapes). */
  static void quote(StringBuilder json, String text) {
    json.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> json.append("\\\"");
        case '\\' -> json.append("\\\\");
        case '\n' -> json.append("\\n");
        case '\r' -> json.append("\\r");
        case '\t' -> json.append("\\t");
        case '\b' -> json.append("\\b");
        case '\f' -> json.append("\\f");
        default -> {
          if (c < 0x20 || c == '\u2028' || c == '\u2029') {
            json.append(String.format("\\u%04x", (int) c));
          } else {
            json.append(c);
          }
        }
      }
    }
    json.append('"');
  }
}
