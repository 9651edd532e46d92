package dev.llmclient.cli;

import dev.llmclient.api.Usage;
import dev.llmclient.core.PriceTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Estimates what a run cost from its tokens, with core's {@link PriceTable}: OpenAI's list prices
 * ({@link PriceTable.Builder#openAiListPrices()}) plus the user's {@code --price} entries, which
 * win. A model name matches the longest priced name it starts with (ignoring case), so a dated
 * snapshot such as {@code gpt-4o-mini-2024-07-18} is priced as {@code gpt-4o-mini}. Azure
 * deployments have user-chosen names: give them with {@code --price}.
 */
final class CostEstimator {

  private static final Usage MILLION_IN = Usage.of(1_000_000, 0);
  private static final Usage MILLION_OUT = Usage.of(0, 1_000_000);

  /** The estimate, and the models that had tokens but no price. */
  record Estimate(double dollars, List<String> unpriced) {}

  private final PriceTable prices;

  CostEstimator(Map<String, String> overrides) {
    PriceTable.Builder b = PriceTable.builder().openAiListPrices();
    overrides.forEach(
        (model, price) -> {
          double[] p = parse(model, price);
          b.price(model.toLowerCase(Locale.ROOT), p[0], p[1]);
        });
    this.prices = b.build();
  }

  /** Parses {@code IN,OUT} dollars per million tokens. */
  static double[] parse(String model, String price) {
    String[] parts = price.split(",");
    try {
      if (parts.length == 2) {
        double in = Double.parseDouble(parts[0].trim());
        double out = Double.parseDouble(parts[1].trim());
        if (in >= 0 && out >= 0) {
          return new double[] {in, out};
        }
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "--price "
            + model
            + "="
            + price
            + " must be MODEL=IN,OUT in dollars per million tokens, e.g. gpt-4o-mini=0.15,0.60");
  }

  /** The price of a model in dollars per million input / output tokens, or null when unpriced. */
  double @Nullable [] priceOf(String model) {
    String name = pricedName(model);
    return name == null
        ? null
        : new double[] {prices.cost(name, MILLION_IN), prices.cost(name, MILLION_OUT)};
  }

  /** The longest priced name the model's name starts with, ignoring case; or null. */
  private @Nullable String pricedName(String model) {
    String m = model.toLowerCase(Locale.ROOT);
    for (int n = m.length(); n > 0; n--) {
      if (prices.hasPrice(m.substring(0, n))) {
        return m.substring(0, n);
      }
    }
    return null;
  }

  /**
   * The tokens per model of the answers, plus the tokens counted in all but not in any answer
   * (failed calls, re-asked answers), which go to the model that used the most tokens, or to "the
   * configured model" when no answer came back.
   *
   * @param answered the tokens of the answers, by the model that gave them
   * @param inputTokens all input tokens spent
   * @param outputTokens all output tokens spent
   * @return a new map with every token counted once
   */
  static Map<String, Usage> withUnattributed(
      Map<String, Usage> answered, long inputTokens, long outputTokens) {
    Map<String, Usage> byModel = new TreeMap<>(answered);
    long answeredIn = byModel.values().stream().mapToLong(Usage::inputTokens).sum();
    long answeredOut = byModel.values().stream().mapToLong(Usage::outputTokens).sum();
    Usage rest =
        Usage.of(Math.max(0, inputTokens - answeredIn), Math.max(0, outputTokens - answeredOut));
    if (rest.totalTokens() > 0) {
      String mostUsed =
          byModel.entrySet().stream()
              .max(
                  Map.Entry.comparingByValue(
                      (a, b) -> Long.compare(a.totalTokens(), b.totalTokens())))
              .map(Map.Entry::getKey)
              .orElse("the configured model");
      byModel.merge(mostUsed, rest, Usage::plus);
    }
    return byModel;
  }

  /** Prices each model's tokens; models without a price are listed, not guessed. */
  Estimate estimate(Map<String, Usage> usageByModel) {
    double dollars = 0;
    List<String> unpriced = new ArrayList<>();
    for (Map.Entry<String, Usage> e : new TreeMap<>(usageByModel).entrySet()) {
      if (e.getValue().totalTokens() == 0) {
        continue;
      }
      String name = pricedName(e.getKey());
      if (name == null) {
        unpriced.add(e.getKey());
        continue;
      }
      dollars += prices.cost(name, e.getValue());
    }
    return new Estimate(dollars, unpriced);
  }
}
