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
 */
final class AttributeValues {

  private AttributeValues() {}

  /** Adds one value to the builder, typed as the class documentation says. */
  static void put(AttributesBuilder builder, String key, @Nullable Object value) {
    if (value == null) {
      return;
    }
    if (value instanceof String s) {
      builder.put(key, s);
    } else if (value instanceof Boolean b) {
      builder.put(key, b.booleanValue());
    } else if (isWhole(value)) {
      builder.put(key, ((Number) value).longValue());
    } else if (isFloating(value)) {
      builder.put(key, ((Number) value).doubleValue());
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
      elements.forEach(e -> doubles.add(((Number) e).doubleValue()));
      builder.put(AttributeKey.doubleArrayKey(key), doubles);
    } else {
      builder.put(AttributeKey.stringArrayKey(key), asStrings(elements));
    }
  }
}
