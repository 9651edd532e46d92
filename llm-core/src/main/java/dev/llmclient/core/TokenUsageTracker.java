package dev.llmclient.core;

import dev.llmclient.api.Usage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Tokens used per prompt name, across calls and threads: Graphiti's {@code TokenUsageTracker}, with
 * failed attempts counted too and an optional cost estimate.
 *
 * <p>Give one tracker to {@link LlmClients.Builder#tokenUsageTracker(TokenUsageTracker)} (several
 * clients may share it); the client records every call that reached the server, keyed by the
 * request's prompt name ({@code "unknown"} when none). Reads return copies. Thread-safe.
 *
 * <pre>{@code
 * TokenUsageTracker usage = new TokenUsageTracker();
 * LlmClient llm = LlmClients.builder().tokenUsageTracker(usage).build();
 * ...
 * System.out.println(usage.summary(TokenUsageTracker.SortBy.TOTAL_TOKENS));
 * }</pre>
 */
public final class TokenUsageTracker {

  /** The key of calls recorded without a prompt name: {@value}. */
  public static final String UNKNOWN = "unknown";

  /** How {@link #summary(SortBy)} orders its rows. */
  public enum SortBy {
    /** Most total tokens first (the default). */
    TOTAL_TOKENS,
    /** Most input tokens first. */
    INPUT_TOKENS,
    /** Most output tokens first. */
    OUTPUT_TOKENS,
    /** Most calls first. */
    CALL_COUNT,
    /** Alphabetically by prompt name. */
    PROMPT_NAME
  }

  private static final class Entry {
    long calls;
    long input;
    long output;
    double cost;
  }

  private final @Nullable PriceTable prices;
  private final Map<String, Entry> entries = new LinkedHashMap<>();

  /** A tracker without prices: costs stay 0. */
  public TokenUsageTracker() {
    this(null);
  }

  /**
   * A tracker that estimates costs.
   *
   * @param prices the price table, or null for none
   */
  public TokenUsageTracker(@Nullable PriceTable prices) {
    this.prices = prices;
  }

  /**
   * Records one call.
   *
   * @param promptName the prompt name, or null for {@value #UNKNOWN}
   * @param inputTokens input tokens
   * @param outputTokens output tokens
   */
  public void record(@Nullable String promptName, long inputTokens, long outputTokens) {
    record(promptName, null, Usage.of(inputTokens, outputTokens));
  }

  /**
   * Records one call, pricing it when the model is in the price table.
   *
   * @param promptName the prompt name, or null for {@value #UNKNOWN}
   * @param model the model or deployment that answered, or null
   * @param usage the call's usage, every attempt included
   */
  public void record(@Nullable String promptName, @Nullable String model, Usage usage) {
    Objects.requireNonNull(usage, "usage");
    String key = promptName == null || promptName.isEmpty() ? UNKNOWN : promptName;
    double cost = prices == null || model == null ? 0.0 : prices.cost(model, usage);
    synchronized (entries) {
      Entry e = entries.computeIfAbsent(key, k -> new Entry());
      e.calls++;
      e.input += usage.inputTokens();
      e.output += usage.outputTokens();
      e.cost += cost;
    }
  }

  /**
   * The usage per prompt name, as a copy: changing it does not change the tracker.
   *
   * @return a new map in first-recorded order
   */
  public Map<String, PromptTokenUsage> usage() {
    Map<String, PromptTokenUsage> copy = new LinkedHashMap<>();
    synchronized (entries) {
      entries.forEach(
          (k, e) -> copy.put(k, new PromptTokenUsage(k, e.calls, e.input, e.output, e.cost)));
    }
    return copy;
  }

  /**
   * The usage of one prompt name.
   *
   * @param promptName the prompt name, or null for {@value #UNKNOWN}
   * @return the usage; all zero when nothing was recorded under that name
   */
  public PromptTokenUsage usage(@Nullable String promptName) {
    String key = promptName == null || promptName.isEmpty() ? UNKNOWN : promptName;
    synchronized (entries) {
      Entry e = entries.get(key);
      return e == null
          ? new PromptTokenUsage(key, 0, 0, 0, 0.0)
          : new PromptTokenUsage(key, e.calls, e.input, e.output, e.cost);
    }
  }

  /**
   * The sum over every prompt name, under the name {@code "total"}.
   *
   * @return the totals
   */
  public PromptTokenUsage totalUsage() {
    long calls = 0;
    long input = 0;
    long output = 0;
    double cost = 0;
    synchronized (entries) {
      for (Entry e : entries.values()) {
        calls += e.calls;
        input += e.input;
        output += e.output;
        cost += e.cost;
      }
    }
    return new PromptTokenUsage("total", calls, input, output, cost);
  }

  /** Forgets everything recorded. */
  public void reset() {
    synchronized (entries) {
      entries.clear();
    }
  }

  /**
   * A fixed-width table of the usage per prompt name and the total, for logs and consoles.
   *
   * @param sortBy the row order
   * @return the table text
   */
  public String summary(SortBy sortBy) {
    List<PromptTokenUsage> rows = new ArrayList<>(usage().values());
    Comparator<PromptTokenUsage> order =
        switch (sortBy) {
          case TOTAL_TOKENS -> Comparator.comparingLong(PromptTokenUsage::totalTokens).reversed();
          case INPUT_TOKENS -> Comparator.comparingLong(PromptTokenUsage::inputTokens).reversed();
          case OUTPUT_TOKENS -> Comparator.comparingLong(PromptTokenUsage::outputTokens).reversed();
          case CALL_COUNT -> Comparator.comparingLong(PromptTokenUsage::callCount).reversed();
          case PROMPT_NAME -> Comparator.comparing(PromptTokenUsage::promptName);
        };
    rows.sort(order);
    StringBuilder sb = new StringBuilder();
    String format = "%-40s %8s %12s %12s %12s %12s%n";
    sb.append(
        String.format(Locale.ROOT, format, "prompt", "calls", "input", "output", "total", "cost"));
    rows.add(totalUsage());
    for (PromptTokenUsage r : rows) {
      sb.append(
          String.format(
              Locale.ROOT,
              format,
              r.promptName(),
              r.callCount(),
              r.inputTokens(),
              r.outputTokens(),
              r.totalTokens(),
              String.format(Locale.ROOT, "%.4f", r.cost())));
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    PromptTokenUsage t = totalUsage();
    return "TokenUsageTracker[calls=" + t.callCount() + ", totalTokens=" + t.totalTokens() + "]";
  }
}
