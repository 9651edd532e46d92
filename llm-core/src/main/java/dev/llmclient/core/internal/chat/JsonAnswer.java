package dev.llmclient.core.internal.chat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.llmclient.core.internal.runtime.Json;
import dev.llmclient.core.internal.schema.ResponseSchema;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Reads a JSON answer the one way online calls and file batches both use: parsed, a JSON object,
 * valid against the schema, mapped to the answer type (a map without a typed schema). What to do
 * with a problem differs: an online call re-asks, a batch fails the record.
 */
public final class JsonAnswer {

  /** What is wrong with an answer. */
  public enum Problem {
    /** The text is not JSON. */
    INVALID_JSON,
    /** The JSON is not an object. */
    NOT_AN_OBJECT,
    /** The object does not match the schema. */
    SCHEMA,
    /** The object could not be mapped to the answer type. */
    MAPPING
  }

  /**
   * The outcome: the answer's tree and value, or the problem with its detail.
   *
   * @param node the parsed answer; null when it is not JSON
   * @param value the mapped value; null when there is a problem (or the mapper gave null)
   * @param problem what is wrong, or null
   * @param detail the problem's description for the re-ask or the error, or null
   * @param cause the exception behind the problem, or null
   */
  public record Read(
      @Nullable JsonNode node,
      @Nullable Object value,
      @Nullable Problem problem,
      @Nullable String detail,
      @Nullable Exception cause) {}

  private JsonAnswer() {}

  /**
   * Reads an answer's text.
   *
   * @param text the reply, fence stripped, not empty
   * @param schema the schema to validate against and map with, or null for a map
   * @return the outcome
   */
  public static Read read(String text, @Nullable ResponseSchema schema) {
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      return problem(
          null, Problem.INVALID_JSON, "the reply is not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (node == null || !node.isObject()) {
      return problem(
          node,
          Problem.NOT_AN_OBJECT,
          "the reply must be a JSON object, but it is "
              + (node == null ? "empty" : node.getNodeType().name().toLowerCase(Locale.ROOT)),
          null);
    }
    if (schema != null) {
      List<String> errors = schema.validate(node);
      if (!errors.isEmpty()) {
        return problem(
            node,
            Problem.SCHEMA,
            "the reply does not match the JSON schema: " + String.join("; ", errors),
            null);
      }
    }
    try {
      return new Read(node, map(node, schema), null, null, null);
    } catch (IOException | IllegalArgumentException e) {
      String detail =
          e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
      return problem(node, Problem.MAPPING, "the reply could not be mapped: " + detail, e);
    }
  }

  /**
   * Maps a checked answer to the answer type: with the schema's reader, or to a map.
   *
   * @param node the answer, a JSON object
   * @param schema the schema, or null for a map
   * @return the value; may be null when a custom deserializer returns null
   * @throws IOException when the reader cannot map it
   */
  static @Nullable Object map(JsonNode node, @Nullable ResponseSchema schema) throws IOException {
    return schema != null && schema.reader != null
        ? schema.reader.readValue(node)
        : Json.toMap(node);
  }

  private static Read problem(
      @Nullable JsonNode node, Problem problem, String detail, @Nullable Exception cause) {
    return new Read(node, null, problem, detail, cause);
  }
}
