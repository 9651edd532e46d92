package dev.llmclient.testkit.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The two rules OpenAI's strict structured outputs enforce on every object in a schema, and the
 * reason they reject one: {@code additionalProperties: false}, and every property required.
 */
final class StrictSchemaCheck {

  private StrictSchemaCheck() {}

  /** The service's complaint about the first violation, or null when the schema is strict. */
  static @Nullable String problem(JsonNode schema) {
    return walk(schema, new ArrayList<>());
  }

  private static @Nullable String walk(JsonNode node, List<String> path) {
    if (!node.isObject()) {
      return null;
    }
    boolean isObject = node.has("properties") || "object".equals(node.path("type").asText(null));
    if (isObject) {
      String context = "In context=(" + String.join(", ", path) + "), ";
      JsonNode additional = node.get("additionalProperties");
      if (additional == null || !additional.isBoolean() || additional.asBoolean()) {
        return context + "'additionalProperties' is required to be supplied and to be false.";
      }
      Set<String> required = new HashSet<>();
      node.path("required").forEach(r -> required.add(r.asText()));
      for (Map.Entry<String, JsonNode> p : node.path("properties").properties()) {
        if (!required.contains(p.getKey())) {
          return context
              + "'required' is required to be supplied and to be an array including every key in"
              + " properties. Missing '"
              + p.getKey()
              + "'.";
        }
      }
    }
    for (Map.Entry<String, JsonNode> p : node.path("properties").properties()) {
      String found = walk(p.getValue(), child(path, "'properties'", "'" + p.getKey() + "'"));
      if (found != null) {
        return found;
      }
    }
    if (node.has("items")) {
      String found = walk(node.get("items"), child(path, "'items'"));
      if (found != null) {
        return found;
      }
    }
    for (String union : new String[] {"anyOf", "oneOf", "allOf"}) {
      int i = 0;
      for (JsonNode option : node.path(union)) {
        String found = walk(option, child(path, "'" + union + "'", "'" + i++ + "'"));
        if (found != null) {
          return found;
        }
      }
    }
    for (String defs : new String[] {"$defs", "definitions"}) {
      for (Map.Entry<String, JsonNode> d : node.path(defs).properties()) {
        String found = walk(d.getValue(), child(path, "'" + defs + "'", "'" + d.getKey() + "'"));
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  private static List<String> child(List<String> path, String... parts) {
    List<String> p = new ArrayList<>(path);
    p.addAll(List.of(parts));
    return p;
  }
}
