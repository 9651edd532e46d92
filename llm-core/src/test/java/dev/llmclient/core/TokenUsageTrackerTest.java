package dev.llmclient.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.llmclient.api.Usage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Graphiti's test_token_tracker, one test per scenario, plus costs. */
class TokenUsageTrackerTest {

  private final TokenUsageTracker tracker = new TokenUsageTracker();

  @Test
  void usageTotalIsInputPlusOutput() {
    assertThat(Usage.of(100, 50).totalTokens()).isEqualTo(150);
    assertThat(Usage.ZERO.totalTokens()).isZero();
    assertThat(Usage.ZERO).isEqualTo(new Usage(0, 0, 0, 0));
  }

  @Test
  void promptUsageTotalsAndAverages() {
    PromptTokenUsage u = new PromptTokenUsage("p", 4, 1000, 500, 0.0);

    assertThat(u.totalTokens()).isEqualTo(1500);
    assertThat(u.averageInputTokens()).isEqualTo(250.0);
    assertThat(u.averageOutputTokens()).isEqualTo(125.0);
  }

  @Test
  void averagesAreZeroWithoutCalls() {
    PromptTokenUsage u = new PromptTokenUsage("p", 0, 0, 0, 0.0);

    assertThat(u.averageInputTokens()).isZero();
    assertThat(u.averageOutputTokens()).isZero();
  }

  @Test
  void aFirstRecordCreatesTheEntry() {
    tracker.record("extract", 100, 50);

    assertThat(tracker.usage("extract")).isEqualTo(new PromptTokenUsage("extract", 1, 100, 50, 0));
  }

  @Test
  void recordsOfOnePromptAccumulate() {
    tracker.record("extract", 100, 50);
    tracker.record("extract", 200, 100);

    assertThat(tracker.usage("extract")).isEqualTo(new PromptTokenUsage("extract", 2, 300, 150, 0));
  }

  @Test
  void aNullPromptNameIsStoredAsUnknown() {
    tracker.record(null, 10, 5);

    assertThat(tracker.usage()).containsOnlyKeys("unknown");
    assertThat(tracker.usage((String) null).callCount()).isEqualTo(1);
  }

  @Test
  void differentPromptsGetSeparateEntries() {
    tracker.record("a", 1, 1);
    tracker.record("b", 1, 1);
    tracker.record("c", 1, 1);

    assertThat(tracker.usage()).containsOnlyKeys("a", "b", "c");
  }

  @Test
  void theUsageMapIsACopy() {
    tracker.record("a", 100, 50);
    Map<String, PromptTokenUsage> copy = tracker.usage();
    copy.put("a", new PromptTokenUsage("a", 99, 99, 99, 0));
    copy.clear();

    assertThat(tracker.usage("a")).isEqualTo(new PromptTokenUsage("a", 1, 100, 50, 0));
  }

  @Test
  void theTotalSumsEveryPrompt() {
    tracker.record("a", 100, 50);
    tracker.record("b", 150, 75);
    tracker.record("c", 200, 100);

    PromptTokenUsage total = tracker.totalUsage();
    assertThat(total.inputTokens()).isEqualTo(450);
    assertThat(total.outputTokens()).isEqualTo(225);
    assertThat(total.totalTokens()).isEqualTo(675);
  }

  @Test
  void theTotalOfNothingIsZero() {
    assertThat(tracker.totalUsage()).isEqualTo(new PromptTokenUsage("total", 0, 0, 0, 0));
  }

  @Test
  void resetForgetsEverything() {
    tracker.record("a", 100, 50);
    tracker.reset();

    assertThat(tracker.usage()).isEmpty();
    assertThat(tracker.totalUsage().totalTokens()).isZero();
  }

  @Test
  void tenThreadsRecordingDistinctPromptsLoseNothing() throws Exception {
    runConcurrently(i -> "prompt-" + i);

    assertThat(tracker.usage()).hasSize(10);
    assertThat(tracker.usage()).allSatisfy((k, v) -> assertThat(v.callCount()).isEqualTo(100));
    assertThat(tracker.totalUsage())
        .isEqualTo(new PromptTokenUsage("total", 1000, 10_000, 5_000, 0));
  }

  @Test
  void tenThreadsRecordingOnePromptLoseNothing() throws Exception {
    runConcurrently(i -> "shared");

    assertThat(tracker.usage("shared"))
        .isEqualTo(new PromptTokenUsage("shared", 1000, 10_000, 5_000, 0));
  }

  private void runConcurrently(java.util.function.IntFunction<String> name) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(10);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> futures = new ArrayList<>();
    try {
      for (int t = 0; t < 10; t++) {
        int thread = t;
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < 100; i++) {
                    tracker.record(name.apply(thread), 10, 5);
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get(10, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aPriceTableTurnsUsageIntoCostWithCachedInputPricedApart() {
    PriceTable prices = PriceTable.builder().price("mini", 0.40, 0.10, 1.60).build();
    TokenUsageTracker priced = new TokenUsageTracker(prices);

    priced.record("p", "mini", new Usage(1_000_000, 500_000, 200_000, 0));
    priced.record("p", "unpriced", Usage.of(1_000_000, 1_000_000));

    // 800k uncached * 0.40 + 200k cached * 0.10 + 500k out * 1.60 = 0.32 + 0.02 + 0.80
    assertThat(priced.usage("p").cost()).isCloseTo(1.14, within(1e-9));
    assertThat(prices.hasPrice("mini")).isTrue();
    assertThatThrownBy(() -> PriceTable.builder().price("x", -1, 1))
        .hasMessageContaining("prices must be finite numbers >= 0");
  }

  @Test
  void theSummaryListsPromptsInTheRequestedOrderThenTheTotal() {
    tracker.record("small", 1, 1);
    tracker.record("big", 100, 100);

    String[] lines = tracker.summary(TokenUsageTracker.SortBy.TOTAL_TOKENS).split("\n");

    assertThat(lines[1]).startsWith("big");
    assertThat(lines[2]).startsWith("small");
    assertThat(lines[3]).startsWith("total");
    assertThat(tracker.summary(TokenUsageTracker.SortBy.PROMPT_NAME).split("\n")[1])
        .startsWith("big");
  }
}
