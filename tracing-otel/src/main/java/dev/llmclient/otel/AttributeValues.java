package dev.llmclient.otel;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Turns the SPI's {@code Object} attribute values into OpenTelemetry's typed attributes.
 *
 * <ul>
 *   <li>{@code String}, {@code Boolean} as they are; {@code Long}, {@code Integer}, {@code Short},
 *       {@code Byte} as long; {@code Double}, {@code Float} as double;
 *   <li>a collection (or array) whose elements are all strings, all whole numbers, all
 *       floating-point numbers or all booleans as the array of that type; any other collection as
 *       an array of its elements' {@code toString()}; null elements are skipped;
 *   <li>anything else as its {@code toString()}; a null value sets nothing.
 * </ul>
 *
 * The semantic-convention attributes the client sets always get their specified type, whatever Java
 * type arrives: {@code error.type} {@code 429} becomes the string {@code "429"}, a {@code
 * server.port} of {@code "443"} the number 443, a single finish reason a one-element array. A value
 * that cannot take the type (a port of {@code "https"}) is kept as its string.
 */
final class AttributeValues {

  private enum Type {
    STRING,
    LONG,
    DOUBLE,
    STRING_ARRAY
  }

  /** The GenAI and general attributes whose type the conventions fix. */
  private static final Map<String, Type> SEMCONV_TYPES =
      Map.ofEntries(
          Map.entry("gen_ai.operation.name", Type.STRING),
          Map.entry("gen_ai.provider.name", Type.STRING),
          Map.entry("gen_ai.request.model", Type.STRING),
          Map.entry("gen_ai.response.model", Type.STRING),
          Map.entry("gen_ai.response.id", Type.STRING),
          Map.entry("gen_ai.output.type", Type.STRING),
          Map.entry("server.address", Type.STRING),
          Map.entry("error.type", Type.STRING),
          Map.entry("server.port", Type.LONG),
          Map.entry("gen_ai.request.max_tokens", Type.LONG),
          Map.entry("gen_ai.request.seed", Type.LONG),
          Map.entry("gen_ai.usage.input_tokens", Type.LONG),
          Map.entry("gen_ai.usage.output_tokens", Type.LONG),
          Map.entry("gen_ai.usage.cache_read.input_tokens", Type.LONG),
          Map.entry("gen_ai.usage.reasoning.output_tokens", Type.LONG),
          Map.entry("gen_ai.request.temperature", Type.DOUBLE),
          Map.entry("gen_ai.request.top_p", Type.DOUBLE),
          Map.entry("gen_ai.request.frequency_penalty", Type.DOUBLE),
          Map.entry("gen_ai.request.presence_penalty", Type.DOUBLE),
          Map.entry("gen_ai.response.finish_reasons", Type.STRING_ARRAY),
          Map.entry("gen_ai.request.stop_sequences", Type.STRING_ARRAY));

  private AttributeValues() {}

  /** Adds one value to the builder, typed as the class documentation says. */
  static void put(AttributesBuilder builder, String key, @Nullable Object value) {
    if (value == null) {
      return;
    }
    Type type = SEMCONV_TYPES.get(key);
    if (type != null && putAs(builder, key, value, type)) {
      return;
    }
    if (value instanceof String s) {
      builder.put(key, s);
    } else if (value instanceof Boolean b) {
      builder.put(key, b.booleanValue());
    } else if (isWhole(value)) {
      builder.put(key, ((Number) value).longValue());
    } else if (isFloating(value)) {
      builder.put(key, toDouble((Number) value));
    } else if (value instanceof Collection<?> collection) {
      putList(builder, key, new ArrayList<>(collection));
    } else if (value instanceof Object[] array) {
      putList(builder, key, new ArrayList<>(Arrays.asList(array)));
    } else {
      builder.put(key, String.valueOf(value));
    }
  }

  /** Converts a map of SPI attributes, skipping null values and the keys {@code skip} rejects. */
  static Attributes of(Map<String, ?> values, Predicate<String> skip) {
    AttributesBuilder builder = Attributes.builder();
    values.forEach(
        (key, value) -> {
          if (key != null && !skip.test(key)) {
            put(builder, key, value);
          }
        });
    return builder.build();
  }

  /** The value as a string, for metric attributes; null when absent. */
  static @Nullable String asString(@Nullable Object value) {
    return value == null ? null : String.valueOf(value);
  }

  /** The value as a whole number, for ports and token counts; null when absent or not a number. */
  static @Nullable Long asLong(@Nullable Object value) {
    if (value instanceof Number n) {
      return n.longValue();
    }
    if (value instanceof String s) {
      try {
        return Long.valueOf(s.strip());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  /** The value as a list of strings (a collection's elements, or a single value); never null. */
  static List<String> asStrings(@Nullable Object value) {
    List<String> out = new ArrayList<>();
    if (value instanceof Collection<?> collection) {
      for (Object element : collection) {
        if (element != null) {
          out.add(String.valueOf(element));
        }
      }
    } else if (value instanceof Object[] array) {
      for (Object element : array) {
        if (element != null) {
          out.add(String.valueOf(element));
        }
      }
    } else if (value != null) {
      out.add(String.valueOf(value));
    }
    return out;
  }

  /** Puts the value with its convention type; false when it cannot take that type. */
  private static boolean putAs(AttributesBuilder builder, String key, Object value, Type type) {
    switch (type) {
      case STRING:
        if (value instanceof Collection<?> || value instanceof Object[]) {
          return false;
        }
        builder.put(key, String.valueOf(value));
        return true;
      case LONG:
        if (isFloating(value)) {
          return false;
        }
        Long whole = asLong(value);
        if (whole == null) {
          return false;
        }
        builder.put(key, whole.longValue());
        return true;
      case DOUBLE:
        if (value instanceof Number n) {
          builder.put(key, toDouble(n));
          return true;
        }
        if (value instanceof String s) {
          try {
            builder.put(key, Double.parseDouble(s.strip()));
            return true;
          } catch (NumberFormatException e) {
            return false;
          }
        }
        return false;
      case STRING_ARRAY:
        builder.put(AttributeKey.stringArrayKey(key), asStrings(value));
        return true;
    }
    return false;
  }

  /** A float keeps its decimal value (0.7f is 0.7, not 0.699999988079071). */
  private static double toDouble(Number number) {
    return number instanceof Float f ? Double.parseDouble(Float.toString(f)) : number.doubleValue();
  }

  private static boolean isWhole(Object value) {
    return value instanceof Long
        || value instanceof Integer
        || value instanceof Short
        || value instanceof Byte;
  }

  private static boolean isFloating(Object value) {
    return value instanceof Double || value instanceof Float;
  }

  private static void putList(AttributesBuilder builder, String key, List<?> elements) {
    elements.removeIf(e -> e == null);
    if (!elements.isEmpty() && elements.stream().allMatch(e -> e instanceof Boolean)) {
      List<Boolean> booleans = new ArrayList<>();
      elements.forEach(e -> booleans.add((Boolean) e));
      builder.put(AttributeKey.booleanArrayKey(key), booleans);
    } else if (!elements.isEmpty() && elements.stream().allMatch(AttributeValues::isWhole)) {
      List<Long> longs = new ArrayList<>();
      elements.forEach(e -> longs.add(((Number) e).longValue()));
      builder.put(AttributeKey.longArrayKey(key), longs);
    } else if (!elements.isEmpty() && elements.stream().allMatch(AttributeValues::isFloating)) {
      List<Double> doubles = new ArrayList<>();
      elements.forEach(e -> doubles.add(toDouble((Number) e)));
      builder.put(AttributeKey.doubleArrayKey(key), doubles);
    } else {
      builder.put(AttributeKey.stringArrayKey(key), asStrings(elements));
    }
  }
}
