package dev.llmclient.core.internal.schema;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a JSON schema against the subset OpenAI's strict structured outputs accept (the same
 * subset Azure OpenAI enforces): an object root; every object closed with {@code
 * additionalProperties: false} and every property required; only the supported keywords; at most 10
 * levels of nesting, 5000 properties, 1000 enum values and 120,000 characters of names and enum
 * values. Finding these before sending turns a 400 from the service into a message that names the
 * offending place.
 */
final class StrictSchemaCheck {

  static final int MAX_DEPTH = 10;
  static final int MAX_PROPERTIES = 5000;
  static final int MAX_ENUM_VALUES = 1000;
  static final int MAX_STRING_LENGTH = 120_000;

  private static final Set<String> SUPPORTED =
      Set.of(
          "type",
          "properties",
          "required",
          "additionalProperties",
          "items",
          "enum",
          "const",
          "anyOf",
          "$ref",
          "$defs",
          "definitions",
          "description",
          "title",
          "pattern",
          "format",
          "minimum",
          "maximum",
          "exclusiveMinimum",
          "exclusiveMaximum",
          "multipleOf",
          "minItems",
          "maxItems",
          "$schema",
          "$id",
          "$comment");

  private final List<String> problems = new ArrayList<>();
  private int properties;
  private int enumValues;
  private long stringLength;

  private StrictSchemaCheck() {}

  /** Every rule the schema breaks, each naming the JSON path; empty when it is strict-ready. */
  static List<String> problems(JsonNode schema) {
    StrictSchemaCheck check = new StrictSchemaCheck();
    if (!schema.isObject()) {
      check.problems.add("the schema must be a JSON object");
      return check.problems;
    }
    if (!"object".equals(schema.path("type").asText(null))) {
      check.problems.add(
          "the root must have \"type\": \"object\" (wrap a list or enum in a record with one"
              + " field)");
    }
    check.walk(schema, "$", 0);
    for (String defsKey : new String[] {"$defs", "definitions"}) {
      JsonNode defs = schema.get(defsKey);
      if (defs != null && defs.isObject()) {
        for (Map.Entry<String, JsonNode> e : defs.properties()) {
          check.walk(e.getValue(), "$." + defsKey + "." + e.getKey(), 1);
        }
      }
    }
    if (check.properties > MAX_PROPERTIES) {
      check.problems.add(
          "the schema has " + check.properties + " properties; at most " + MAX_PROPERTIES);
    }
    if (check.enumValues > MAX_ENUM_VALUES) {
      check.problems.add(
          "the schema has " + check.enumValues + " enum values; at most " + MAX_ENUM_VALUES);
    }
    if (check.stringLength > MAX_STRING_LENGTH) {
      check.problems.add(
          "property names and enum values total "
              + check.stringLength
              + " characters; at most "
              + MAX_STRING_LENGTH);
    }
    return check.problems;
  }

  private void walk(JsonNode node, String path, int depth) {
    if (!node.isObject()) {
      if (!node.isBoolean()) {
        problems.add(path + " is not a schema object");
      }
      return;
    }
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String keyword = names.next();
      if (!SUPPORTED.contains(keyword)) {
        problems.add(path + " uses '" + keyword + "', which strict mode does not support");
      }
    }
    JsonNode props = node.get("properties");
    boolean isObject =
        props != null
            || typeIncludes(node.get("type"), "object")
            || node.has("additionalProperties");
    if (isObject) {
      if (depth > MAX_DEPTH) {
        problems.add(path + " is nested " + depth + " objects deep; at most " + MAX_DEPTH);
      }
      JsonNode additional = node.get("additionalProperties");
      if (additional == null || !additional.isBoolean() || additional.booleanValue()) {
        problems.add(path + " must set \"additionalProperties\": false");
      }
      Set<String> required = new HashSet<>();
      JsonNode req = node.get("required");
      if (req != null && req.isArray()) {
        req.forEach(r -> required.add(r.asText()));
      }
      if (props != null && props.isObject()) {
        for (Map.Entry<String, JsonNode> e : props.properties()) {
          properties++;
          stringLength += e.getKey().length();
          if (!required.contains(e.getKey())) {
            problems.add(
                path
                    + " must list '"
                    + e.getKey()
                    + "' in \"required\" (make it nullable instead of optional)");
          }
          walk(e.getValue(), path + ".properties." + e.getKey(), depth + 1);
        }
      }
    }
    JsonNode items = node.get("items");
    if (items != null) {
      walk(items, path + ".items", depth);
    }
    JsonNode anyOf = node.get("anyOf");
    if (anyOf != null && anyOf.isArray()) {
      for (int i = 0; i < anyOf.size(); i++) {
        walk(anyOf.get(i), path + ".anyOf[" + i + "]", depth);
      }
    }
    JsonNode enumNode = node.get("enum");
    if (enumNode != null && enumNode.isArray()) {
      enumValues += enumNode.size();
      enumNode.forEach(v -> stringLength += v.isTextual() ? v.textValue().length() : 0);
    }
    JsonNode constNode = node.get("const");
    if (constNode != null && constNode.isTextual()) {
      stringLength += constNode.textValue().length();
    }
  }

  private static boolean typeIncludes(JsonNode type, String name) {
    if (type == null) {
      return false;
    }
    if (type.isTextual()) {
      return type.textValue().equals(name);
    }
    for (JsonNode t : type) {
      if (t.isTextual() && t.textValue().equals(name)) {
        return true;
      }
    }
    return false;
  }
}
