package dev.llmclient.api;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One call of a tool the model asked for: the call's id, the tool's name, the arguments as the
 * model wrote them, and (in answers from the client) the arguments already validated against the
 * tool's schema and bound to its parameter type.
 *
 * <p>Give the calls back with {@link Message#assistant(java.util.List)} and each result with {@link
 * Message#tool(String, String)} to continue the conversation.
 *
 * @param id the call's id, which the tool result must quote
 * @param name the tool's name
 * @param argumentsJson the arguments as the JSON text the model wrote
 * @param boundArguments the arguments bound to the tool's parameter type (a {@code Map<String,
 *     Object>} for a tool with an explicit schema), or null when not bound (a call built by hand or
 *     read from a conversation)
 */
public record ToolCall(
    String id, String name, String argumentsJson, @Nullable Object boundArguments) {

  /**
   * Rejects nulls in the required parts.
   *
   * @param id the call's id
   * @param name the tool's name
   * @param argumentsJson the arguments as JSON text
   * @param boundArguments the bound arguments, or null
   * @throws NullPointerException when a required part is null
   */
  public ToolCall {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(argumentsJson, "argumentsJson");
  }

  /**
   * A call that is not bound to a type: to replay a conversation, or for test doubles.
   *
   * @param id the call's id
   * @param name the tool's name
   * @param argumentsJson the arguments as JSON text
   * @return the call
   */
  public static ToolCall of(String id, String name, String argumentsJson) {
    return new ToolCall(id, name, argumentsJson, null);
  }

  /**
   * The arguments, validated against the tool's schema and bound to its parameter type.
   *
   * @param type the tool's parameter type (or {@code Map.class} for a tool with an explicit schema)
   * @param <A> the type
   * @return the arguments
   * @throws IllegalStateException when the call was not bound by the client (see {@link
   *     #argumentsJson()}) or was bound to another type, naming it
   */
  public <A> A arguments(Class<A> type) {
    Objects.requireNonNull(type, "type");
    if (boundArguments == null) {
      throw new IllegalStateException(
          "the arguments of tool call "
              + id
              + " ("
              + name
              + ") are not bound to a type; parse argumentsJson() instead");
    }
    if (!type.isInstance(boundArguments)) {
      throw new IllegalStateException(
          "the arguments of tool call "
              + id
              + " ("
              + name
              + ") are bound to "
              + boundArguments.getClass().getName()
              + ", not "
              + type.getName()
              + "; ask for the tool's parameter type");
    }
    return type.cast(boundArguments);
  }

  /**
   * Whether two calls are the same call: id, name and arguments text; the bound value is derived.
   */
  @Override
  public boolean equals(Object o) {
    return o instanceof ToolCall c
        && id.equals(c.id)
        && name.equals(c.name)
        && argumentsJson.equals(c.argumentsJson);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, name, argumentsJson);
  }

  /** Shows the id and tool name; the arguments may hold personal data. */
  @Override
  public String toString() {
    return "ToolCall[id="
        + id
        + ", name="
        + name
        + ", arguments=<"
        + argumentsJson.length()
        + " chars>]";
  }
}
