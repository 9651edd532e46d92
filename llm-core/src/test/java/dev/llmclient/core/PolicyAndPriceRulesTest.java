package dev.llmclient.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.llmclient.api.Usage;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The rules of the value types users configure: each retry-policy setting's range and what its
 * refusal says, how the backoff grows with a custom multiplier, the list prices and what they cost,
 * and the usage tracker's rows and orders.
 */
class PolicyAndPriceRulesTest {

  @Test
  void eachRetrySettingOutsideItsRangeIsRefusedWithTheAllowedRange() {
    assertThatThrownBy(() -> RetryPolicy.builder().maxRetries(21).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxRetries must be 0 to 20, got 21");
    assertThatThrownBy(() -> RetryPolicy.builder().maxReasks(-1).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxReasks must be 0 to 10, got -1");
    assertThatThrownBy(() -> RetryPolicy.builder().maxReasks(11).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxReasks must be 0 to 10, got 11");
    assertThatThrownBy(() -> RetryPolicy.builder().initialBackoff(Duration.ofMillis(-1)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("initialBackoff must not be negative, got PT-0.001S");
    assertThatThrownBy(
            () ->
                RetryPolicy.builder()
                    .initialBackoff(Duration.ofSeconds(2))
                    .maxBackoff(Duration.ofSeconds(1))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxBackoff must be at least initialBackoff (PT2S), got PT1S");
    assertThatThrownBy(() -> RetryPolicy.builder().multiplier(0.5).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("multiplier must be at least 1.0, got 0.5");
    assertThatThrownBy(() -> RetryPolicy.builder().multiplier(Double.NaN).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("multiplier must be at least 1.0, got NaN");
    assertThatThrownBy(() -> RetryPolicy.builder().jitter(-0.1).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("jitter must be between 0.0 and 1.0, got -0.1");
    assertThatThrownBy(() -> RetryPolicy.builder().jitter(Double.NaN).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RetryPolicy.builder().maxRetryAfter(Duration.ofSeconds(-1)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxRetryAfter must not be negative, got PT-1S");
    assertThatThrownBy(() -> RetryPolicy.builder().deadline(Duration.ofSeconds(-1)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("deadline must be positive, got PT-1S");
  }

  @Test
  void theEdgesOfEachRangeAreAcceptedAndKept() {
    RetryPolicy p =
        RetryPolicy.builder()
            .maxRetries(20)
            .maxReasks(10)
            .initialBackoff(Duration.ZERO)
            .maxBackoff(Duration.ZERO)
            .multiplier(1.0)
            .jitter(1.0)
            .maxRetryAfter(Duration.ZERO)
            .deadline(Duration.ofMillis(1))
            .build();

    assertThat(p.maxRetries()).isEqualTo(20);
    assertThat(p.maxReasks()).isEqualTo(10);
    assertThat(p.initialBackoff()).isZero();
    assertThat(p.maxBackoff()).isZero();
    assertThat(p.multiplier()).isEqualTo(1.0);
    assertThat(p.jitter()).isEqualTo(1.0);
    assertThat(p.maxRetryAfter()).isZero();
    assertThat(p.deadline()).isEqualTo(Duration.ofMillis(1));
    assertThat(p.backoff(5, 0.5)).isZero();
  }

  @Test
  void theBackoffGrowsByTheMultiplierUntilTheCapAndEveryAccessorSaysWhatWasSet() {
    RetryPolicy p =
        RetryPolicy.builder()
            .initialBackoff(Duration.ofMillis(100))
            .multiplier(3.0)
            .maxBackoff(Duration.ofSeconds(2))
            .jitter(0.0)
            .build();

    assertThat(p.backoff(0, 0.9)).isEqualTo(Duration.ofMillis(100));
    assertThat(p.backoff(1, 0.9)).isEqualTo(Duration.ofMillis(300));
    assertThat(p.backoff(2, 0.9)).isEqualTo(Duration.ofMillis(900));
    assertThat(p.backoff(3, 0.9)).isEqualTo(Duration.ofSeconds(2));
    assertThat(p.initialBackoff()).isEqualTo(Duration.ofMillis(100));
    assertThat(p.multiplier()).isEqualTo(3.0);
    assertThat(p.maxBackoff()).isEqualTo(Duration.ofSeconds(2));
    assertThat(p.toString())
        .contains("initialBackoff=PT0.1S", "multiplier=3.0", "maxBackoff=PT2S", "jitter=0.0");
  }

  @Test
  void theListPricesPriceTheCommonModelsPerMillionTokens() {
    PriceTable prices = PriceTable.builder().openAiListPrices().build();

    assertThat(prices.cost("gpt-4o-mini", Usage.of(1_000_000, 1_000_000)))
        .isCloseTo(0.15 + 0.60, within(1e-9));
    assertThat(prices.cost("gpt-4o", Usage.of(2_000_000, 500_000)))
        .isCloseTo(2 * 2.50 + 0.5 * 10.00, within(1e-9));
    assertThat(prices.cost("gpt-5-nano", Usage.of(1_000_000, 0))).isCloseTo(0.05, within(1e-9));
    for (String model :
        new String[] {
          "gpt-4o",
          "gpt-4o-mini",
          "gpt-4.1",
          "gpt-4.1-mini",
          "gpt-4.1-nano",
          "gpt-5",
          "gpt-5-mini",
          "gpt-5-nano"
        }) {
      assertThat(prices.hasPrice(model)).as(model).isTrue();
    }
    assertThat(prices.hasPrice("gpt-3.5-turbo")).isFalse();
    assertThat(prices.cost("gpt-3.5-turbo", Usage.of(1_000_000, 1_000_000))).isZero();
    assertThat(prices.toString()).startsWith("PriceTable[").contains("gpt-4o-mini");
  }

  @Test
  void aPriceMustBeAFiniteNumberNotBelowZero() {
    assertThatThrownBy(() -> PriceTable.builder().price("m", Double.NaN, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("prices must be finite numbers >= 0, got NaN for model m");
    assertThatThrownBy(() -> PriceTable.builder().price("m", 1, Double.POSITIVE_INFINITY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("prices must be finite numbers >= 0, got Infinity for model m");
    assertThatThrownBy(() -> PriceTable.builder().price("m", 1, -0.5, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("got -0.5");
    assertThat(PriceTable.builder().price("free", 0, 0, 0).build().cost("free", Usage.of(9, 9)))
        .isZero();
  }

  @Test
  void aPromptNeverRecordedHasZeroUsageAndAnEmptyNameIsUnknown() {
    TokenUsageTracker tracker = new TokenUsageTracker();
    tracker.record("", 3, 4);

    assertThat(tracker.usage("never")).isEqualTo(new PromptTokenUsage("never", 0, 0, 0, 0.0));
    assertThat(tracker.usage(TokenUsageTracker.UNKNOWN).totalTokens()).isEqualTo(7);
    assertThat(tracker.usage("").callCount()).isEqualTo(1);
    assertThat(tracker).hasToString("TokenUsageTracker[calls=1, totalTokens=7]");
  }

  @Test
  void theSummaryOrdersRowsByInputOutputOrCallsDescending() {
    TokenUsageTracker tracker = new TokenUsageTracker();
    tracker.record("reader", 900, 1);
    tracker.record("writer", 1, 800);
    tracker.record("chatty", 10, 10);
    tracker.record("chatty", 10, 10);
    tracker.record("chatty", 10, 10);

    assertThat(firstRow(tracker, TokenUsageTracker.SortBy.INPUT_TOKENS)).startsWith("reader");
    assertThat(firstRow(tracker, TokenUsageTracker.SortBy.OUTPUT_TOKENS)).startsWith("writer");
    assertThat(firstRow(tracker, TokenUsageTracker.SortBy.CALL_COUNT)).startsWith("chatty");
  }

  private static String firstRow(TokenUsageTracker tracker, TokenUsageTracker.SortBy by) {
    return tracker.summary(by).split("\n")[1];
  }
}
