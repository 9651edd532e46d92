package dev.llmclient.containers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.llmclient.core.pool.BudgetStore;
import dev.llmclient.redis.RedisBudgetStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Redis budget store's Lua script against a real Redis: the window rules of the in-process
 * store (the cases of llm-core's BudgetStoreTest, with the pool's clock passed through), shared by
 * two stores as two replicas would be, atomic under contention, with Redis's own clock.
 */
@RequiresDockerEngine(images = LocalImages.REDIS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RedisBudgetStoreTest {

  private static final long SECOND = 1_000_000_000L;
  private static final long T0 = 1_700_000_000L * SECOND;

  private static RedisServer redis;
  private final List<RedisBudgetStore> stores = new ArrayList<>();

  @BeforeAll
  static void startRedis() {
    redis = RedisServer.start();
  }

  @AfterAll
  static void stopRedis() {
    if (redis != null) {
      redis.close();
    }
  }

  @AfterEach
  void closeStores() {
    stores.forEach(RedisBudgetStore::close);
    redis.with(c -> c.flushall());
  }

  /** A replica's store on the test's clock. */
  private RedisBudgetStore replica() {
    return store(b -> b.useCallerClock(true));
  }

  private RedisBudgetStore store(java.util.function.UnaryOperator<RedisBudgetStore.Builder> tune) {
    RedisBudgetStore s =
        tune.apply(
                RedisBudgetStore.builder()
                    .uri(redis.uri())
                    .prefix("llmclient:test")
                    .timeout(Duration.ofSeconds(2)))
            .build();
    stores.add(s);
    assertThat(s.isRedisAvailable()).isTrue();
    return s;
  }

  private static BudgetStore.Rules rules(int rpm, int tpm) {
    return new BudgetStore.Rules(Duration.ofSeconds(1), 1.0, rpm, tpm);
  }

  @Test
  void aReservationHoldsItsShareWhileInFlightAndForAWindowAfterItsRelease() {
    RedisBudgetStore store = replica();
    store.register("east", rules(120, 0)); // 2 requests per 1 s window

    BudgetStore.Reservation first = store.tryReserve("east", 1, T0);
    BudgetStore.Reservation second = store.tryReserve("east", 1, T0);
    assertThat(first).isNotNull();
    assertThat(second).isNotNull();
    assertThat(first.key()).isEqualTo("east");

    assertThat(store.tryReserve("east", 1, T0)).isNull();
    assertThat(store.check("east", 1, T0).waitNanos()).isEqualTo(SECOND);

    store.release(first, 1, T0 + SECOND / 2);
    assertThat(store.tryReserve("east", 1, T0 + SECOND)).isNull();
    assertThat(store.check("east", 1, T0 + SECOND).waitNanos()).isEqualTo(SECOND / 2);
    assertThat(store.tryReserve("east", 1, T0 + SECOND + SECOND / 2)).isNotNull();
    List<String> keys = redis.with(c -> c.keys("llmclient:test:budget:*"));
    // the finished request left the window, and an empty sorted set is no key in Redis
    assertThat(keys)
        .containsExactlyInAnyOrder(
            "llmclient:test:budget:{east}", "llmclient:test:budget:{east}:inflight");
  }

  @Test
  void releaseCountsTheChargedTokensInsteadOfTheEstimateAndASecondReleaseDoesNothing() {
    RedisBudgetStore store = replica();
    store.register("east", rules(0, 600)); // 10 tokens per window
    BudgetStore.Reservation big = store.tryReserve("east", 9, T0);
    assertThat(big).isNotNull();
    assertThat(big.tokens()).isEqualTo(9);
    assertThat(store.tryReserve("east", 2, T0)).isNull();

    store.release(big, 3, T0);
    store.release(big, 9, T0);

    assertThat(store.tryReserve("east", 2, T0)).isNotNull();
    BudgetStore.Check now = store.check("east", 2, T0);
    assertThat(now.waitNanos()).isZero();
    assertThat(now.headroom()).isCloseTo(0.5, within(1e-6)); // 3 charged + 2 in flight of 10
    assertThat(store.tryReserve("east", 6, T0)).as("3 + 2 + 6 > 10").isNull();
  }

  @Test
  void limitsOneReplicaLearnsAndItsHoldsApplyToEveryReplica() {
    RedisBudgetStore a = replica();
    RedisBudgetStore b = replica();
    a.register("east", rules(0, 0));
    b.register("east", rules(0, 0));

    a.learnLimits("east", 60, 90_000);
    assertThat(a.limits("east")).isEqualTo(new BudgetStore.Limits(60, 90_000));
    BudgetStore.Reservation r = b.tryReserve("east", 1, T0);
    assertThat(r).isNotNull();
    assertThat(b.limits("east"))
        .as("learnt from a, through Redis")
        .isEqualTo(new BudgetStore.Limits(60, 90_000));
    b.release(r, 1, T0);
    assertThat(a.tryReserve("east", 1, T0)).as("one request per 1 s window").isNull();

    a.register("west", rules(0, 0));
    b.register("west", rules(0, 0));
    a.check("west", 1, T0); // the pool's now, before the server said to hold
    a.holdUntil("west", T0 + 3 * SECOND);
    a.holdUntil("west", T0 + SECOND); // an earlier hold does not shorten it
    // a's commands run in order on its connection: this answer comes after the holds landed
    assertThat(a.tryReserve("west", 1, T0 + SECOND)).isNull();
    assertThat(b.tryReserve("west", 1, T0 + 2 * SECOND)).isNull();
    assertThat(b.check("west", 1, T0 + 2 * SECOND)).isEqualTo(new BudgetStore.Check(SECOND, 0.0));
    assertThat(b.tryReserve("west", 1, T0 + 3 * SECOND)).isNotNull();
  }

  @Test
  void aKeyRegisteredTwiceKeepsItsFirstRulesAndItsCountAcrossReplicas() {
    RedisBudgetStore a = replica();
    RedisBudgetStore b = replica();
    a.register("east", rules(60, 0));
    assertThat(a.tryReserve("east", 1, T0)).isNotNull();

    b.register("east", rules(6000, 0));

    assertThat(b.tryReserve("east", 1, T0)).isNull();
    assertThat(b.limits("east").requestsPerMinute()).isEqualTo(60);
  }

  @Test
  void aRequestLargerThanAWindowsShareIsAdmittedOnlyWhenNothingElseCounts() {
    RedisBudgetStore store = replica();
    store.register("east", rules(0, 600)); // 10 tokens per window
    BudgetStore.Reservation small = store.tryReserve("east", 2, T0);
    assertThat(small).isNotNull();
    assertThat(store.tryReserve("east", 50, T0)).isNull();
    store.release(small, 2, T0);
    assertThat(store.tryReserve("east", 50, T0 + SECOND / 2)).isNull();
    assertThat(store.check("east", 50, T0 + SECOND / 2).waitNanos()).isEqualTo(SECOND / 2);
    assertThat(store.tryReserve("east", 50, T0 + SECOND)).isNotNull();
  }

  @Test
  void replicasReservingAtOnceGetExactlyTheWindowsShareOnRedisTime() throws Exception {
    RedisBudgetStore a = store(b -> b);
    RedisBudgetStore b = store(x -> x);
    // 600 rpm over a 10 s window: 100 requests; each replica's clock is 1 h off
    BudgetStore.Rules rules = new BudgetStore.Rules(Duration.ofSeconds(10), 1.0, 600, 0);
    a.register("east", rules);
    b.register("east", rules);
    ExecutorService threads = Executors.newFixedThreadPool(8);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < 160; i++) {
        RedisBudgetStore store = i % 2 == 0 ? a : b;
        long skew = (i % 2 == 0 ? 3600 : -3600) * SECOND;
        results.add(
            threads.submit(
                () -> {
                  go.await();
                  return store.tryReserve("east", 1, System.currentTimeMillis() * 1_000_000L + skew)
                      != null;
                }));
      }
      go.countDown();
      int granted = 0;
      for (Future<Boolean> f : results) {
        granted += f.get(30, TimeUnit.SECONDS) ? 1 : 0;
      }
      assertThat(granted).isEqualTo(100);
      assertThat(a.fallbackDecisions() + b.fallbackDecisions()).isZero();
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void aScriptRedisForgotIsLoadedAgainInTheSameCall() {
    RedisBudgetStore store = replica();
    store.register("east", rules(120, 0));
    assertThat(store.tryReserve("east", 1, T0)).isNotNull();
    redis.with(c -> c.scriptFlush());
    assertThat(store.tryReserve("east", 1, T0)).isNotNull();
    assertThat(store.tryReserve("east", 1, T0)).isNull();
    assertThat(store.fallbackDecisions()).isZero();
  }

  @Test
  void aRequestWhoseReplicaDiedStopsCountingAfterItsLease() throws Exception {
    RedisBudgetStore dying = store(b -> b.inFlightLease(Duration.ofSeconds(1)));
    RedisBudgetStore survivor = store(b -> b.inFlightLease(Duration.ofSeconds(1)));
    BudgetStore.Rules rules = new BudgetStore.Rules(Duration.ofMillis(100), 1.0, 600, 0);
    dying.register("east", rules); // 1 request per 100 ms window
    survivor.register("east", rules);
    long now = System.currentTimeMillis() * 1_000_000L;
    assertThat(dying.tryReserve("east", 1, now)).isNotNull();
    dying.close(); // never released
    assertThat(survivor.tryReserve("east", 1, now)).isNull();
    Thread.sleep(1_200);
    assertThat(survivor.tryReserve("east", 1, System.currentTimeMillis() * 1_000_000L)).isNotNull();
  }

  @Test
  void releasesMadeWhileRedisHungAreSentWhenItAnswersAgain() throws Exception {
    RedisBudgetStore store =
        store(b -> b.timeout(Duration.ofMillis(50)).probeInterval(Duration.ofMillis(100)));
    store.register("east", rules(6000, 0));
    long now = System.currentTimeMillis() * 1_000_000L;
    BudgetStore.Reservation held = store.tryReserve("east", 1, now);
    assertThat(held).isNotNull();
    redis.pause();
    try {
      for (int i = 0; i < 2; i++) {
        assertThat(store.tryReserve("east", 1, now)).as("a late answer: refused for now").isNull();
      }
      assertThat(store.lateAnswers()).isEqualTo(2);
      assertThat(store.tryReserve("east", 1, now))
          .as("the third late answer in a row: Redis is down, decided locally")
          .isNotNull();
      assertThat(store.isRedisAvailable()).isFalse();
      store.release(held, 1, now);
    } finally {
      redis.unpause();
    }
    Thread.sleep(150); // past the probe interval
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!store.isRedisAvailable() && System.nanoTime() < deadline) {
      store.tryReserve("east", 1, System.currentTimeMillis() * 1_000_000L);
      Thread.sleep(20);
    }
    assertThat(store.isRedisAvailable()).isTrue();
    // In flight in the end: the probe's own reservation only. The held one was released, and so
    // were the three Redis granted late (after the unpause), while this store was on its fallback.
    long inFlight = 0;
    while (System.nanoTime() < deadline) {
      inFlight = redis.with(c -> c.zcard("llmclient:test:budget:{east}:inflight"));
      if (inFlight == 1) {
        break;
      }
      Thread.sleep(20);
    }
    assertThat(inFlight).isEqualTo(1);
  }
}
