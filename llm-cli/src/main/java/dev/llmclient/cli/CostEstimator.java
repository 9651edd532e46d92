package dev.llmclient.cli;

import dev.llmclient.api.Usage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Estimates what a run cost from its tokens, with prices per million tokens by model. A model name
 * matches the longest priced name it starts with, so a dated snapshot such as {@code
 * gpt-4o-mini-2024-07-18} is priced as {@code gpt-4o-mini}.
 */
final class CostEstimator {

  /**
   * List prices in US dollars per million input / output tokens (OpenAI, standard tier, as
   * published in 2025). Azure deployments have user-chosen names: give them with {@code --price}.
   */
  static final Map<String, double[]> DEFAULT_PRICES =
      Map.of(
          "gpt-4o", new double[] {2.50, 10.00},
          "gpt-4o-mini", new double[] {0.15, 0.60},
          "gpt-4.1", new double[] {2.00, 8.00},
          "gpt-4.1-mini", new double[] {0.40, 1.60},
          "gpt-4.1-nano", new double[] {0.10, 0.40},
          "gpt-5", new double[] {1.25, 10.00},
          "gpt-5-mini", new double[] {0.25, 2.00},
          "gpt-5-nano", new double[] {0.05, 0.40});

  /** The estimate, and the models that had tokens but no price. */
  record Estimate(double dollars, List<String> unpriced) {}

  private final TreeMap<String, double[]> prices = new TreeMap<>();

  CostEstimator(Map<String, String> overrides) {
    prices.putAll(DEFAULT_PRICES);
    overrides.forEach((model, price) -> prices.put(model, parse(model, price)));
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

  /** The price of a model, by the longest priced prefix of its name. */
  double @Nullable [] priceOf(String model) {
    String m = model.toLowerCase(Locale.ROOT);
    return prices.entrySet().stream()
        .filter(e -> m.startsWith(e.getKey().toLowerCase(Locale.ROOT)))
        .max(Comparator.comparingInt(e -> e.getKey().length()))
        .map(Map.Entry::getValue)
        .orElse(null);
  }

  /** Prices each model's tokens; models without a price are listed, not guessed. */
  Estimate estimate(Map<String, Usage> usageByModel) {
    double dollars = 0;
    List<String> unpriced = new ArrayList<>();
    for (Map.Entry<String, Usage> e : new TreeMap<>(usageByModel).entrySet()) {
      if (e.getValue().totalTokens() == 0) {
        continue;
      }
      double[] p = priceOf(e.getKey());
      if (p == null) {
        unpriced.add(e.getKey());
        continue;
      }
      dollars += (e.getValue().inputTokens() * p[0] + e.getValue().outputTokens() * p[1]) / 1e6;
    }
    return new Estimate(dollars, unpriced);
  }
}
