package dev.llmclient.cli;

import dev.llmclient.api.Usage;
import dev.llmclient.core.PromptTokenUsage;
import dev.llmclient.core.batch.BatchSummary;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The counts of one {@code llm batch --mode batch-api} run and the summary printed at its end. The
 * counts are updated on the run's thread, except {@link #retriedOnline(boolean)}, which the online
 * calls' threads call.
 */
final class BatchApiReport {

  /** What the Batch APIs charge relative to online calls. */
  static final double BATCH_PRICE_FACTOR = 0.5;

  /** Records answered in a batch. */
  long batchOk;

  /** Records whose line is an error: the batch outcome or the online retry failed. */
  long failed;

  /** Records retried online. */
  long retriedOnline;

  /** Lines rejected as online mode rejects them: a duplicate id or not a usable record. */
  long rejected;

  /** Records with a line in the output already ({@code --resume}). */
  long skipped;

  /** Records answered by the online retry. */
  long onlineOk;

  private final Map<String, Usage> batchUsage = new java.util.TreeMap<>();
  private final Map<String, Usage> onlineUsage = new java.util.TreeMap<>();

  /** Counts one record retried online, answered or failed. */
  synchronized void retriedOnline(boolean ok) {
    if (ok) {
      onlineOk++;
    } else {
      failed++;
    }
    retriedOnline++;
  }

  /** Counts the tokens of one answer that came back from a batch, for the cost estimate. */
  synchronized void batchAnswered(String model, Usage usage) {
    batchUsage.merge(model, usage, Usage::plus);
  }

  /** Counts the tokens of one answer of the online retry, for the cost estimate. */
  synchronized void onlineAnswered(String model, Usage usage) {
    onlineUsage.merge(model, usage, Usage::plus);
  }

  /** Whether any record's line is an error. */
  boolean anyFailed() {
    return failed + rejected > 0;
  }

  /**
   * Prints the summary of the run.
   *
   * @param err where to print it
   * @param options the command's options, for the prices and the output
   * @param summary the batches' summary
   * @param elapsed how long the run took
   * @param online the tokens of the online calls
   * @param missing how many records have no line yet
   */
  synchronized void print(
      PrintWriter err,
      BatchCommand options,
      BatchSummary summary,
      Duration elapsed,
      PromptTokenUsage online,
      long missing) {
    Usage batch = summary.usage();
    CostEstimator prices = new CostEstimator(options.prices);
    CostEstimator.Estimate batchEstimate =
        prices.estimate(
            CostEstimator.withUnattributed(batchUsage, batch.inputTokens(), batch.outputTokens()));
    CostEstimator.Estimate onlineEstimate =
        prices.estimate(
            CostEstimator.withUnattributed(
                onlineUsage, online.inputTokens(), online.outputTokens()));
    double fullBatch = batchEstimate.dollars();
    double onlineCost = onlineEstimate.dollars();
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            Locale.ROOT,
            "llm batch summary (batch-api): %d records in %.1f s%n",
            batchOk + failed + rejected + onlineOk,
            elapsed.toMillis() / 1000.0));
    s.append("  ok (batch): ").append(batchOk).append('\n');
    s.append("  ok (online):")
        .append(' ')
        .append(onlineOk)
        .append(" of ")
        .append(retriedOnline)
        .append(" records retried online\n");
    s.append("  failed:     ").append(failed + rejected).append('\n');
    if (skipped > 0) {
      s.append("  skipped:    ").append(skipped).append(" (already in the output, --resume)\n");
    }
    if (summary.quotaRefusals() > 0) {
      s.append("  quota:      ")
          .append(summary.quotaRefusals())
          .append(" batches refused for the enqueued-token quota and resubmitted\n");
    }
    s.append("  tokens:     ")
        .append(batch.inputTokens())
        .append(" in / ")
        .append(batch.outputTokens())
        .append(" out enqueued in batches; ")
        .append(online.inputTokens())
        .append(" in / ")
        .append(online.outputTokens())
        .append(" out online\n");
    s.append(
        String.format(
            Locale.ROOT,
            "  est. cost:  $%.4f (batch $%.4f after the 50%% discount, saved $%.4f; online $%.4f)%n",
            fullBatch * BATCH_PRICE_FACTOR + onlineCost,
            fullBatch * BATCH_PRICE_FACTOR,
            fullBatch * (1 - BATCH_PRICE_FACTOR),
            onlineCost));
    Set<String> unpriced = new java.util.TreeSet<>(batchEstimate.unpriced());
    unpriced.addAll(onlineEstimate.unpriced());
    if (!unpriced.isEmpty()) {
      s.append("              (no price for ")
          .append(String.join(", ", unpriced))
          .append("; add --price MODEL=IN,OUT per million tokens)\n");
    }
    if (missing > 0) {
      s.append("  missing:    ")
          .append(missing)
          .append(" records have no line yet; run the same command with --resume\n");
    }
    s.append("  results:    ").append(options.out).append('\n');
    err.print(TerminalText.safe(s.toString()));
    err.flush();
  }
}
