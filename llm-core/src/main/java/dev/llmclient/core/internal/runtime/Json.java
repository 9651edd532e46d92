package dev.llmclient.core.internal.runtime;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The one shared, pre-configured ObjectMapper and JSON-to-Java conversion. */
public final class Json {

  /**
   * Configured once. Unknown properties are accepted because the schema has already checked the
   * answer; types with Optional or java.time values are read by {@link #withModules()}.
   */
  public static final ObjectMapper MAPPER = builder().build();

  private static JsonMapper.Builder builder() {
    return JsonMapper.builder()
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  }

  /**
   * The same mapper with the JDK 8 ({@code Optional}) and {@code java.time} modules, for response
   * types that have such values; built on first use, so types without them, and every client's cold
   * start, do not pay for the modules (about 7 ms for the JDK 8 one alone).
   */
  public static ObjectMapper withModules() {
    return WithModules.MAPPER;
  }

  private static final class WithModules {
    public static final ObjectMapper MAPPER =
        builder()
            .addModule(new Jdk8Module())
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            .build();

    private WithModules() {}
  }

  private Json() {}

  /** An unmodifiable map (recursively unmodifiable) of a JSON object. */
  public static Map<String, Object> toMap(JsonNode object) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : object.properties()) {
      map.put(e.getKey(), toJava(e.getValue()));
    }
    return Collections.unmodifiableMap(map);
  }

  private static @Nullable Object toJava(JsonNode node) {
    switch (node.getNodeType()) {
      case OBJECT:
        return toMap(node);
      case ARRAY:
        List<@Nullable Object> list = new ArrayList<>(node.size());
        for (JsonNode item : node) {
          list.add(toJava(item));
        }
        return Collections.unmodifiableList(list);
      case STRING:
        return node.textValue();
      case BOOLEAN:
        return node.booleanValue();
      case NUMBER:
        return node.numberValue();
      default:
        return null;
    }
  }
}
