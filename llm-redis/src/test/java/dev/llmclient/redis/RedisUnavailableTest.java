package dev.llmclient.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmclient.core.pool.BudgetStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Without a Redis that answers, the stores decide on their fallback within their bounded wait:
 * never a failed, lost or held call. A Redis that hangs is {@link SilentRedis}; one that is not
 * there is a loopback port nobody listens on.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisUnavailableTest {

  private static final long SECOND = 1_000_000_000L;
  private static final long T0 = 1_000 * SECOND;

  private static BudgetStore.Rules rules(int rpm, int tpm) {
    return new BudgetStore.Rules(Duration.ofSeconds(1), 1.0, rpm, tpm);
  }

  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Runs the action with System.err captured (slf4j-simple writes there) and returns the text. */
  private static String stderrOf(Runnable action) {
    PrintStream before = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      action.run();
    } finally {
      System.setErr(before);
    }
    String text = captured.toString(StandardCharsets.UTF_8);
    before.print(text);
    return text;
  }

  @Test
  void withNoRedisTheLocalFallbackKeepsTheSameRulesAndTheOutageIsLoggedOnceAndCounted()
      throws IOException {
    int port = closedPort();
    String[] log = new String[1];
    log[0] =
        stderrOf(
            () -> {
              try (RedisBudgetStore store =
                  RedisBudgetStore.builder()
                      .uri("redis://:s3cret-pass@127.0.0.1:" + port)
                      .timeout(Duration.ofMillis(50))
                      .probeInterval(Duration.ofMinutes(1))
                      .build()) {
                store.register("east", rules(120, 0)); // 2 requests per 1 s window
                BudgetStore.Reservation first = store.tryReserve("east", 1, T0);
                BudgetStore.Reservation second = store.tryReserve("east", 1, T0);
                assertThat(first).isNotNull();
                assertThat(second).isNotNull();
                assertThat(store.tryReserve("east", 1, T0)).isNull();
                assertThat(store.check("east", 1, T0).waitNanos()).isEqualTo(SECOND);
                store.release(first, 1, T0 + SECOND / 2);
                assertThat(store.check("east", 1, T0 + SECOND).waitNanos()).isEqualTo(SECOND / 2);
                assertThat(store.tryReserve("east", 1, T0 + SECOND + SECOND / 2)).isNotNull();

                assertThat(store.isRedisAvailable()).isFalse();
                assertThat(store.outages()).isEqualTo(1);
                assertThat(store.fallbackDecisions()).isEqualTo(4);
              }
            });
    assertThat(log[0].lines().filter(l -> l.contains("WARN")).count()).isEqualTo(1);
    assertThat(log[0])
        .contains("Redis at 127.0.0.1:" + port)
        .contains("counts requests in this process only")
        .doesNotContain("s3cret-pass");
  }

  @Test
  void aRedisThatHangsCostsAFewBoundedWaitsEachRefusedForNowThenTheFallbackDecidesAtOnce()
      throws IOException {
    try (SilentRedis silent = new SilentRedis();
        RedisBudgetStore store =
            RedisBudgetStore.builder()
                .uri("redis://127.0.0.1:" + silent.port())
                .timeout(Duration.ofMillis(50))
                .probeInterval(Duration.ofMinutes(1))
                .build()) {
      assertThat(store.isRedisAvailable()).as("connected: the handshake was answered").isTrue();
      store.register("east", rules(60, 0)); // 1 request per 1 s window

      List<Long> millis = new ArrayList<>();
      List<BudgetStore.Reservation> reservations = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        long start = System.nanoTime();
        reservations.add(store.tryReserve("east", 1, T0));
        millis.add((System.nanoTime() - start) / 1_000_000);
      }

      assertThat(reservations.subList(0, 2))
          .as("a late answer is no outage: refused for now, not admitted by the local budget")
          .containsOnlyNulls();
      assertThat(store.lateAnswers()).isEqualTo(2);
      assertThat(reservations.get(2))
          .as("the third late answer in a row: Redis is down, the local budget decides")
          .isNotNull();
      assertThat(reservations.subList(3, 5)).as("1 request per window locally").containsOnlyNulls();
      assertThat(silent.unanswered()).isEqualTo(RedisLink.TIMEOUTS_FOR_DOWN);
      assertThat(millis.subList(0, 3))
          .as("a bounded wait each")
          .allMatch(m -> m >= 40 && m < 2_000);
      assertThat(millis.subList(3, 5)).as("no wait once Redis is down").allMatch(m -> m < 40);
      assertThat(store.outages()).isEqualTo(1);
      assertThat(store.isRedisAvailable()).isFalse();
      assertThat(store.fallbackDecisions()).isEqualTo(3);
    }
  }

  @Test
  void underTheUnlimitedFallbackEveryRequestIsAdmittedAndAFallbackShareScalesTheLocalBudget()
      throws IOException {
    int port = closedPort();
    try (RedisBudgetStore unlimited =
            RedisBudgetStore.builder()
                .uri("redis://127.0.0.1:" + port)
                .whenUnavailable(RedisBudgetStore.Fallback.UNLIMITED)
                .build();
        RedisBudgetStore half =
            RedisBudgetStore.builder()
                .uri("redis://127.0.0.1:" + port)
                .fallbackShare(0.5)
                .build()) {
      unlimited.register("east", rules(60, 0));
      for (int i = 0; i < 5; i++) {
        BudgetStore.Reservation r = unlimited.tryReserve("east", 1, T0);
        assertThat(r).isNotNull();
        unlimited.release(r, 1, T0);
      }
      assertThat(unlimited.check("east", 1, T0)).isEqualTo(new BudgetStore.Check(0, 1.0));

      half.register("east", rules(240, 0)); // 4 per window, half of it while Redis is down
      assertThat(half.tryReserve("east", 1, T0)).isNotNull();
      assertThat(half.tryReserve("east", 1, T0)).isNotNull();
      assertThat(half.tryReserve("east", 1, T0)).isNull();
      assertThat(half.limits("east")).isEqualTo(new BudgetStore.Limits(240, 0));
    }
  }

  @Test
  void aCacheWithoutRedisAnswersMissesAndSkipsPutsWithoutFailing() throws IOException {
    try (SilentRedis silent = new SilentRedis();
        RedisResponseCache cache =
            RedisResponseCache.builder()
                .uri("redis://127.0.0.1:" + silent.port())
                .timeout(Duration.ofMillis(50))
                .probeInterval(Duration.ofMinutes(1))
                .build()) {
      String key = "a".repeat(64);
      long start = System.nanoTime();
      for (int i = 0; i < 5; i++) {
        assertThat(cache.get(key)).isNull();
      }
      cache.put(key, "{\"answer\":42}");
      assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(2_000L);
      assertThat(cache.misses()).isEqualTo(5);
      assertThat(cache.outages()).isEqualTo(1);
      assertThat(cache.skippedPuts()).isEqualTo(1);
      assertThat(silent.unanswered())
          .as("only the lookups before Redis counted as down reached the server")
          .isEqualTo(RedisLink.TIMEOUTS_FOR_DOWN);
    }
  }
}
