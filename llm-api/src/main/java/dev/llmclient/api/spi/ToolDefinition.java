package dev.llmclient.api.spi;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A tool as it goes on the wire: {@code {"type":"function","function":{name, description,
 * parameters, strict}}}. The core makes one from each {@link dev.llmclient.api.Tool}, with the
 * parameter type's strict schema already generated.
 *
 * @param name the tool's name
 * @param description when the model should call it, or null to omit it
 * @param parametersSchemaJson the arguments' JSON schema as JSON text, written to the wire as is
 * @param strict whether the service must follow the schema exactly
 */
public record ToolDefinition(
    String name, @Nullable String description, String parametersSchemaJson, boolean strict) {

  /**
   * Rejects nulls in the required parts.
   *
   * @param name the tool's name
   * @param description when the model should call it, or null
   * @param parametersSchemaJson the arguments' schema as JSON text
   * @param strict whether the service must follow the schema exactly
   */
  public ToolDefinition {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(parametersSchemaJson, "parametersSchemaJson");
  }

  /** Shows the name and strictness; the schema can be long. */
  @Override
  public String toString() {
    return "ToolDefinition["
        + name
        + ", strict="
        + strict
        + ", schema=<"
        + parametersSchemaJson.length()
        + " chars>]";
  }
}
