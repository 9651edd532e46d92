package dev.llmclient.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.llmclient.api.Usage;
import dev.llmclient.core.PriceTable;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CostEstimatorTest {

  @Test
  void aDatedSnapshotIsPricedByTheLongestMatchingName() {
    CostEstimator prices = new CostEstimator(Map.of());

    assertThat(prices.priceOf("gpt-4o-mini-2024-07-18")).containsExactly(0.15, 0.60);
    assertThat(prices.priceOf("gpt-4o-2024-08-06")).containsExactly(2.50, 10.00);
    assertThat(prices.priceOf("my-deployment")).isNull();
  }

  @Test
  void theListPricesComeFromCorePriceTable() {
    CostEstimator prices = new CostEstimator(Map.of());

    assertThat(prices.priceOf("gpt-4o")).containsExactly(2.50, 10.00);
    assertThat(prices.priceOf("gpt-4o-mini")).containsExactly(0.15, 0.60);
    assertThat(prices.priceOf("gpt-4.1")).containsExactly(2.00, 8.00);
    assertThat(prices.priceOf("gpt-4.1-mini")).containsExactly(0.40, 1.60);
    assertThat(prices.priceOf("gpt-4.1-nano")).containsExactly(0.10, 0.40);
    assertThat(prices.priceOf("gpt-5")).containsExactly(1.25, 10.00);
    assertThat(prices.priceOf("gpt-5-mini")).containsExactly(0.25, 2.00);
    assertThat(prices.priceOf("GPT-5-nano")).containsExactly(0.05, 0.40);
    PriceTable core = PriceTable.builder().openAiListPrices().build();
    assertThat(core.cost("gpt-4.1-mini", Usage.of(1_000_000, 1_000_000)))
        .isCloseTo(2.00, within(1e-9));
  }

  @Test
  void anOverrideReplacesAListPrice() {
    assertThat(new CostEstimator(Map.of("gpt-4o", "1,2")).priceOf("gpt-4o-2024-08-06"))
        .containsExactly(1.0, 2.0);
  }

  @Test
  void costIsTokensTimesPricePerMillion() {
    CostEstimator prices = new CostEstimator(Map.of("prod-chat", "1.00,4.00"));

    CostEstimator.Estimate e =
        prices.estimate(
            Map.of(
                "prod-chat", Usage.of(2_000_000, 500_000), "gpt-4o-mini", Usage.of(1_000_000, 0)));

    assertThat(e.dollars()).isCloseTo(2.0 + 2.0 + 0.15, within(1e-9));
    assertThat(e.unpriced()).isEmpty();
  }

  @Test
  void modelsWithoutAPriceAreListedNotGuessed() {
    CostEstimator.Estimate e =
        new CostEstimator(Map.of())
            .estimate(Map.of("llm-simulator", Usage.of(100, 10), "unused", Usage.ZERO));

    assertThat(e.dollars()).isZero();
    assertThat(e.unpriced()).containsExactly("llm-simulator");
  }

  @Test
  void aMalformedPriceSaysTheExpectedForm() {
    assertThatThrownBy(() -> new CostEstimator(Map.of("x", "cheap")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("MODEL=IN,OUT");
    assertThatThrownBy(() -> CostEstimator.parse("x", "-1,2"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
