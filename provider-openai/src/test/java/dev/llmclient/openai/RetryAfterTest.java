package dev.llmclient.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.llmclient.api.spi.RateLimitInfo;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RetryAfterTest {

  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-27T10:00:00Z"), ZoneOffset.UTC);

  private static Duration parse(Map<String, String> headers) {
    return RetryAfter.parse(headers::get, CLOCK);
  }

  @Test
  void millisecondHeadersWinInAzureCoreOrder() {
    assertThat(
            parse(
                Map.of("x-ms-retry-after-ms", "250", "retry-after-ms", "900", "retry-after", "9")))
        .isEqualTo(Duration.ofMillis(250));
    assertThat(parse(Map.of("retry-after-ms", "900.5", "retry-after", "9")))
        .isEqualTo(Duration.ofNanos(900_500_000));
  }

  @Test
  void retryAfterTakesSecondsOrAnHttpDate() {
    assertThat(parse(Map.of("retry-after", "7"))).isEqualTo(Duration.ofSeconds(7));
    assertThat(parse(Map.of("retry-after", "0.5"))).isEqualTo(Duration.ofMillis(500));
    assertThat(parse(Map.of("retry-after", "Fri, 27 Nov 2026 10:01:00 GMT")))
        .isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void aDateInThePastMeansNow() {
    assertThat(parse(Map.of("retry-after", "Fri, 27 Nov 2026 09:00:00 GMT")))
        .isEqualTo(Duration.ZERO);
  }

  @Test
  void negativeOrGarbageValuesAreIgnored() {
    assertThat(parse(Map.of("retry-after", "-5"))).isNull();
    assertThat(parse(Map.of("retry-after", "soon"))).isNull();
    assertThat(parse(Map.of("x-ms-retry-after-ms", "-1"))).isNull();
    assertThat(parse(Map.of())).isNull();
  }

  @Test
  void aGarbageMillisecondHeaderFallsBackToTheNextHeader() {
    assertThat(parse(Map.of("x-ms-retry-after-ms", "abc", "retry-after", "3")))
        .isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void hugeWaitsAreKeptForTheCoreToCap() {
    assertThat(parse(Map.of("retry-after", "86400"))).isEqualTo(Duration.ofDays(1));
  }

  @Test
  void hostileWaitsSaturateInsteadOfOverflowingOrVanishing() {
    Duration year9999 = parse(Map.of("retry-after", "Fri, 31 Dec 9999 23:59:59 GMT"));
    Duration century = parse(Map.of("retry-after", "3153600000"));
    Duration eightBillion = parse(Map.of("retry-after", "8000000000"));

    assertThat(year9999).isEqualTo(RetryAfter.MAX);
    assertThat(century).isEqualTo(Duration.ofSeconds(3_153_600_000L));
    assertThat(eightBillion).isEqualTo(Duration.ofSeconds(8_000_000_000L));
    for (Duration wait : new Duration[] {year9999, century, eightBillion}) {
      assertThat(wait.toNanos()).as("toNanos() of %s", wait).isPositive();
      assertThat(wait).isLessThanOrEqualTo(Duration.ofNanos(Long.MAX_VALUE));
    }
  }

  @Test
  void waitsBeyondWhatNanosHoldAreTheMaximumNotIgnored() {
    // Before: values above 9e9 were dropped, so the next header (or no wait at all) won.
    assertThat(parse(Map.of("x-ms-retry-after-ms", "99999999999999999999", "retry-after", "0")))
        .isEqualTo(RetryAfter.MAX);
    assertThat(parse(Map.of("retry-after-ms", "9500000000000.5"))).isEqualTo(RetryAfter.MAX);
    assertThat(parse(Map.of("retry-after", "9500000000"))).isEqualTo(RetryAfter.MAX);
    assertThat(parse(Map.of("retry-after", "9223372036.854775807")))
        .isEqualTo(Duration.ofNanos(Long.MAX_VALUE));
    assertThat(parse(Map.of("retry-after", "9223372036.854775808"))).isEqualTo(RetryAfter.MAX);
  }

  @Test
  void exponentsAndOverlongNumbersAreSkippedWithoutWork() {
    // BigDecimal would have divided by 10^999999990 for these, on the I/O thread.
    assertTimeoutPreemptively(
        Duration.ofSeconds(5),
        () -> {
          assertThat(parse(Map.of("retry-after", "1e-999999999"))).isNull();
          assertThat(parse(Map.of("x-ms-retry-after-ms", "1e-999999999", "retry-after", "2")))
              .isEqualTo(Duration.ofSeconds(2));
          assertThat(parse(Map.of("retry-after", "0." + "0".repeat(5_000) + "1"))).isNull();
          assertThat(Durations.parse("1e-999999999")).isNull();
          assertThat(Durations.parse("1e999999999")).isNull();
        });
    assertThat(parse(Map.of("retry-after", "0.0000000001"))).isEqualTo(Duration.ZERO);
    assertThat(parse(Map.of("retry-after", "+3"))).isEqualTo(Duration.ofSeconds(3));
    assertThat(parse(Map.of("retry-after", "5."))).isNull();
    assertThat(parse(Map.of("retry-after", ".5"))).isNull();
  }

  @Test
  void durationsReadGoStyleAndPlainSeconds() {
    assertThat(Durations.parse("6m0s")).isEqualTo(Duration.ofMinutes(6));
    assertThat(Durations.parse("1h2m3.5s")).isEqualTo(Duration.ofMillis(3_723_500));
    assertThat(Durations.parse("20ms")).isEqualTo(Duration.ofMillis(20));
    assertThat(Durations.parse("30")).isEqualTo(Duration.ofSeconds(30));
    assertThat(Durations.parse("1x")).isNull();
    assertThat(Durations.parse("-3")).isNull();
    assertThat(Durations.parse("")).isNull();
  }

  @Test
  void rateLimitHeadersAcceptAzureNegativeValuesAndTheOldSpelling() {
    RateLimitInfo info =
        RateLimitHeaders.parse(
            Map.of(
                    "x-ratelimit-remaining-tokens", "-1",
                    "x-ratelimit-limit-tokens", "-1",
                    "x-rate-limit-reset-tokens", "0")
                ::get);
    assertThat(info).isEqualTo(new RateLimitInfo(null, -1L, null, -1L, null, Duration.ZERO));
    assertThat(RateLimitHeaders.parse(Map.<String, String>of()::get)).isSameAs(RateLimitInfo.NONE);
  }
}
