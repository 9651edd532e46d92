package dev.llmclient.api;

import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A function the model may call: a name, a description that tells the model when to use it, and the
 * shape of its arguments, given as a Java type (its strict JSON schema is generated like a response
 * type's) or as an explicit JSON schema.
 *
 * <pre>{@code
 * record Weather(String city, @JsonPropertyDescription("ISO date") String date) {}
 *
 * Tool weather = Tool.of("get_weather", "The forecast for a city on a date.", Weather.class);
 * LlmResponse<String> r = llm.generate(LlmRequest.builder()
 *     .messages(List.of(Message.user("Do I need an umbrella in Oslo tomorrow?")))
 *     .responseType(String.class)
 *     .tools(List.of(weather))
 *     .build());
 * for (ToolCall call : r.toolCalls()) {
 *   Weather args = call.arguments(Weather.class);
 * }
 * }</pre>
 */
public final class Tool {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private final String name;
  private final String description;
  private final @Nullable Class<?> parameterType;
  private final @Nullable String parametersSchemaJson;

  private Tool(
      String name,
      String description,
      @Nullable Class<?> parameterType,
      @Nullable String parametersSchemaJson) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(description, "description");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "a tool name must be 1 to 64 letters, digits, '_' or '-', got '" + name + "'");
    }
    this.name = name;
    this.description = description;
    this.parameterType = parameterType;
    this.parametersSchemaJson = parametersSchemaJson;
  }

  /**
   * A tool whose arguments are bound to a Java type; the model is sent the type's strict schema.
   *
   * @param name 1 to 64 letters, digits, {@code _} or {@code -}
   * @param description when and why the model should call it
   * @param parameters the arguments' type: a record or bean, like a response type
   * @return the tool
   * @throws IllegalArgumentException when the name is not allowed
   */
  public static Tool of(String name, String description, Class<?> parameters) {
    return new Tool(name, description, Objects.requireNonNull(parameters, "parameters"), null);
  }

  /**
   * A tool whose arguments are described by an explicit JSON schema; its calls' arguments are
   * validated against it and bound to a {@code Map<String, Object>}.
   *
   * @param name 1 to 64 letters, digits, {@code _} or {@code -}
   * @param description when and why the model should call it
   * @param parametersSchemaJson a JSON schema of an object, as JSON text
   * @return the tool
   * @throws IllegalArgumentException when the name is not allowed or the schema is not an object
   */
  public static Tool ofSchema(String name, String description, String parametersSchemaJson) {
    Objects.requireNonNull(parametersSchemaJson, "parametersSchemaJson");
    if (!parametersSchemaJson.stripLeading().startsWith("{")) {
      throw new IllegalArgumentException(
          "the parameters schema of tool '" + name + "' must be a JSON object, starting with '{'");
    }
    return new Tool(name, description, null, parametersSchemaJson);
  }

  /**
   * The name the model calls the tool by.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * When and why the model should call the tool.
   *
   * @return the description
   */
  public String description() {
    return description;
  }

  /**
   * The Java type the arguments are bound to, or null when the tool has an explicit schema.
   *
   * @return the type, or null
   */
  public @Nullable Class<?> parameterType() {
    return parameterType;
  }

  /**
   * The explicit JSON schema of the arguments, or null when the tool has a parameter type.
   *
   * @return the schema text, or null
   */
  public @Nullable String parametersSchemaJson() {
    return parametersSchemaJson;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Tool t
        && name.equals(t.name)
        && description.equals(t.description)
        && Objects.equals(parameterType, t.parameterType)
        && Objects.equals(parametersSchemaJson, t.parametersSchemaJson);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, description, parameterType, parametersSchemaJson);
  }

  @Override
  public String toString() {
    return "Tool["
        + name
        + ", parameters="
        + (parameterType != null ? parameterType.getName() : "<explicit schema>")
        + "]";
  }
}
