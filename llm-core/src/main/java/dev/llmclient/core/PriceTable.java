package dev.llmclient.core;

import dev.llmclient.api.Usage;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Prices per million tokens by model (or Azure deployment), for cost estimates in {@link
 * TokenUsageTracker}. Cached input tokens are priced separately when a cached price is given.
 * Prices change: keep the table in your configuration, not in code you cannot update.
 *
 * <pre>{@code
 * PriceTable prices = PriceTable.builder()
 *     .price("gpt-4.1-mini", 0.40, 1.60)
 *     .build();
 * }</pre>
 */
public final class PriceTable {

  private record Price(double input, double cachedInput, double output) {}

  private final Map<String, Price> prices;

  private PriceTable(Map<String, Price> prices) {
    this.prices = Map.copyOf(prices);
  }

  /**
   * A new, empty builder.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Whether the table has a price for the model.
   *
   * @param model the model or deployment
   * @return true when priced
   */
  public boolean hasPrice(String model) {
    return prices.containsKey(model);
  }

  /**
   * The estimated cost of some usage on a model.
   *
   * @param model the model or deployment
   * @param usage the tokens
   * @return the cost in the table's currency, 0 when the model has no price
   */
  public double cost(String model, Usage usage) {
    Price p = prices.get(model);
    if (p == null) {
      return 0.0;
    }
    long uncachedInput = usage.inputTokens() - usage.cachedInputTokens();
    return (uncachedInput * p.input()
            + usage.cachedInputTokens() * p.cachedInput()
            + usage.outputTokens() * p.output())
        / 1_000_000.0;
  }

  @Override
  public String toString() {
    return "PriceTable" + prices.keySet();
  }

  /** Builds a {@link PriceTable}. Not thread-safe. */
  public static final class Builder {
    private final Map<String, Price> prices = new HashMap<>();

    private Builder() {}

    /**
     * Sets the price of a model; cached input costs the same as input.
     *
     * @param model the model or deployment
     * @param inputPerMillion the price of a million input tokens, at least 0
     * @param outputPerMillion the price of a million output tokens, at least 0
     * @return this builder
     */
    public Builder price(String model, double inputPerMillion, double outputPerMillion) {
      return price(model, inputPerMillion, inputPerMillion, outputPerMillion);
    }

    /**
     * Sets the price of a model with a separate price for cached input.
     *
     * @param model the model or deployment
     * @param inputPerMillion the price of a million uncached input tokens, at least 0
     * @param cachedInputPerMillion the price of a million cached input tokens, at least 0
     * @param outputPerMillion the price of a million output tokens, at least 0
     * @return this builder
     * @throws IllegalArgumentException when a price is negative or not a number
     */
    public Builder price(
        String model,
        double inputPerMillion,
        double cachedInputPerMillion,
        double outputPerMillion) {
      Objects.requireNonNull(model, "model");
      for (double d : new double[] {inputPerMillion, cachedInputPerMillion, outputPerMillion}) {
        if (!(d >= 0.0) || Double.isInfinite(d)) {
          throw new IllegalArgumentException(
              "prices must be finite numbers >= 0, got " + d + " for model " + model);
        }
      }
      prices.put(model, new Price(inputPerMillion, cachedInputPerMillion, outputPerMillion));
      return this;
    }

    /**
     * Adds OpenAI's list prices (standard tier, US dollars per million tokens, as published in
     * 2025) for gpt-4o, gpt-4o-mini, gpt-4.1, gpt-4.1-mini, gpt-4.1-nano, gpt-5, gpt-5-mini and
     * gpt-5-nano, cached input at the input price. A starting point for estimates: prices change,
     * and Azure deployments have names of their own, so set those with {@link #price}; a later
     * {@code price} for the same name replaces the list price.
     *
     * @return this builder
     */
    public Builder openAiListPrices() {
      price("gpt-4o", 2.50, 10.00);
      price("gpt-4o-mini", 0.15, 0.60);
      price("gpt-4.1", 2.00, 8.00);
      price("gpt-4.1-mini", 0.40, 1.60);
      price("gpt-4.1-nano", 0.10, 0.40);
      price("gpt-5", 1.25, 10.00);
      price("gpt-5-mini", 0.25, 2.00);
      price("gpt-5-nano", 0.05, 0.40);
      return this;
    }

    /**
     * Builds the table.
     *
     * @return the table
     */
    public PriceTable build() {
      return new PriceTable(prices);
    }
  }
}
