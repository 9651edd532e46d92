package dev.llmclient.api;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One message of a conversation sent to the model.
 *
 * <pre>{@code
 * List<Message> messages = List.of(
 *     Message.system("Extract the people named in the text."),
 *     Message.user("Ada Lovelace worked with Charles Babbage."));
 * }</pre>
 *
 * <p>A user message may instead be made of {@linkplain ContentPart parts} (text and images); an
 * assistant message may carry the {@linkplain ToolCall tool calls} the model made; a tool message
 * answers one of those calls by its id. Immutable.
 */
public final class Message {

  private final Role role;
  private final String content;
  private final List<ContentPart> parts;
  private final List<ToolCall> toolCalls;
  private final @Nullable String toolCallId;

  /**
   * A text message.
   *
   * @param role who wrote the message
   * @param content the text; may be empty, never null
   * @throws NullPointerException if {@code role} or {@code content} is null
   * @throws IllegalArgumentException for {@link Role#TOOL}, which needs a call id: use {@link
   *     #tool(String, String)}
   */
  public Message(Role role, String content) {
    this(role, content, List.of(), List.of(), null);
    if (role == Role.TOOL) {
      throw new IllegalArgumentException(
          "a tool message answers one tool call: use Message.tool(toolCallId, content)");
    }
  }

  private Message(
      Role role,
      String content,
      List<ContentPart> parts,
      List<ToolCall> toolCalls,
      @Nullable String toolCallId) {
    this.role = Objects.requireNonNull(role, "role");
    this.content = Objects.requireNonNull(content, "content");
    this.parts = List.copyOf(parts);
    this.toolCalls = List.copyOf(toolCalls);
    this.toolCallId = toolCallId;
  }

  /**
   * A system message: instructions that frame the conversation.
   *
   * @param content the instructions
   * @return the message
   */
  public static Message system(String content) {
    return new Message(Role.SYSTEM, content);
  }

  /**
   * A user message: the input to answer.
   *
   * @param content the input
   * @return the message
   */
  public static Message user(String content) {
    return new Message(Role.USER, content);
  }

  /**
   * A user message made of parts: text and images, in order.
   *
   * @param parts at least one part
   * @return the message
   * @throws IllegalArgumentException when there is no part
   */
  public static Message user(ContentPart... parts) {
    return user(List.of(parts));
  }

  /**
   * A user message made of parts: text and images, in order.
   *
   * @param parts at least one part
   * @return the message
   * @throws IllegalArgumentException when there is no part
   */
  public static Message user(List<ContentPart> parts) {
    if (parts.isEmpty()) {
      throw new IllegalArgumentException("a user message needs at least one content part");
    }
    return new Message(Role.USER, textOf(parts), parts, List.of(), null);
  }

  /**
   * An assistant message: an earlier model answer given back as context.
   *
   * @param content the earlier answer
   * @return the message
   */
  public static Message assistant(String content) {
    return new Message(Role.ASSISTANT, content);
  }

  /**
   * An assistant message with the tool calls the model made, given back before their results.
   *
   * @param toolCalls the calls, usually {@link LlmResponse#toolCalls()}; at least one
   * @return the message
   * @throws IllegalArgumentException when there is no call
   */
  public static Message assistant(List<ToolCall> toolCalls) {
    return assistant("", toolCalls);
  }

  /**
   * An assistant message with text and the tool calls the model made.
   *
   * @param content the text the model wrote besides the calls; may be empty
   * @param toolCalls the calls; at least one
   * @return the message
   * @throws IllegalArgumentException when there is no call
   */
  public static Message assistant(String content, List<ToolCall> toolCalls) {
    if (toolCalls.isEmpty()) {
      throw new IllegalArgumentException(
          "an assistant message with tool calls needs at least one; use assistant(content)");
    }
    return new Message(Role.ASSISTANT, content, List.of(), toolCalls, null);
  }

  /**
   * The result of one tool call, given back to the model.
   *
   * @param toolCallId the {@link ToolCall#id()} this answers
   * @param content the result, usually JSON or short text
   * @return the message
   */
  public static Message tool(String toolCallId, String content) {
    Objects.requireNonNull(toolCallId, "toolCallId");
    if (toolCallId.isBlank()) {
      throw new IllegalArgumentException("toolCallId is blank; pass the ToolCall's id()");
    }
    return new Message(Role.TOOL, content, List.of(), List.of(), toolCallId);
  }

  /**
   * Who wrote the message.
   *
   * @return the role
   */
  public Role role() {
    return role;
  }

  /**
   * The text of the message; for a message made of parts, its text parts joined by newlines.
   *
   * @return the text; may be empty, never null
   */
  public String content() {
    return content;
  }

  /**
   * The parts of a user message made of parts.
   *
   * @return the parts, in order; empty for a text message
   */
  public List<ContentPart> parts() {
    return parts;
  }

  /**
   * Whether the message is made of parts (see {@link #parts()}) rather than plain text.
   *
   * @return true for a message made of parts
   */
  public boolean hasParts() {
    return !parts.isEmpty();
  }

  /**
   * The tool calls of an assistant message.
   *
   * @return the calls; empty for other messages
   */
  public List<ToolCall> toolCalls() {
    return toolCalls;
  }

  /**
   * The id of the tool call a tool message answers.
   *
   * @return the id, or null for other messages
   */
  public @Nullable String toolCallId() {
    return toolCallId;
  }

  /**
   * Returns this message with other text and everything else kept.
   *
   * @param newContent the text of the copy
   * @return a new message
   * @throws IllegalStateException for a message made of parts: use {@link #withParts(List)}
   */
  public Message withContent(String newContent) {
    if (!parts.isEmpty()) {
      throw new IllegalStateException(
          "this message is made of content parts; replace them with withParts(...)");
    }
    return new Message(role, newContent, parts, toolCalls, toolCallId);
  }

  /**
   * Returns this user message with other parts.
   *
   * @param newParts the parts of the copy; at least one
   * @return a new message
   * @throws IllegalArgumentException when there is no part
   * @throws IllegalStateException when this is not a user message
   */
  public Message withParts(List<ContentPart> newParts) {
    if (role != Role.USER) {
      throw new IllegalStateException("only user messages have content parts, not " + role);
    }
    return user(newParts);
  }

  private static String textOf(List<ContentPart> parts) {
    StringBuilder text = new StringBuilder();
    for (ContentPart p : parts) {
      if (p instanceof ContentPart.Text t) {
        if (text.length() > 0) {
          text.append('\n');
        }
        text.append(t.text());
      }
    }
    return text.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Message m
        && role == m.role
        && content.equals(m.content)
        && parts.equals(m.parts)
        && toolCalls.equals(m.toolCalls)
        && Objects.equals(toolCallId, m.toolCallId);
  }

  @Override
  public int hashCode() {
    return Objects.hash(role, content, parts, toolCalls, toolCallId);
  }

  /** Shows the role and the sizes, never the content itself (it may be personal data). */
  @Override
  public String toString() {
    StringBuilder s =
        new StringBuilder("Message[role=")
            .append(role.wireName())
            .append(", content=<")
            .append(content.length())
            .append(" chars>");
    if (!parts.isEmpty()) {
      s.append(", parts=").append(parts);
    }
    if (!toolCalls.isEmpty()) {
      s.append(", toolCalls=").append(toolCalls);
    }
    if (toolCallId != null) {
      s.append(", toolCallId=").append(toolCallId);
    }
    return s.append(']').toString();
  }
}
