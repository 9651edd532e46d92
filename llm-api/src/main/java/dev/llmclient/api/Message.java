package dev.llmclient.api;

import java.util.Objects;

/**
 * One message of a conversation sent to the model.
 *
 * <pre>{@code
 * List<Message> messages = List.of(
 *     Message.system("Extract the people named in the text."),
 *     Message.user("Ada Lovelace worked with Charles Babbage."));
 * }</pre>
 *
 * @param role who wrote the message
 * @param content the text; may be empty, never null
 */
public record Message(Role role, String content) {

  /**
   * Creates a message, rejecting nulls.
   *
   * @param role who wrote the message
   * @param content the text; may be empty, never null
   * @throws NullPointerException if {@code role} or {@code content} is null
   */
  public Message {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(content, "content");
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
   * An assistant message: an earlier model answer given back as context.
   *
   * @param content the earlier answer
   * @return the message
   */
  public static Message assistant(String content) {
    return new Message(Role.ASSISTANT, content);
  }

  /**
   * Returns this message with other content and the same role.
   *
   * @param newContent the content of the copy
   * @return a new message
   */
  public Message withContent(String newContent) {
    return new Message(role, newContent);
  }

  /** Shows the role and the length of the content, never the content itself (it may be PII). */
  @Override
  public String toString() {
    return "Message[role=" + role.wireName() + ", content=<" + content.length() + " chars>]";
  }
}
