package dev.llmclient.api.spi;

import java.util.Objects;

/** The shape the answer must take: free text, any JSON object, or JSON matching a schema. */
public sealed interface ResponseFormat
    permits ResponseFormat.Text, ResponseFormat.JsonObject, ResponseFormat.JsonSchema {

  /**
   * Free text; no {@code response_format} is sent.
   *
   * @return the text format
   */
  static ResponseFormat text() {
    return Text.INSTANCE;
  }

  /**
   * {@code {"type":"json_object"}}: any JSON object.
   *
   * @return the JSON-object format
   */
  static ResponseFormat jsonObject() {
    return JsonObject.INSTANCE;
  }

  /**
   * {@code {"type":"json_schema","json_schema":{name, schema, strict}}}.
   *
   * @param name the schema name (1 to 64 of {@code [A-Za-z0-9_-]})
   * @param schemaJson the schema as JSON text, written to the wire as is
   * @param strict whether the service must follow the schema exactly
   * @return the schema format
   */
  static ResponseFormat jsonSchema(String name, String schemaJson, boolean strict) {
    return new JsonSchema(name, schemaJson, strict);
  }

  /** Free text. */
  enum Text implements ResponseFormat {
    /** The only value. */
    INSTANCE
  }

  /** Any JSON object. */
  enum JsonObject implements ResponseFormat {
    /** The only value. */
    INSTANCE
  }

  /**
   * JSON matching a schema.
   *
   * @param name the schema name
   * @param schemaJson the schema as JSON text; generated once per type and reused, so providers
   *     write it raw instead of re-serialising it per call
   * @param strict whether the service must follow the schema exactly
   */
  record JsonSchema(String name, String schemaJson, boolean strict) implements ResponseFormat {

    /**
     * Validates the parts.
     *
     * @param name the schema name
     * @param schemaJson the schema as JSON text; generated once per type and reused, so providers
     *     write it raw instead of re-serialising it per call
     * @param strict whether the service must follow the schema exactly
     * @throws NullPointerException if a part is null
     */
    public JsonSchema {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(schemaJson, "schemaJson");
    }

    /** Shows the name and strictness; the schema text can be long. */
    @Override
    public String toString() {
      return "JsonSchema[name="
          + name
          + ", strict="
          + strict
          + ", schema=<"
          + schemaJson.length()
          + " chars>]";
    }
  }
}
