package dev.llmclient.openai;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Reads the wait a server asked for from {@code x-ms-retry-after-ms}, {@code retry-after-ms} (both
 * milliseconds) and {@code Retry-After} (seconds or an HTTP date), in that order.
 *
 * <p>A header that is negative or not a number is skipped, so a later valid header still counts; a
 * date in the past means "now" (zero). Nothing usable gives null, and the caller falls back to its
 * own backoff.
 */
final class RetryAfter {

  private RetryAfter() {}

  /**
   * Parses the retry headers of a response.
   *
   * @param header looks a header up by lower-case name; null when absent
   * @param clock the clock that dates are measured against
   * @return the wait, or null when no header holds a usable value
   */
  static @Nullable Duration parse(Function<String, @Nullable String> header, Clock clock) {
    Duration wait = millis(header.apply("x-ms-retry-after-ms"));
    if (wait == null) {
      wait = millis(header.apply("retry-after-ms"));
    }
    if (wait == null) {
      wait = retryAfter(header.apply("retry-after"), clock);
    }
    return wait;
  }

  private static @Nullable Duration millis(@Nullable String value) {
    BigDecimal number = number(value);
    if (number == null) {
      return null;
    }
    return Duration.ofNanos(number.movePointRight(6).setScale(0, RoundingMode.DOWN).longValue());
  }

  private static @Nullable Duration retryAfter(@Nullable String value, Clock clock) {
    if (value == null) {
      return null;
    }
    BigDecimal seconds = number(value);
    if (seconds != null) {
      return Duration.ofNanos(seconds.movePointRight(9).setScale(0, RoundingMode.DOWN).longValue());
    }
    try {
      Instant at =
          ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration wait = Duration.between(clock.instant(), at);
      return wait.isNegative() ? Duration.ZERO : wait;
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static @Nullable BigDecimal number(@Nullable String value) {
    if (value == null) {
      return null;
    }
    try {
      BigDecimal n = new BigDecimal(value.trim());
      // Cap absurd values at about 292 years, the most a Duration of nanos holds.
      return n.signum() < 0 || n.compareTo(BigDecimal.valueOf(9_000_000_000L)) > 0 ? null : n;
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
