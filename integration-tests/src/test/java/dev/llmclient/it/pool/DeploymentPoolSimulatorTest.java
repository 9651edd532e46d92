package dev.llmclient.it.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmRequest;
import dev.llmclient.api.LlmResponse;
import dev.llmclient.api.Message;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.core.LlmClients;
import dev.llmclient.core.PriceTable;
import dev.llmclient.core.RetryPolicy;
import dev.llmclient.core.TokenUsageTracker;
import dev.llmclient.core.pool.CircuitBreakerPolicy;
import dev.llmclient.core.pool.DeploymentPool;
import dev.llmclient.core.pool.DeploymentPoolBuilder;
import dev.llmclient.core.pool.DeploymentStats;
import dev.llmclient.core.pool.DeploymentUnavailableException;
import dev.llmclient.testkit.simulator.Deployment;
import dev.llmclient.testkit.simulator.Fault;
import dev.llmclient.testkit.simulator.LatencyModel;
import dev.llmclient.testkit.simulator.LlmSimulator;
import dev.llmclient.testkit.simulator.RecordedRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A {@link DeploymentPool} configured from {@code AZURE_OPENAI_DEPLOYMENTS} over two and three
 * simulated Azure OpenAI deployments (one simulator each, as separate regions would be), through
 * the real Azure provider and the full client pipeline. Every run is bounded in calls and time.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DeploymentPoolSimulatorTest {

  private static final String KEY = "pool-test-key";
  private static final LlmRequest<Map<String, Object>> REQUEST =
      LlmRequest.builder().messages(List.of(Message.user("Answer in JSON, please."))).build();

  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  private LlmSimulator simulator(UnaryOperator<LlmSimulator.Builder> customise) {
    LlmSimulator sim =
        customise.apply(LlmSimulator.builder().apiKey(KEY).maxRecordedRequests(0)).start();
    resources.add(sim);
    return sim;
  }

  private LlmSimulator simulator() {
    return simulator(b -> b.deployment("gpt-4o"));
  }

  /** The setting for one member per simulator, named m1, m2, ..., with per-member attributes. */
  private static ProviderSettings settings(List<LlmSimulator> sims, IntFunction<String> extra) {
    StringBuilder members = new StringBuilder();
    for (int i = 0; i < sims.size(); i++) {
      members
          .append(i == 0 ? "" : ", ")
          .append("gpt-4o@")
          .append(sims.get(i).azureEndpoint())
          .append(";name=m")
          .append(i + 1)
          .append(extra.apply(i));
    }
    return ProviderSettings.of(
        Map.of(
            DeploymentPool.DEPLOYMENTS_SETTING,
            members.toString(),
            "AZURE_OPENAI_API_KEY",
            KEY,
            "LLM_HTTP_MAX_CONNECTIONS",
            "128"));
  }

  private DeploymentPool pool(
      List<LlmSimulator> sims,
      IntFunction<String> extra,
      UnaryOperator<DeploymentPoolBuilder> tune) {
    DeploymentPool pool =
        tune.apply(DeploymentPool.builder().members(settings(sims, extra))).build();
    resources.add(pool);
    return pool;
  }

  private LlmClient client(DeploymentPool pool, RetryPolicy retry) {
    LlmClient llm =
        LlmClients.builder()
            .settings(ProviderSettings.of(Map.of()))
            .backend(pool)
            .retryPolicy(retry)
            .maxTokens(200)
            .build();
    resources.add(llm);
    return llm;
  }

  private static RetryPolicy retries(int count) {
    return RetryPolicy.builder()
        .maxRetries(count)
        .initialBackoff(Duration.ofMillis(20))
        .maxBackoff(Duration.ofMillis(200))
        .maxRetryAfter(Duration.ofSeconds(5))
        .deadline(Duration.ofSeconds(60))
        .build();
  }

  /** The outcome of a run: successes and failures by exception type. */
  record Run(int ok, Map<String, Integer> failures, long millis) {}

  private static Run run(LlmClient llm, int calls, int inFlight) throws InterruptedException {
    Semaphore permits = new Semaphore(inFlight);
    CountDownLatch done = new CountDownLatch(calls);
    AtomicInteger ok = new AtomicInteger();
    Map<String, Integer> failures = new ConcurrentHashMap<>();
    long start = System.nanoTime();
    for (int i = 0; i < calls; i++) {
      permits.acquire();
      llm.generateAsync(REQUEST)
          .whenComplete(
              (r, e) -> {
                if (e == null) {
                  ok.incrementAndGet();
                } else {
                  Throwable cause = e.getCause() != null ? e.getCause() : e;
                  failures.merge(cause.getClass().getSimpleName(), 1, Integer::sum);
                }
                permits.release();
                done.countDown();
              });
    }
    assertThat(done.await(90, TimeUnit.SECONDS)).as("every call finished in time").isTrue();
    return new Run(ok.get(), new HashMap<>(failures), (System.nanoTime() - start) / 1_000_000);
  }

  private static long rateLimited(List<LlmSimulator> sims) {
    return sims.stream().mapToLong(s -> s.counters().rateLimited()).sum();
  }

  private static long requests(List<LlmSimulator> sims) {
    return sims.stream().mapToLong(s -> s.counters().totalRequests()).sum();
  }

  private static DeploymentStats member(DeploymentPool pool, String name) {
    return pool.stats().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
  }

  // ---- one member throttled -------------------------------------------------------------------

  @Test
  void whenOneOfTwoDeploymentsIsThrottledTrafficMovesAndItsBudgetCuts429s() throws Exception {
    // m1 admits 10 requests a second (600 rpm over 1 s windows); m2 is generous
    LlmSimulator throttled =
        simulator(
            b ->
                b.deployment(Deployment.of("gpt-4o").withRequestsPerMinute(600))
                    .rateLimitWindow(Duration.ofSeconds(1)));
    LlmSimulator healthy = simulator();
    List<LlmSimulator> sims = List.of(throttled, healthy);

    DeploymentPool blind = pool(sims, i -> "", b -> b.learnLimits(false));
    Run without = run(client(blind, retries(5)), 400, 32);
    long throttledWithout = rateLimited(sims);

    throttled.reset();
    healthy.reset();
    DeploymentPool budgeted =
        pool(sims, i -> i == 0 ? ";rpm=600" : "", b -> b.budgetWindow(Duration.ofSeconds(1)));
    Run with = run(client(budgeted, retries(5)), 400, 32);
    long throttledWith = rateLimited(sims);

    System.out.printf(
        "[pool] one of two throttled, 400 calls at 32 in flight: 429s without budget %d (%s),"
            + " with budget %d (%s)%n  without: %s%n  with: %s%n",
        throttledWithout, without, throttledWith, with, blind.stats(), budgeted.stats());
    assertThat(without.ok()).isEqualTo(400);
    assertThat(with.ok()).isEqualTo(400);
    assertThat(member(blind, "m2").successes())
        .as("traffic moved to the healthy member")
        .isGreaterThan(member(blind, "m1").successes() * 3);
    assertThat(member(blind, "m1").failovers()).isPositive();
    assertThat(throttledWithout).isPositive();
    assertThat(throttledWith).isLessThan(throttledWithout);
  }

  // ---- one member down ------------------------------------------------------------------------

  @Test
  void aDeploymentThatIsDownIsBrokenOffThenProbedAndUsedAgainAfterItRecovers() throws Exception {
    LlmSimulator a = simulator();
    LlmSimulator b = simulator();
    LlmSimulator down =
        simulator(s -> s.deployment("gpt-4o").fault(Fault.status(503)).maxRecordedRequests(1_000));
    List<LlmSimulator> sims = List.of(a, b, down);
    DeploymentPool pool =
        pool(
            sims,
            i -> "",
            p ->
                p.circuitBreaker(
                    CircuitBreakerPolicy.builder()
                        .window(10)
                        .minimumCalls(5)
                        .openDuration(Duration.ofMillis(500))
                        .probeCalls(2)
                        .build()));
    LlmClient llm = client(pool, retries(2));

    Run outage = run(llm, 300, 8);

    assertThat(outage.ok()).isEqualTo(300);
    DeploymentStats m3 = member(pool, "m3");
    assertThat(m3.breakerState()).isIn("OPEN", "HALF_OPEN");
    assertThat(m3.successes()).isZero();
    // five failures open it; afterwards at most two probes per half-second reach it, counted over
    // the time the member was being hit, on its simulator's clock
    List<RecordedRequest> hits = down.requests();
    assertThat(hits).hasSize((int) down.counters().totalRequests());
    long hitMillis =
        Duration.between(hits.get(0).receivedAt(), hits.get(hits.size() - 1).receivedAt())
            .toMillis();
    long probeWindows = hitMillis / 500 + 1;
    assertThat(down.counters().totalRequests()).isBetween(5L, 5 + 2 * probeWindows + 5);

    down.clearFaults();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (member(pool, "m3").successes() == 0 && System.nanoTime() < deadline) {
      assertThat(run(llm, 20, 4).ok()).isEqualTo(20);
    }
    Run recovered = run(llm, 60, 4);
    LlmResponse<Map<String, Object>> one = llm.generate(REQUEST);
    assertThat(pool.memberFor(one.requestId())).get().isIn("m1", "m2", "m3");
    assertThat(one.servedBy()).isEqualTo(pool.memberFor(one.requestId()).orElseThrow());

    System.out.printf("[pool] one of three down, then recovered: %s%n", pool.stats());
    assertThat(recovered.ok()).isEqualTo(60);
    assertThat(member(pool, "m3").breakerState()).isEqualTo("CLOSED");
    assertThat(member(pool, "m3").successes()).isGreaterThan(5);
  }

  @Test
  void withEveryDeploymentDownACallFailsFastWithATypedException() throws Exception {
    LlmSimulator a = simulator(s -> s.deployment("gpt-4o").fault(Fault.status(500)));
    LlmSimulator b = simulator(s -> s.deployment("gpt-4o").fault(Fault.resetBeforeHeaders()));
    List<LlmSimulator> sims = List.of(a, b);
    DeploymentPool pool =
        pool(
            sims,
            i -> "",
            p ->
                p.circuitBreaker(
                    CircuitBreakerPolicy.builder()
                        .window(4)
                        .minimumCalls(4)
                        .openDuration(Duration.ofMinutes(1))
                        .probeCalls(1)
                        .build()));
    LlmClient llm = client(pool, retries(1));

    Run failing = run(llm, 4, 1);
    assertThat(failing.ok()).isZero();
    long sent = requests(sims);

    long start = System.nanoTime();
    assertThatThrownBy(() -> llm.generate(REQUEST))
        .isInstanceOf(DeploymentUnavailableException.class)
        .hasMessageContaining("m1 open until")
        .hasMessageContaining("m2 open until");
    long tookMillis = (System.nanoTime() - start) / 1_000_000;

    System.out.printf("[pool] all down: failed fast in %d ms%n", tookMillis);
    assertThat(tookMillis).isLessThan(500);
    assertThat(requests(sims)).isEqualTo(sent);
  }

  // ---- scale ----------------------------------------------------------------------------------

  @Test
  void tenThousandCallsAt256InFlightOverThreeDeploymentsLoseNothing() throws Exception {
    UnaryOperator<LlmSimulator.Builder> slowish =
        s -> s.deployment("gpt-4o").latency(LatencyModel.fixed(Duration.ofMillis(5)));
    List<LlmSimulator> sims = List.of(simulator(slowish), simulator(slowish), simulator(slowish));
    PriceTable prices = PriceTable.builder().price("gpt-4o", 2.50, 10.00).build();
    TokenUsageTracker tracker = new TokenUsageTracker(prices);
    DeploymentPool pool = pool(sims, i -> "", p -> p.prices(prices));
    LlmClient llm =
        LlmClients.builder()
            .settings(ProviderSettings.of(Map.of()))
            .backend(pool)
            .retryPolicy(retries(2))
            .maxTokens(200)
            .tokenUsageTracker(tracker)
            .build();
    resources.add(llm);

    Run big = run(llm, 10_000, 256);

    long answered = pool.stats().stream().mapToLong(DeploymentStats::successes).sum();
    System.out.printf(
        "[pool] 10,000 calls at 256 in flight over 3 members: %s; max in flight per simulator %s;"
            + " stats %s%n",
        big, sims.stream().map(s -> s.counters().maxInFlight()).toList(), pool.stats());
    assertThat(big.ok()).isEqualTo(10_000);
    assertThat(big.failures()).isEmpty();
    assertThat(answered).isEqualTo(10_000);
    assertThat(requests(sims)).isEqualTo(10_000);
    assertThat(pool.stats()).allSatisfy(s -> assertThat(s.successes()).isGreaterThan(1_000));
    assertThat(big.millis()).isLessThan(60_000);
    // cost per member adds up to the cost per prompt name
    assertThat(pool.totalCost()).isPositive().isCloseTo(tracker.totalUsage().cost(), within(1e-9));
  }

  // ---- budgets at the simulator's limits ------------------------------------------------------

  @Test
  void withBudgetsAtTheDeploymentsLimitsFewerThanOnePercentOfCallsAreThrottled() throws Exception {
    // each deployment: 200 requests and 40,000 tokens a second, over 1 s windows; a call counts
    // about 13 prompt tokens plus its 200-token cap
    UnaryOperator<LlmSimulator.Builder> limited =
        s ->
            s.deployment(
                    Deployment.of("gpt-4o")
                        .withRequestsPerMinute(12_000)
                        .withTokensPerMinute(2_400_000))
                .rateLimitWindow(Duration.ofSeconds(1));
    List<LlmSimulator> sims = List.of(simulator(limited), simulator(limited), simulator(limited));

    DeploymentPool blind = pool(sims, i -> "", p -> p.learnLimits(false));
    Run without = run(client(blind, retries(10)), 2_000, 64);
    long throttledWithout = rateLimited(sims);

    sims.forEach(LlmSimulator::reset);
    DeploymentPool budgeted =
        pool(sims, i -> ";rpm=12000;tpm=2400000", p -> p.budgetWindow(Duration.ofSeconds(1)));
    Run with = run(client(budgeted, retries(10)), 2_000, 64);
    long throttledWith = rateLimited(sims);

    System.out.printf(
        "[pool] 2,000 calls at the simulators' limits: 429s without budget %d (%s), with budget"
            + " %d (%s)%n",
        throttledWithout, without, throttledWith, with);
    assertThat(without.ok()).isEqualTo(2_000);
    assertThat(with.ok()).isEqualTo(2_000);
    assertThat(throttledWith).isLessThanOrEqualTo(20);
    assertThat(throttledWith).isLessThan(throttledWithout);
  }
}
