package dev.llmclient.containers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmRequest;
import dev.llmclient.api.Message;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.core.LlmClients;
import dev.llmclient.core.RetryPolicy;
import dev.llmclient.core.pool.BudgetStore;
import dev.llmclient.core.pool.DeploymentPool;
import dev.llmclient.redis.RedisBudgetStore;
import dev.llmclient.testkit.simulator.Deployment;
import dev.llmclient.testkit.simulator.LlmSimulator;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two replicas (each its own pool and client) call one simulated deployment with an RPM limit: with
 * a budget each, together they send twice what the deployment takes and meet 429s; with the Redis
 * budget store they share one budget and stay within the limit. The numbers are printed.
 */
@RequiresDockerEngine(images = LocalImages.REDIS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RedisSharedBudgetTest {

  static final String KEY = "shared-budget-key";
  static final int RPM = 1200; // 20 requests a second, over 1 s windows
  static final int CALLS_PER_REPLICA = 120;
  static final int IN_FLIGHT_PER_REPLICA = 16;
  static final int MAX_TOKENS = 100; // every call's output cap, which the server's TPM counts
  static final LlmRequest<Map<String, Object>> REQUEST =
      LlmRequest.builder().messages(List.of(Message.user("Answer in JSON, please."))).build();

  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  /** A replica: one pool over the one deployment, with this budget store, and its client. */
  static LlmClient replica(LlmSimulator sim, BudgetStore store, List<AutoCloseable> resources) {
    return replica(sim.azureEndpoint(), ";rpm=" + RPM, store, resources);
  }

  /**
   * A replica of the deployment at this Azure endpoint.
   *
   * @param limits the member's limit attributes, e.g. {@code ;rpm=1200;tpm=90000}
   */
  static LlmClient replica(
      URI endpoint, String limits, BudgetStore store, List<AutoCloseable> resources) {
    // the pool's default utilisation, and the simulator's 1 s windows
    return replica(endpoint, limits, Duration.ofSeconds(1), 0.95, store, resources);
  }

  /**
   * A replica of the deployment at this Azure endpoint that may use this share of its limits.
   *
   * @param limits the member's limit attributes, e.g. {@code ;rpm=1200;tpm=90000}
   * @param window the pool's budget window
   * @param utilisation the pool's budget utilisation
   */
  static LlmClient replica(
      URI endpoint,
      String limits,
      Duration window,
      double utilisation,
      BudgetStore store,
      List<AutoCloseable> resources) {
    ProviderSettings settings =
        ProviderSettings.of(
            Map.of(
                DeploymentPool.DEPLOYMENTS_SETTING,
                "gpt-4o@" + endpoint + ";name=m1" + limits,
                "AZURE_OPENAI_API_KEY",
                KEY));
    DeploymentPool pool =
        DeploymentPool.builder()
            .members(settings)
            .budgetWindow(window)
            .budgetUtilisation(utilisation)
            .budgetStore(store)
            .build();
    resources.add(pool);
    LlmClient llm =
        LlmClients.builder()
            .settings(ProviderSettings.of(Map.of()))
            .backend(pool)
            .retryPolicy(
                RetryPolicy.builder()
                    .maxRetries(8)
                    .initialBackoff(Duration.ofMillis(20))
                    .maxBackoff(Duration.ofMillis(500))
                    .maxRetryAfter(Duration.ofSeconds(5))
                    .deadline(Duration.ofSeconds(120))
                    .build())
            .maxTokens(MAX_TOKENS)
            .build();
    resources.add(llm);
    return llm;
  }

  /** Runs the calls of every replica at once; the futures complete when each replica is done. */
  static List<CompletableFuture<Integer>> runAll(
      List<LlmClient> replicas, int calls, int inFlight) {
    List<CompletableFuture<Integer>> done = new ArrayList<>();
    for (LlmClient llm : replicas) {
      done.add(CompletableFuture.supplyAsync(() -> run(llm, calls, inFlight)));
    }
    return done;
  }

  /** Sends the calls, at most {@code inFlight} at once; returns how many succeeded. */
  static int run(LlmClient llm, int calls, int inFlight) {
    return runTimed(llm, calls, inFlight).ok();
  }

  /**
   * What one replica's run did.
   *
   * @param ok the calls that succeeded
   * @param firstStartMillis wall-clock time the first call was started
   * @param lastEndMillis wall-clock time the last call ended
   * @param maxInputTokens the most prompt tokens the server reported for one call
   */
  record Run(int ok, long firstStartMillis, long lastEndMillis, long maxInputTokens) {}

  /**
   * Sends the calls, at most {@code inFlight} at once, noting the wall-clock instants of the first
   * start and the last end (comparable across processes on one host).
   */
  static Run runTimed(LlmClient llm, int calls, int inFlight) {
    Semaphore permits = new Semaphore(inFlight);
    CountDownLatch done = new CountDownLatch(calls);
    AtomicInteger ok = new AtomicInteger();
    AtomicLong lastEnd = new AtomicLong();
    AtomicLong maxInput = new AtomicLong();
    long firstStart = System.currentTimeMillis();
    try {
      for (int i = 0; i < calls; i++) {
        permits.acquire();
        llm.generateAsync(REQUEST)
            .whenComplete(
                (r, e) -> {
                  if (e == null) {
                    ok.incrementAndGet();
                    maxInput.accumulateAndGet(r.usage().inputTokens(), Math::max);
                  }
                  lastEnd.accumulateAndGet(System.currentTimeMillis(), Math::max);
                  permits.release();
                  done.countDown();
                });
      }
      if (!done.await(150, TimeUnit.SECONDS)) {
        throw new AssertionError("calls still unfinished after 150 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    return new Run(ok.get(), firstStart, lastEnd.get(), maxInput.get());
  }

  record Outcome(int ok, long rateLimited, long requests, long millis) {
    double perSecond() {
      return ok * 1000.0 / millis;
    }
  }

  private Outcome twoReplicas(LlmSimulator sim, Supplier<BudgetStore> stores) {
    sim.reset();
    List<LlmClient> replicas =
        List.of(replica(sim, stores.get(), resources), replica(sim, stores.get(), resources));
    long start = System.nanoTime();
    int ok =
        runAll(replicas, CALLS_PER_REPLICA, IN_FLIGHT_PER_REPLICA).stream()
            .mapToInt(CompletableFuture::join)
            .sum();
    long millis = (System.nanoTime() - start) / 1_000_000;
    return new Outcome(ok, sim.counters().rateLimited(), sim.counters().totalRequests(), millis);
  }

  @Test
  void twoReplicasSharingTheRedisBudgetStayWithinTheLimitWhereLocalBudgetsMeet429s() {
    LlmSimulator sim =
        LlmSimulator.builder()
            .apiKey(KEY)
            .maxRecordedRequests(0)
            .deployment(Deployment.of("gpt-4o").withRequestsPerMinute(RPM))
            .rateLimitWindow(Duration.ofSeconds(1))
            .start();
    resources.add(sim);
    RedisServer redis = RedisServer.start();
    resources.add(0, redis); // closed last, after the stores
    {
      Outcome local = twoReplicas(sim, BudgetStore::inProcess);
      Outcome shared =
          twoReplicas(
              sim,
              () -> {
                RedisBudgetStore store =
                    RedisBudgetStore.builder().uri(redis.uri()).prefix("llmclient:shared").build();
                resources.add(store);
                return store;
              });
      double limitPerSecond = RPM / 60.0;
      for (AutoCloseable r : resources) {
        if (r instanceof RedisBudgetStore store) {
          System.out.printf(
              "[redis budget] %s: %d outages, %d decisions by the fallback%n",
              store, store.outages(), store.fallbackDecisions());
        }
      }
      System.out.printf(
          "[redis budget] 2 replicas x %d calls, %d in flight each, deployment limit %d rpm"
              + " (%.0f/s over 1 s windows)%n"
              + "  local budgets only: %d ok, %d 429s of %d requests, %.1f calls/s in %d ms%n"
              + "  shared Redis budget: %d ok, %d 429s of %d requests, %.1f calls/s in %d ms"
              + " (%.0f %% of the limit)%n",
          CALLS_PER_REPLICA,
          IN_FLIGHT_PER_REPLICA,
          RPM,
          limitPerSecond,
          local.ok(),
          local.rateLimited(),
          local.requests(),
          local.perSecond(),
          local.millis(),
          shared.ok(),
          shared.rateLimited(),
          shared.requests(),
          shared.perSecond(),
          shared.millis(),
          100 * shared.perSecond() / limitPerSecond);

      assertThat(local.ok()).isEqualTo(2 * CALLS_PER_REPLICA);
      assertThat(shared.ok()).isEqualTo(2 * CALLS_PER_REPLICA);
      assertThat(local.rateLimited())
          .as("two local budgets admit twice the limit")
          .isGreaterThanOrEqualTo(20);
      assertThat(shared.rateLimited())
          .as("one shared budget: a handful at most")
          .isLessThanOrEqualTo(5);
      assertThat(shared.perSecond())
          .as("never above the limit")
          .isLessThanOrEqualTo(limitPerSecond * 1.05);
    }
  }
}
