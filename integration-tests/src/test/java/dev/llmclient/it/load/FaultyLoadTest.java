package dev.llmclient.it.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmConnectionException;
import dev.llmclient.api.LlmException;
import dev.llmclient.api.LlmRequest;
import dev.llmclient.api.LlmResponse;
import dev.llmclient.api.Message;
import dev.llmclient.api.RateLimitException;
import dev.llmclient.api.ServerException;
import dev.llmclient.core.RetryPolicy;
import dev.llmclient.it.faults.TestClients;
import dev.llmclient.it.faults.TestClients.Api;
import dev.llmclient.it.faults.TestClients.City;
import dev.llmclient.it.secrets.Canary;
import dev.llmclient.it.secrets.CanaryLogWatcher;
import dev.llmclient.testkit.simulator.LatencyModel;
import dev.llmclient.testkit.simulator.LlmSimulator;
import dev.llmclient.testkit.simulator.RawReply;
import dev.llmclient.testkit.simulator.RecordedRequest;
import dev.llmclient.testkit.simulator.Route;
import dev.llmclient.testkit.simulator.SimulatorCounters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 10,000 structured calls, 256 in flight, through a real Azure client with the default retry
 * policy, against a simulator that answers in 20 ms and fails about 5 % of requests with 429
 * (retry-after 100 ms), 2 % with 500/503 and 1 % with a connection reset. Nothing may be lost or
 * duplicated, at least 99.9 % must succeed, and after {@code close()} no thread, connection or heap
 * of ours is left behind. The measured numbers are printed to the test output.
 *
 * <p>The faults are a seeded, exact plan, not draws in arrival order: whether the n-th request of
 * call i fails, and how, is a function of the seed, i and n only ({@link #planned(int, int)}),
 * decided by the simulator from the call id in the prompt and the number of that call's requests it
 * has received. So which calls fail (all three attempts of the default policy fault), with which
 * exception, and how many requests each call sends are known before the run and asserted exactly: a
 * change in what is retried cannot hide in the statistics, and the test needs no rerun.
 */
class FaultyLoadTest {

  private static final int CALLS = 10_000;
  private static final int IN_FLIGHT = 256;
  private static final Pattern CALL_ID = Pattern.compile("call-(\\d{5})");

  /** The seed of the fault plan. */
  private static final long SEED = 42;

  /** Attempts the default policy makes: one plus two retries. */
  private static final int ATTEMPTS = 1 + RetryPolicy.getDefault().maxRetries();

  private static final Duration LATENCY = Duration.ofMillis(20);

  /** What the simulator does with one request. */
  enum Injected {
    /** The normal answer. */
    NONE(null),
    /** 429 asking for 100 ms ({@code retry-after-ms}; {@code Retry-After: 1}). */
    RATE_LIMITED_429(RateLimitException.class),
    /** 500 in Azure's error envelope. */
    SERVER_ERROR_500(ServerException.class),
    /** 503 in Azure's error envelope. */
    UNAVAILABLE_503(ServerException.class),
    /** The connection is reset before any response byte. */
    RESET(LlmConnectionException.class);

    final @Nullable Class<? extends LlmException> failsWith;

    Injected(@Nullable Class<? extends LlmException> failsWith) {
      this.failsWith = failsWith;
    }
  }

  /**
   * The plan: the n-th request (from 1) of call i is answered with 429 with p = 5 %, 500 with 1 %,
   * 503 with 1 %, a reset with 1 %, else normally; drawn from a generator seeded with the seed, i
   * and n alone, so the same on every run, machine and arrival order.
   */
  static Injected planned(int call, int attempt) {
    double u = new SplittableRandom(SEED * 1_000_003L + call * 64L + attempt).nextDouble();
    if (u < 0.05) {
      return Injected.RATE_LIMITED_429;
    }
    if (u < 0.06) {
      return Injected.SERVER_ERROR_500;
    }
    if (u < 0.07) {
      return Injected.UNAVAILABLE_503;
    }
    if (u < 0.08) {
      return Injected.RESET;
    }
    return Injected.NONE;
  }

  /** The simulator's reply for a planned fault, in Azure's wire shapes. */
  private static RawReply reply(Injected fault) {
    RawReply reply =
        switch (fault) {
          case RATE_LIMITED_429 ->
              RawReply.json(
                      429,
                      "{\"error\":{\"code\":\"429\",\"message\":\"Requests to the"
                          + " ChatCompletions_Create Operation under Azure OpenAI API version"
                          + " 2024-10-21 have exceeded call rate limit of your current OpenAI S0"
                          + " pricing tier. Please retry after 1 seconds.\"}}")
                  .header("Retry-After", "1")
                  .header("retry-after-ms", "100");
          case SERVER_ERROR_500 ->
              RawReply.json(
                  500,
                  "{\"error\":{\"code\":\"InternalServerError\",\"message\":\"The server had"
                      + " an error while processing your request. Sorry about that!\"}}");
          case UNAVAILABLE_503 ->
              RawReply.json(
                  503,
                  "{\"error\":{\"code\":\"ServiceUnavailable\",\"message\":\"The service is"
                      + " temporarily unable to process your request. Please try again"
                      + " later.\"}}");
          case RESET -> RawReply.reset();
          case NONE -> throw new IllegalArgumentException("no fault planned");
        };
    return reply.after(LATENCY);
  }

  @Test
  @Timeout(value = 110, unit = TimeUnit.SECONDS)
  void tenThousandCallsUnderFaultsAllCompleteNothingLostNothingLeaks() throws Exception {
    Set<String> threadsBefore = liveThreadNames();
    long heapBefore = usedHeapAfterGc();

    // What the plan says will happen, before anything runs.
    int[] expectedRequests = new int[CALLS];
    Injected[] expectedFailure = new Injected[CALLS];
    Map<String, Integer> expectedFailures = new TreeMap<>();
    for (int i = 0; i < CALLS; i++) {
      expectedFailure[i] = Injected.NONE;
      for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
        expectedRequests[i] = attempt;
        Injected fault = planned(i, attempt);
        if (fault == Injected.NONE) {
          break;
        }
        if (attempt == ATTEMPTS) {
          expectedFailure[i] = fault;
          expectedFailures.merge(fault.failsWith.getSimpleName(), 1, Integer::sum);
        }
      }
    }
    int expectedFailed = expectedFailures.values().stream().mapToInt(Integer::intValue).sum();
    long expectedServerRequests = java.util.Arrays.stream(expectedRequests).asLongStream().sum();
    assertThat(expectedFailed)
        .as("calls the plan makes fail (the test must exercise spent retries)")
        .isPositive();

    LlmSimulator sim =
        LlmSimulator.builder()
            .apiKey(Canary.API_KEY)
            .latency(LatencyModel.fixed(LATENCY))
            .maxRecordedRequests(3 * CALLS)
            .seed(SEED)
            .start();
    // The n-th request of a call gets planned(call, n). Keyed by the request's sequence number, so
    // the decision is made once per request however often the simulator asks.
    AtomicIntegerArray received = new AtomicIntegerArray(CALLS);
    Map<Long, Injected> decided = new ConcurrentHashMap<>();
    java.util.function.Function<RecordedRequest, Injected> decide =
        r ->
            decided.computeIfAbsent(
                r.sequence(),
                seq -> {
                  Matcher m = CALL_ID.matcher(r.body());
                  if (!m.find()) {
                    return Injected.NONE;
                  }
                  int call = Integer.parseInt(m.group(1));
                  return planned(call, received.incrementAndGet(call));
                });
    sim.respond(r -> decide.apply(r) != Injected.NONE, r -> reply(decide.apply(r)));

    AtomicReferenceArray<Object> outcome = new AtomicReferenceArray<>(CALLS);
    AtomicIntegerArray completions = new AtomicIntegerArray(CALLS);
    Map<String, Integer> untyped = new ConcurrentHashMap<>();
    Semaphore window = new Semaphore(IN_FLIGHT);
    CountDownLatch done = new CountDownLatch(CALLS);
    long start = System.nanoTime();
    int maxServerInFlight;
    LlmClient client =
        TestClients.client(
            Api.AZURE,
            sim.baseUri(),
            RetryPolicy.getDefault(),
            Map.of("LLM_HTTP_MAX_CONNECTIONS", Integer.toString(IN_FLIGHT)));
    try {
      for (int i = 0; i < CALLS; i++) {
        window.acquire();
        int call = i;
        LlmRequest<City> request =
            LlmRequest.builder()
                .messages(
                    List.of(
                        Message.system("Answer with JSON."),
                        Message.user(String.format("call-%05d: describe a city.", call))))
                .responseType(City.class)
                .maxTokens(200)
                .build();
        client
            .<City>generateAsync(request)
            .whenComplete(
                (response, error) -> {
                  completions.incrementAndGet(call);
                  Throwable e = error == null ? null : TestClients.unwrap(error);
                  outcome.set(call, e != null ? e : response);
                  if (e != null && !(e instanceof LlmException)) {
                    untyped.merge(e.getClass().getName(), 1, Integer::sum);
                  }
                  window.release();
                  done.countDown();
                });
      }
      boolean allDone = done.await(90, TimeUnit.SECONDS);
      assertThat(allDone).as("calls still open after 90 s (lost): %d", done.getCount()).isTrue();
      maxServerInFlight = sim.counters().maxInFlight();
    } finally {
      client.close();
    }
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

    // Every call completed exactly once, as a typed success or a typed LlmException, exactly as
    // the plan says: the planned calls failed with the planned type, the others succeeded after
    // the planned number of attempts.
    int successes = 0;
    List<String> offPlan = new ArrayList<>();
    Map<String, Integer> failures = new TreeMap<>();
    Set<String> requestIds = new HashSet<>();
    int duplicateRequestIds = 0;
    int attempts = 0;
    for (int i = 0; i < CALLS; i++) {
      assertThat(completions.get(i)).as("completions of call %d", i).isEqualTo(1);
      Object o = outcome.get(i);
      if (o instanceof LlmResponse<?> r) {
        successes++;
        attempts += r.attempts();
        if (expectedFailure[i] != Injected.NONE || r.attempts() != expectedRequests[i]) {
          offPlan.add(
              "call "
                  + i
                  + ": succeeded after "
                  + r.attempts()
                  + " attempt(s), planned "
                  + (expectedFailure[i] == Injected.NONE
                      ? expectedRequests[i] + " attempt(s)"
                      : "failure with " + expectedFailure[i]));
        }
        assertThat(r.value()).as("value of call %d", i).isInstanceOf(City.class);
        if (r.requestId() != null && !requestIds.add(r.requestId())) {
          duplicateRequestIds++;
        }
      } else {
        Throwable t = (Throwable) o;
        failures.merge(t.getClass().getSimpleName(), 1, Integer::sum);
        if (expectedFailure[i] == Injected.NONE
            || !expectedFailure[i].failsWith.equals(t.getClass())) {
          offPlan.add(
              "call "
                  + i
                  + ": failed with "
                  + t.getClass().getSimpleName()
                  + ", planned "
                  + (expectedFailure[i] == Injected.NONE
                      ? "success after " + expectedRequests[i] + " attempt(s)"
                      : "failure with " + expectedFailure[i]));
        }
        Canary.assertAbsentFrom(t);
      }
    }
    assertThat(untyped).as("failures that were not an LlmException").isEmpty();

    // The server saw every call (by the call id in the prompt), none twice beyond its retries.
    List<RecordedRequest> recorded = sim.requests(Route.CHAT_COMPLETIONS);
    int[] perCall = new int[CALLS];
    for (RecordedRequest r : recorded) {
      Matcher m = CALL_ID.matcher(r.body());
      if (m.find()) {
        perCall[Integer.parseInt(m.group(1))]++;
      }
    }
    List<Integer> neverSent = new ArrayList<>();
    List<Integer> sentTooOften = new ArrayList<>();
    List<String> sentOffPlan = new ArrayList<>();
    for (int i = 0; i < CALLS; i++) {
      if (perCall[i] != expectedRequests[i]) {
        sentOffPlan.add(
            "call " + i + ": " + perCall[i] + " request(s), planned " + expectedRequests[i]);
      }
      if (perCall[i] == 0) {
        neverSent.add(i);
      }
      if (perCall[i] > 3) {
        sentTooOften.add(i);
      }
    }

    // Resources: connections back to zero, no threads of ours, heap near the baseline.
    SimulatorCounters simCounters = sim.counters();
    long openConnections = awaitZero(simCounters::openConnections);
    String counters = sim.counters().toString();
    long serverRequests = sim.counters().totalRequests();
    sim.close();
    // Drop what the test itself holds (10,000 responses, the recorded requests, the simulator)
    // so that the heap reading shows what the SDK kept.
    sim = null;
    recorded = null;
    decided.clear();
    for (int i = 0; i < CALLS; i++) {
      outcome.set(i, null);
    }
    Set<String> leftover = awaitThreadsGone(threadsBefore);
    long heapAfter = usedHeapAfterGc();

    double successRate = successes / (double) CALLS;
    System.out.printf(
        "faulty load: %d calls, %d in flight (server max %d), %s elapsed, %.0f calls/s%n"
            + "  successes %d (%.3f %%), failures %s, mean attempts per success %.3f%n"
            + "  planned: failures %s, server requests %d; calls off the plan %d%n"
            + "  server requests %d, counters %s%n"
            + "  duplicate request ids %d, never sent %d, sent more than 3 times %d%n"
            + "  open connections after close %d, leftover threads %s%n"
            + "  used heap before %d MiB, after close %d MiB; %d SDK log events checked for secrets%n",
        CALLS,
        IN_FLIGHT,
        maxServerInFlight,
        elapsed,
        CALLS / (elapsed.toNanos() / 1e9),
        successes,
        100 * successRate,
        failures,
        attempts / (double) Math.max(1, successes),
        expectedFailures,
        expectedServerRequests,
        offPlan.size() + sentOffPlan.size(),
        serverRequests,
        counters,
        duplicateRequestIds,
        neverSent.size(),
        sentTooOften.size(),
        openConnections,
        leftover,
        heapBefore >> 20,
        heapAfter >> 20,
        CanaryLogWatcher.sdkEvents());

    assertThat(CALLS - successes).as("failed calls: exactly the plan's").isEqualTo(expectedFailed);
    assertThat(failures).as("failed calls by type: exactly the plan's").isEqualTo(expectedFailures);
    assertThat(offPlan).as("calls that ended otherwise than planned").isEmpty();
    assertThat(sentOffPlan).as("calls the server saw more or less often than planned").isEmpty();
    assertThat(serverRequests).as("requests the server saw").isEqualTo(expectedServerRequests);
    assertThat(duplicateRequestIds).as("successes sharing a request id").isZero();
    assertThat(neverSent).as("calls whose request never reached the server").isEmpty();
    assertThat(sentTooOften).as("calls sent more than 1 + 2 retries times").isEmpty();
    assertThat(successRate).as("success rate with default retries").isGreaterThanOrEqualTo(0.999);
    assertThat(failures.keySet())
        .as("failure types: only the injected faults, retries spent")
        .isSubsetOf(Set.of("RateLimitException", "ServerException", "LlmConnectionException"));
    assertThat(openConnections).as("connections open in the simulator after close()").isZero();
    assertThat(leftover).as("threads started during the test and still alive").isEmpty();
    assertThat(heapAfter - heapBefore)
        .as("heap growth after close() and GC, bytes")
        .isLessThan(64L << 20);
    assertThat(elapsed).as("run time").isLessThan(Duration.ofSeconds(90));
    Canary.assertNotLogged();
  }

  private static Set<String> liveThreadNames() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .collect(Collectors.toSet());
  }

  /**
   * Threads not alive before, ignoring the JDK's own shared threads: the common pool, and the one
   * timer thread behind every {@code CompletableFuture.orTimeout} in the JVM (started by the first
   * call's timeout, it lives as long as the JVM whoever started it).
   */
  private static Set<String> awaitThreadsGone(Set<String> before) throws InterruptedException {
    Set<String> extra = Set.of();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      extra =
          liveThreadNames().stream()
              .filter(n -> !before.contains(n))
              .filter(n -> !n.startsWith("ForkJoinPool.commonPool"))
              .filter(n -> !n.equals("CompletableFutureDelayScheduler"))
              .filter(n -> !n.equals("Attach Listener") && !n.startsWith("process reaper"))
              .collect(Collectors.toCollection(java.util.TreeSet::new));
      if (extra.isEmpty()) {
        return extra;
      }
      Thread.sleep(50);
    }
    return extra;
  }

  private static long awaitZero(java.util.function.LongSupplier value) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    long v = value.getAsLong();
    while (v != 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
      v = value.getAsLong();
    }
    return v;
  }

  private static long usedHeapAfterGc() throws InterruptedException {
    Runtime rt = Runtime.getRuntime();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(50);
      used = Math.min(used, rt.totalMemory() - rt.freeMemory());
    }
    return used;
  }
}
