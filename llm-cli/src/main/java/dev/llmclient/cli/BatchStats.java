package dev.llmclient.cli;

import dev.llmclient.api.Usage;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** The counters of one batch run, updated from any thread. */
final class BatchStats {

  final AtomicLong ok = new AtomicLong();
  final AtomicLong failed = new AtomicLong();
  final AtomicLong malformed = new AtomicLong();
  final AtomicLong skipped = new AtomicLong();
  final AtomicInteger inFlight = new AtomicInteger();

  private final Map<String, Long> failuresByType = new TreeMap<>();
  private final Map<String, Usage> usageByModel = new HashMap<>();
  private long[] latenciesMillis = new long[1024];
  private int latencyCount;

  /** Records a successful call. */
  synchronized void succeeded(String model, Usage usage, long latencyMillis) {
    ok.incrementAndGet();
    usageByModel.merge(model, usage, Usage::plus);
    addLatency(latencyMillis);
  }

  /** Records a failed call by its exception type. */
  synchronized void failed(String errorType, long latencyMillis) {
    failed.incrementAndGet();
    failuresByType.merge(errorType, 1L, Long::sum);
    addLatency(latencyMillis);
  }

  /** Records a line that is not a usable record, or a duplicate id. */
  synchronized void malformed(String errorType) {
    malformed.incrementAndGet();
    failuresByType.merge(errorType, 1L, Long::sum);
  }

  private void addLatency(long millis) {
    if (latencyCount == latenciesMillis.length) {
      latenciesMillis = Arrays.copyOf(latenciesMillis, latencyCount * 2);
    }
    latenciesMillis[latencyCount++] = millis;
  }

  /** Lines done by this run: results, call failures and malformed lines. */
  long done() {
    return ok.get() + failed.get() + malformed.get();
  }

  /** Failures (call failures and malformed lines) by exception type, sorted by type. */
  synchronized Map<String, Long> failuresByType() {
    return new TreeMap<>(failuresByType);
  }

  /** Tokens of the successful calls by the model that answered. */
  synchronized Map<String, Usage> usageByModel() {
    return new HashMap<>(usageByModel);
  }

  /**
   * A latency percentile of the finished calls (nearest rank).
   *
   * @param percentile 0 to 100
   * @return the latency, or null when no call finished
   */
  synchronized Duration latencyPercentile(double percentile) {
    if (latencyCount == 0) {
      return Duration.ZERO;
    }
    long[] sorted = Arrays.copyOf(latenciesMillis, latencyCount);
    Arrays.sort(sorted);
    return Duration.ofMillis(sorted[nearestRank(percentile, latencyCount) - 1]);
  }

  /** The 1-based nearest rank of a percentile among n values. */
  static int nearestRank(double percentile, int n) {
    int rank = (int) Math.ceil(percentile / 100.0 * n);
    return Math.max(1, Math.min(n, rank));
  }

  /** Whether any calls finished, so that latencies mean something. */
  synchronized boolean hasLatencies() {
    return latencyCount > 0;
  }
}
