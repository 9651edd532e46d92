package dev.llmclient.testkit.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

/**
 * Generates a JSON value that is valid against a JSON schema, deterministically from a seed.
 *
 * <p>Understands what structured-output schemas use: {@code type} (also as a union with {@code
 * "null"}), {@code properties}/{@code required}, {@code items}, {@code minItems}/{@code maxItems},
 * {@code uniqueItems}, {@code enum}, {@code const}, {@code anyOf}/{@code oneOf}, {@code allOf} of
 * objects, {@code $ref} into {@code $defs}/{@code definitions}, {@code minimum}/{@code maximum}
 * (also exclusive), {@code minLength}/{@code maxLength} and the formats {@code date-time}, {@code
 * date}, {@code email}, {@code uuid} and {@code uri}. It ignores {@code pattern}. Recursive schemas
 * end at a depth limit by choosing null, an empty array or the fewest properties allowed.
 */
final class SchemaValueGenerator {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final int MAX_DEPTH = 10;
  private static final String[] WORDS = {
    "alpha", "amber", "atlas", "beacon", "birch", "cobalt", "comet", "delta", "ember", "falcon",
    "fern", "galaxy", "harbor", "iris", "jade", "juniper", "kestrel", "lagoon", "lumen", "maple",
    "meadow", "nova", "onyx", "orbit", "pebble", "quartz", "raven", "river", "saffron", "sierra",
    "summit", "tundra", "umber", "vertex", "willow", "zephyr"
  };

  private final JsonNode root;
  private final Random random;

  private SchemaValueGenerator(JsonNode root, long seed) {
    this.root = root;
    this.random = new Random(seed);
  }

  static JsonNode generate(JsonNode schema, long seed) {
    return new SchemaValueGenerator(schema, seed).value(schema, 0, "value");
  }

  static String words(Random random, int count) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < count; i++) {
      if (i > 0) {
        sb.append(' ');
      }
      sb.append(WORDS[random.nextInt(WORDS.length)]);
    }
    return sb.toString();
  }

  private JsonNode resolve(JsonNode schema) {
    JsonNode current = schema;
    for (int hops = 0; hops < 32 && current.has("$ref"); hops++) {
      String ref = current.get("$ref").asText();
      if (!ref.startsWith("#")) {
        throw new IllegalArgumentException("only local $ref values are supported, got " + ref);
      }
      JsonNode target = root.at(ref.substring(1));
      if (target.isMissingNode()) {
        throw new IllegalArgumentException("$ref " + ref + " points nowhere in the schema");
      }
      current = target;
    }
    return current;
  }

  private JsonNode value(JsonNode rawSchema, int depth, String hint) {
    if (rawSchema.isBoolean()) {
      return NODES.textNode(words(random, 2));
    }
    JsonNode schema = resolve(rawSchema);
    if (schema.has("const")) {
      return schema.get("const").deepCopy();
    }
    if (schema.has("enum") && schema.get("enum").size() > 0) {
      JsonNode options = schema.get("enum");
      return options.get(random.nextInt(options.size())).deepCopy();
    }
    for (String union : new String[] {"anyOf", "oneOf"}) {
      if (schema.has(union) && schema.get(union).size() > 0) {
        return value(chooseOption(schema.get(union), depth), depth + 1, hint);
      }
    }
    if (schema.has("allOf") && schema.get("allOf").size() > 0) {
      return allOf(schema.get("allOf"), depth, hint);
    }
    String type = chooseType(schema, depth);
    return switch (type) {
      case "null" -> NODES.nullNode();
      case "object" -> object(schema, depth);
      case "array" -> array(schema, depth, hint);
      case "integer" -> integer(schema);
      case "number" -> number(schema);
      case "boolean" -> NODES.booleanNode(random.nextBoolean());
      default -> string(schema, hint);
    };
  }

  private JsonNode chooseOption(JsonNode options, int depth) {
    List<JsonNode> nonNull = new ArrayList<>();
    JsonNode nullOption = null;
    for (JsonNode option : options) {
      JsonNode resolved = resolve(option);
      if ("null".equals(resolved.path("type").asText(null))) {
        nullOption = option;
      } else {
        nonNull.add(option);
      }
    }
    if (nullOption != null && (nonNull.isEmpty() || depth >= MAX_DEPTH || random.nextInt(5) == 0)) {
      return nullOption;
    }
    return nonNull.get(random.nextInt(nonNull.size()));
  }

  private String chooseType(JsonNode schema, int depth) {
    JsonNode type = schema.get("type");
    if (type == null) {
      if (schema.has("properties")) {
        return "object";
      }
      if (schema.has("items")) {
        return "array";
      }
      return "string";
    }
    if (type.isTextual()) {
      return type.asText();
    }
    List<String> nonNull = new ArrayList<>();
    boolean nullable = false;
    for (JsonNode t : type) {
      if ("null".equals(t.asText())) {
        nullable = true;
      } else {
        nonNull.add(t.asText());
      }
    }
    if (nullable && (nonNull.isEmpty() || depth >= MAX_DEPTH || random.nextInt(5) == 0)) {
      return "null";
    }
    return nonNull.get(random.nextInt(nonNull.size()));
  }

  private JsonNode allOf(JsonNode parts, int depth, String hint) {
    ObjectNode merged = NODES.objectNode();
    boolean objects = true;
    for (JsonNode part : parts) {
      JsonNode v = value(part, depth + 1, hint);
      if (v instanceof ObjectNode o) {
        merged.setAll(o);
      } else {
        objects = false;
      }
    }
    return objects ? merged : value(parts.get(0), depth + 1, hint);
  }

  private JsonNode object(JsonNode schema, int depth) {
    ObjectNode node = NODES.objectNode();
    JsonNode properties = schema.path("properties");
    Set<String> required = new HashSet<>();
    schema.path("required").forEach(r -> required.add(r.asText()));
    for (Map.Entry<String, JsonNode> property : properties.properties()) {
      boolean include =
          required.contains(property.getKey()) || (depth < MAX_DEPTH && random.nextInt(4) != 0);
      if (include) {
        node.set(property.getKey(), value(property.getValue(), depth + 1, property.getKey()));
      }
    }
    return node;
  }

  private JsonNode array(JsonNode schema, int depth, String hint) {
    ArrayNode node = NODES.arrayNode();
    int min = schema.path("minItems").asInt(0);
    int max = schema.has("maxItems") ? schema.get("maxItems").asInt() : min + 3;
    int count;
    if (depth >= MAX_DEPTH) {
      count = min;
    } else {
      int lower = Math.min(Math.max(min, 1), max);
      count = lower + random.nextInt(Math.min(3, max - lower) + 1);
    }
    JsonNode items = schema.has("items") ? schema.get("items") : NODES.objectNode();
    boolean unique = schema.path("uniqueItems").asBoolean(false);
    Set<JsonNode> seen = new HashSet<>();
    for (int i = 0, attempts = 0; i < count && attempts < count * 20; attempts++) {
      JsonNode item = value(items, depth + 1, hint);
      if (unique && !seen.add(item)) {
        continue;
      }
      node.add(item);
      i++;
    }
    return node;
  }

  private JsonNode integer(JsonNode schema) {
    long min = 0;
    long max = 100;
    if (schema.has("minimum")) {
      min = (long) Math.ceil(schema.get("minimum").asDouble());
    }
    if (schema.has("exclusiveMinimum") && schema.get("exclusiveMinimum").isNumber()) {
      min = (long) Math.floor(schema.get("exclusiveMinimum").asDouble()) + 1;
    }
    if (schema.has("maximum")) {
      max = (long) Math.floor(schema.get("maximum").asDouble());
    }
    if (schema.has("exclusiveMaximum") && schema.get("exclusiveMaximum").isNumber()) {
      max = (long) Math.ceil(schema.get("exclusiveMaximum").asDouble()) - 1;
    }
    if (!schema.has("maximum") && !schema.has("exclusiveMaximum")) {
      max = min + 100;
    }
    if (max < min) {
      max = min;
    }
    long span = Math.min(max - min, 1_000_000);
    return NODES.numberNode(min + (span == 0 ? 0 : Math.floorMod(random.nextLong(), span + 1)));
  }

  private JsonNode number(JsonNode schema) {
    double min = schema.path("minimum").asDouble(0);
    double max = schema.path("maximum").asDouble(min + 100);
    if (schema.has("exclusiveMinimum") && schema.get("exclusiveMinimum").isNumber()) {
      min = schema.get("exclusiveMinimum").asDouble();
    }
    if (schema.has("exclusiveMaximum") && schema.get("exclusiveMaximum").isNumber()) {
      max = schema.get("exclusiveMaximum").asDouble();
    }
    double v = min + (max - min) * (0.05 + 0.9 * random.nextDouble());
    BigDecimal rounded = BigDecimal.valueOf(v).setScale(2, RoundingMode.HALF_UP);
    if (rounded.doubleValue() <= min || rounded.doubleValue() >= max) {
      rounded = BigDecimal.valueOf((min + max) / 2);
    }
    return NODES.numberNode(rounded);
  }

  private JsonNode string(JsonNode schema, String hint) {
    String format = schema.path("format").asText("");
    String s =
        switch (format) {
          case "date-time" -> LocalDate.of(2024, 1, 1).plusDays(random.nextInt(700)) + "T10:00:00Z";
          case "date" -> LocalDate.of(2024, 1, 1).plusDays(random.nextInt(700)).toString();
          case "email" -> WORDS[random.nextInt(WORDS.length)] + "@example.com";
          case "uuid" -> new UUID(random.nextLong(), random.nextLong()).toString();
          case "uri" -> "https://example.com/" + WORDS[random.nextInt(WORDS.length)];
          default -> hintedWords(hint);
        };
    int minLength = schema.path("minLength").asInt(0);
    int maxLength = schema.path("maxLength").asInt(Integer.MAX_VALUE);
    StringBuilder sb = new StringBuilder(s);
    while (sb.length() < minLength) {
      sb.append(' ').append(WORDS[random.nextInt(WORDS.length)]);
    }
    String out = sb.length() > maxLength ? sb.substring(0, maxLength) : sb.toString();
    return NODES.textNode(out);
  }

  private String hintedWords(String hint) {
    String words = words(random, 1 + random.nextInt(3));
    return hint.toLowerCase(java.util.Locale.ROOT).contains("name")
        ? Character.toUpperCase(words.charAt(0)) + words.substring(1)
        : words;
  }
}
