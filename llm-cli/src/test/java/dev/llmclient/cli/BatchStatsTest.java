package dev.llmclient.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmclient.api.Usage;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BatchStatsTest {

  @Test
  void percentilesUseTheNearestRank() {
    BatchStats stats = new BatchStats();
    for (int ms = 100; ms >= 1; ms--) {
      stats.succeeded("m", Usage.of(1, 1), ms);
    }

    assertThat(stats.latencyPercentile(50)).isEqualTo(Duration.ofMillis(50));
    assertThat(stats.latencyPercentile(95)).isEqualTo(Duration.ofMillis(95));
    assertThat(stats.latencyPercentile(100)).isEqualTo(Duration.ofMillis(100));
  }

  @Test
  void aSingleLatencyIsEveryPercentile() {
    BatchStats stats = new BatchStats();
    stats.failed("ServerException", 42);

    assertThat(stats.latencyPercentile(50)).isEqualTo(Duration.ofMillis(42));
    assertThat(stats.latencyPercentile(95)).isEqualTo(Duration.ofMillis(42));
  }

  @Test
  void failuresAreCountedByTypeAndUsageByModel() {
    BatchStats stats = new BatchStats();
    stats.succeeded("a", Usage.of(10, 1), 1);
    stats.succeeded("a", Usage.of(5, 2), 1);
    stats.failed("RateLimitException", 1);
    stats.failed("RateLimitException", 1);
    stats.malformed("MalformedRecord");

    assertThat(stats.done()).isEqualTo(5);
    assertThat(stats.failuresByType())
        .containsExactly(
            java.util.Map.entry("MalformedRecord", 1L),
            java.util.Map.entry("RateLimitException", 2L));
    assertThat(stats.usageByModel()).containsEntry("a", Usage.of(15, 3));
  }
}
