package dev.llmclient.openai;

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
 *
 * <p>Every value is computed with saturating arithmetic: a wait longer than {@link #MAX} (about 292
 * years, the most a count of nanoseconds holds) is reported as {@code MAX}, never overflowed or
 * dropped, so the caller can compare it with its own cap ({@code RetryPolicy.maxRetryAfter}) and
 * {@code toNanos()} on it never throws.
 */
final class RetryAfter {

  /** The longest wait reported: {@code Long.MAX_VALUE} nanoseconds, about 292 years. */
  static final Duration MAX = Duration.ofNanos(Long.MAX_VALUE);

  /** Longer numbers are not a wait any server means; they are skipped, not parsed. */
  private static final int MAX_NUMBER_LENGTH = 40;

  private static final long NANOS_PER_MILLI = 1_000_000L;
  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private RetryAfter() {}

  /**
   * Parses the retry headers of a response.
   *
   * @param header looks a header up by lower-case name; null when absent
   * @param clock the clock that dates are measured against
   * @return the wait, at most {@link #MAX}, or null when no header holds a usable value
   */
  static @Nullable Duration parse(Function<String, @Nullable String> header, Clock clock) {
    Duration wait = amount(header.apply("x-ms-retry-after-ms"), NANOS_PER_MILLI, 6);
    if (wait == null) {
      wait = amount(header.apply("retry-after-ms"), NANOS_PER_MILLI, 6);
    }
    if (wait == null) {
      wait = retryAfter(header.apply("retry-after"), clock);
    }
    return wait;
  }

  private static @Nullable Duration retryAfter(@Nullable String value, Clock clock) {
    if (value == null) {
      return null;
    }
    Duration seconds = amount(value, NANOS_PER_SECOND, 9);
    if (seconds != null) {
      return seconds;
    }
    try {
      Instant at =
          ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration wait = Duration.between(clock.instant(), at);
      if (wait.isNegative()) {
        return Duration.ZERO;
      }
      return wait.compareTo(MAX) > 0 ? MAX : wait;
    } catch (DateTimeParseException | ArithmeticException e) {
      return null;
    }
  }

  /**
   * A non-negative decimal number of units ({@code 250}, {@code 0.5}, {@code 900.25}) as a
   * duration, saturating at {@link #MAX}; null for anything else (signs other than a leading {@code
   * +}, exponents, empty or very long text).
   *
   * @param value the header value
   * @param nanosPerUnit nanoseconds in one unit
   * @param fractionDigits how many fraction digits still count (finer ones are below a nanosecond)
   */
  static @Nullable Duration amount(@Nullable String value, long nanosPerUnit, int fractionDigits) {
    if (value == null) {
      return null;
    }
    String s = value.trim();
    if (s.startsWith("+")) {
      s = s.substring(1);
    }
    if (s.isEmpty() || s.length() > MAX_NUMBER_LENGTH) {
      return null;
    }
    int i = 0;
    long whole = 0;
    boolean saturated = false;
    while (i < s.length() && isDigit(s.charAt(i))) {
      int digit = s.charAt(i) - '0';
      if (whole > (Long.MAX_VALUE - digit) / 10) {
        saturated = true;
      } else {
        whole = whole * 10 + digit;
      }
      i++;
    }
    if (i == 0) {
      return null; // no integer part: ".5", "-1", "soon"
    }
    long fraction = 0;
    long scale = 1;
    if (i < s.length() && s.charAt(i) == '.') {
      i++;
      int start = i;
      while (i < s.length() && isDigit(s.charAt(i))) {
        if (i - start < fractionDigits) {
          fraction = fraction * 10 + (s.charAt(i) - '0');
          scale *= 10;
        }
        i++;
      }
      if (i == start) {
        return null; // "5."
      }
    }
    if (i != s.length()) {
      return null;
    }
    if (saturated || whole > Long.MAX_VALUE / nanosPerUnit) {
      return MAX;
    }
    long nanos = whole * nanosPerUnit;
    // fraction < scale <= 10^fractionDigits, and nanosPerUnit / scale is exact for our units.
    long fractionNanos = fraction * (nanosPerUnit / scale);
    return Duration.ofNanos(
        nanos > Long.MAX_VALUE - fractionNanos ? Long.MAX_VALUE : nanos + fractionNanos);
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
