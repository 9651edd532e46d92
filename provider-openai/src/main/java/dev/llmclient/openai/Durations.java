package dev.llmclient.openai;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Parses the short duration forms servers and users write: {@code 20ms}, {@code 1.5s}, {@code
 * 6m0s}, {@code 1h2m3s}, or a plain number of seconds ({@code 30}, {@code 0.5}).
 */
final class Durations {

  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|h|m|s)");

  private Durations() {}

  /**
   * Parses a duration.
   *
   * @param text the text
   * @return the duration, or null when the text is not one of the accepted forms or is negative
   */
  static @Nullable Duration parse(@Nullable String text) {
    if (text == null) {
      return null;
    }
    String s = text.trim().toLowerCase(Locale.ROOT);
    if (s.isEmpty()) {
      return null;
    }
    try {
      if (Character.isDigit(s.charAt(s.length() - 1))) {
        // Plain seconds; no exponent forms ("1e-999999999" would make BigDecimal work for minutes).
        return RetryAfter.amount(s, 1_000_000_000L, 9);
      }
      Matcher m = PART.matcher(s);
      int at = 0;
      BigDecimal nanos = BigDecimal.ZERO;
      while (at < s.length()) {
        if (!m.find(at) || m.start() != at) {
          return null;
        }
        BigDecimal value = new BigDecimal(m.group(1));
        nanos = nanos.add(value.multiply(BigDecimal.valueOf(unitNanos(m.group(2)))));
        at = m.end();
      }
      return Duration.ofNanos(nanos.longValueExact());
    } catch (NumberFormatException | ArithmeticException e) {
      return null;
    }
  }

  private static long unitNanos(String unit) {
    switch (unit) {
      case "ms":
        return 1_000_000L;
      case "s":
        return 1_000_000_000L;
      case "m":
        return 60_000_000_000L;
      default:
        return 3_600_000_000_000L;
    }
  }
}
