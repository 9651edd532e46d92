package dev.llmclient.redis;

import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/** Validation shared by the builders: URIs, key prefixes and ranges. */
final class RedisKeys {

  private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9:._-]{1,100}");

  private RedisKeys() {}

  static RedisURI parseUri(String value) {
    Objects.requireNonNull(value, "uri");
    try {
      return RedisURI.create(value);
    } catch (RuntimeException e) {
      // the value may hold a password: never repeat it
      throw new IllegalArgumentException(
          "the Redis URI is not valid; use redis://[:password@]host[:port][/database] or"
              + " rediss://... for TLS");
    }
  }

  static String checkPrefix(String value) {
    Objects.requireNonNull(value, "prefix");
    if (!PREFIX.matcher(value).matches()) {
      throw new IllegalArgumentException(
          "the key prefix must be 1 to 100 letters, digits or ':._-' (for example"
              + " 'llmclient:orders'), got '"
              + value
              + "'");
    }
    return value;
  }

  static Duration checkRange(String name, Duration value, Duration min, Duration max) {
    Objects.requireNonNull(value, name);
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw new IllegalArgumentException(
          name + " must be " + min.toMillis() + " ms to " + max.toMillis() + " ms, got " + value);
    }
    return value;
  }
}
