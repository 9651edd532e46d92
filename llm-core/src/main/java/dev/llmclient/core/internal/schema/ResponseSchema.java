package dev.llmclient.core.internal.schema;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmclient.api.spi.ResponseFormat;
import dev.llmclient.core.internal.runtime.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Everything a structured call needs about its answer's shape, computed once: the strict JSON
 * schema text for the wire, a compiled validator, and the Jackson reader for the type.
 *
 * <p>Schemas of Java types are cached per class in a {@link ClassValue}, so a structured call costs
 * one lookup; explicit schemas are cached by their text (up to {@value #MAX_EXPLICIT}).
 */
public final class ResponseSchema {

  private static final int MAX_EXPLICIT = 256;
  private static final int MAX_ERRORS_SHOWN = 5;

  private static final ClassValue<ResponseSchema> BY_TYPE =
      new ClassValue<>() {
        @Override
        protected ResponseSchema computeValue(Class<?> type) {
          return generate(type);
        }
      };

  private static final Map<String, ResponseSchema> EXPLICIT = new ConcurrentHashMap<>();

  public final String name;
  public final String json;
  public final ResponseFormat format;
  public final @Nullable ObjectReader reader;
  private final SchemaValidator validator;
  private final @Nullable Class<?> type;

  /** This schema with a client's own mapper binding the answers, one per mapper. */
  private final Map<ObjectMapper, ResponseSchema> byMapper = new ConcurrentHashMap<>();

  private ResponseSchema(
      String name, JsonNode node, @Nullable ObjectReader reader, @Nullable Class<?> type) {
    this.name = name;
    this.json = node.toString();
    this.format = ResponseFormat.jsonSchema(name, json, true);
    this.reader = reader;
    this.validator = SchemaValidator.compile(node);
    this.type = type;
  }

  private ResponseSchema(ResponseSchema base, ObjectReader reader) {
    this.name = base.name;
    this.json = base.json;
    this.format = base.format;
    this.reader = reader;
    this.validator = base.validator;
    this.type = base.type;
  }

  /**
   * This schema, with answers bound by the given mapper (the application's modules and
   * deserializers) instead of the built-in one; the schema and its validation stay the same.
   *
   * @param mapper the client's mapper, or null for the built-in one
   * @return this schema when there is nothing to bind or no mapper, else a copy made once per
   *     mapper
   */
  public ResponseSchema bindingWith(@Nullable ObjectMapper mapper) {
    Class<?> t = type;
    if (mapper == null || t == null) {
      return this;
    }
    return byMapper.computeIfAbsent(mapper, m -> new ResponseSchema(this, m.readerFor(t)));
  }

  /**
   * The schema of a Java type, generated on first use.
   *
   * @throws IllegalArgumentException when the type cannot be expressed in strict mode, saying what
   *     to change
   */
  public static ResponseSchema forType(Class<?> type) {
    return BY_TYPE.get(type);
  }

  /**
   * An explicit schema, validated against the strict subset.
   *
   * @throws IllegalArgumentException when the text is not JSON or not strict-ready
   */
  public static ResponseSchema explicit(String name, String schemaJson) {
    ResponseSchema cached = EXPLICIT.get(schemaJson);
    if (cached != null && cached.name.equals(name)) {
      return cached;
    }
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(schemaJson);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "jsonSchema '" + name + "' is not valid JSON: " + e.getOriginalMessage(), e);
    }
    requireStrict(node, "jsonSchema '" + name + "'");
    ResponseSchema schema;
    try {
      schema = new ResponseSchema(name, node, null, null);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("jsonSchema '" + name + "': " + e.getMessage(), e);
    }
    if (EXPLICIT.size() < MAX_EXPLICIT) {
      EXPLICIT.put(schemaJson, schema);
    }
    return schema;
  }

  /** Error messages of validating an answer, at most five; empty when valid. */
  public List<String> validate(JsonNode instance) {
    List<String> errors;
    try {
      errors = validator.validate(instance);
    } catch (RuntimeException e) { // never expected; an answer that breaks the validator is invalid
      return List.of("the reply could not be validated: " + e);
    }
    if (errors.size() <= MAX_ERRORS_SHOWN) {
      return errors;
    }
    List<String> messages = new ArrayList<>(errors.subList(0, MAX_ERRORS_SHOWN));
    messages.add("and " + (errors.size() - MAX_ERRORS_SHOWN) + " more");
    return messages;
  }

  /** The schema name: the simple class name reduced to 1 to 64 of [A-Za-z0-9_-]. */
  static String nameOf(Class<?> type) {
    String simple = type.getSimpleName();
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < simple.length() && sb.length() < 64; i++) {
      char c = simple.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '_'
              || c == '-';
      sb.append(ok ? c : '_');
    }
    return sb.length() == 0 ? "response" : sb.toString();
  }

  private static ResponseSchema generate(Class<?> type) {
    if (Map.class.isAssignableFrom(type)) {
      throw mapRejected(type.getName() + " is a Map");
    }
    TypeSchemas.Generated generated = TypeSchemas.generateWithDetails(type);
    ObjectNode node = generated.schema();
    requireStrict(node, "the response type " + type.getName());
    ObjectMapper mapper = generated.needsModules() ? Json.withModules() : Json.MAPPER;
    return new ResponseSchema(nameOf(type), node, mapper.readerFor(type), type);
  }

  private static void requireStrict(JsonNode node, String what) {
    List<String> problems = StrictSchemaCheck.problems(node);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          what
              + " cannot be used with strict structured outputs: "
              + String.join("; ", problems)
              + ". Change the type or schema so that every object is closed and fully required,"
              + " and use only the supported keywords.");
    }
  }

  static IllegalArgumentException mapRejected(String what) {
    return new IllegalArgumentException(
        what
            + ": strict structured outputs need every property named in advance, so maps are not"
            + " supported. Use a list of key/value records instead, e.g. record Entry(String key,"
            + " String value) and a List<Entry> field.");
  }
}
