package dev.llmclient.containers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmclient.api.LlmClient;
import dev.llmclient.redis.RedisBudgetStore;
import dev.llmclient.testkit.simulator.Deployment;
import dev.llmclient.testkit.simulator.LlmSimulator;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Redis dies while two replicas share its budget: no call is lost or hung, each replica says so
 * once in its log and counts it, decides on its local budget meanwhile, and is back on Redis as
 * soon as a new Redis answers on the same address.
 */
@RequiresDockerEngine(images = LocalImages.REDIS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RedisOutageTest {

  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  /** Copies what is written to System.err (slf4j-simple's target) into a buffer as well. */
  private static ByteArrayOutputStream teeStderr(List<AutoCloseable> resources) {
    PrintStream before = System.err;
    ByteArrayOutputStream copy = new ByteArrayOutputStream();
    OutputStream both =
        new OutputStream() {
          @Override
          public void write(int b) {
            before.write(b);
            synchronized (copy) {
              copy.write(b);
            }
          }

          @Override
          public void write(byte[] b, int off, int len) {
            before.write(b, off, len);
            synchronized (copy) {
              copy.write(b, off, len);
            }
          }
        };
    System.setErr(new PrintStream(both, true, StandardCharsets.UTF_8));
    resources.add(() -> System.setErr(before));
    return copy;
  }

  @Test
  void redisKilledMidRunLosesNoCallIsLoggedOnceAndCountedAndIsUsedAgainWhenBack() throws Exception {
    ByteArrayOutputStream log = teeStderr(resources);
    RedisServer redis = RedisServer.start();
    resources.add(redis);
    LlmSimulator sim =
        LlmSimulator.builder()
            .apiKey(RedisSharedBudgetTest.KEY)
            .maxRecordedRequests(0)
            .deployment(Deployment.of("gpt-4o").withRequestsPerMinute(RedisSharedBudgetTest.RPM))
            .rateLimitWindow(Duration.ofSeconds(1))
            .start();
    resources.add(sim);
    List<RedisBudgetStore> stores = new ArrayList<>();
    List<LlmClient> replicas = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      RedisBudgetStore store =
          RedisBudgetStore.builder()
              .uri(redis.uri())
              .prefix("llmclient:outage")
              .probeInterval(Duration.ofMillis(200))
              .fallbackShare(0.5) // two replicas
              .build();
      resources.add(store);
      stores.add(store);
      replicas.add(RedisSharedBudgetTest.replica(sim, store, resources));
    }

    int calls = 200;
    List<CompletableFuture<Integer>> running = RedisSharedBudgetTest.runAll(replicas, calls, 16);
    Thread.sleep(2_500);
    long killedAt = System.nanoTime();
    redis.kill();
    long firstFallback = waitFor(() -> stores.get(0).fallbackDecisions() > 0, killedAt);
    Thread.sleep(2_000);
    redis.restart();
    long restartedAt = System.nanoTime();
    long back =
        waitFor(() -> stores.stream().allMatch(RedisBudgetStore::isRedisAvailable), restartedAt);
    int ok = running.stream().mapToInt(CompletableFuture::join).sum();

    List<String> keys = redis.with(c -> c.keys("llmclient:outage:budget:*"));
    String text;
    synchronized (log) {
      text = log.toString(StandardCharsets.UTF_8);
    }
    List<String> fallbackLines =
        text.lines().filter(l -> l.contains("WARN dev.llmclient.redis")).toList();
    System.out.printf(
        "[redis outage] %d calls, %d ok; 429s %d of %d requests; first local decision %d ms after"
            + " the kill; back on Redis %d ms after the restart; per replica: outages %s,"
            + " fallback decisions %s%n",
        2 * calls,
        ok,
        sim.counters().rateLimited(),
        sim.counters().totalRequests(),
        firstFallback,
        back,
        stores.stream().map(RedisBudgetStore::outages).toList(),
        stores.stream().map(RedisBudgetStore::fallbackDecisions).toList());

    assertThat(ok).as("no call lost").isEqualTo(2 * calls);
    assertThat(stores).allSatisfy(s -> assertThat(s.outages()).isEqualTo(1));
    assertThat(stores).allSatisfy(s -> assertThat(s.fallbackDecisions()).isPositive());
    assertThat(stores).allSatisfy(s -> assertThat(s.isRedisAvailable()).isTrue());
    assertThat(fallbackLines).as("one WARN per replica").hasSize(2);
    assertThat(fallbackLines)
        .allSatisfy(l -> assertThat(l).contains("counts requests in this process only"));
    assertThat(text).doesNotContain("ConnectionWatchdog");
    assertThat(keys).as("the new Redis holds the budget again").isNotEmpty();
  }

  /** Waits up to 30 s for the condition; returns the milliseconds since {@code since}. */
  private static long waitFor(java.util.function.BooleanSupplier condition, long since)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition met within 30 s").isLessThan(deadline);
      Thread.sleep(5);
    }
    return (System.nanoTime() - since) / 1_000_000;
  }
}
