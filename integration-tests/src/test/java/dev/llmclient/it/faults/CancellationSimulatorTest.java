package dev.llmclient.it.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmclient.api.CallCancelledException;
import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmRequest;
import dev.llmclient.api.LlmResponse;
import dev.llmclient.api.Message;
import dev.llmclient.core.RetryPolicy;
import dev.llmclient.it.faults.TestClients.Api;
import dev.llmclient.it.faults.TestClients.City;
import dev.llmclient.it.secrets.Canary;
import dev.llmclient.testkit.simulator.Fault;
import dev.llmclient.testkit.simulator.LlmSimulator;
import dev.llmclient.testkit.simulator.Route;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A call given up on sends nothing more, through the real providers and HTTP: a cancelled future,
 * {@code orTimeout} on it, or an interrupted {@code generate()} stop the exchange and the retry
 * that would otherwise follow, and the simulator sees exactly one request. Each case waits past the
 * moment the retry would have been sent, bounded.
 */
class CancellationSimulatorTest {

  /** Retries after a fixed second, and a response timeout of 400 ms that would retry too. */
  private static final RetryPolicy RETRY_AFTER_A_SECOND =
      RetryPolicy.builder()
          .maxRetries(2)
          .initialBackoff(Duration.ofSeconds(1))
          .maxBackoff(Duration.ofSeconds(1))
          .jitter(0)
          .deadline(Duration.ofSeconds(20))
          .build();

  private static final LlmRequest<City> REQUEST =
      LlmRequest.builder()
          .messages(List.of(Message.user("Describe Lyon as JSON.")))
          .responseType(City.class)
          .build();

  private LlmSimulator sim;

  @BeforeEach
  void start() {
    sim = LlmSimulator.builder().apiKey(Canary.API_KEY).start();
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  private LlmClient client(Api api) {
    return TestClients.client(
        api, sim.baseUri(), RETRY_AFTER_A_SECOND, Map.of("LLM_HTTP_RESPONSE_TIMEOUT", "400ms"));
  }

  private long requests() {
    return sim.counters().requests(Route.CHAT_COMPLETIONS);
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean() && System.nanoTime() < until) {
      Thread.sleep(5);
    }
    assertThat(condition.getAsBoolean()).as("reached within 10 s").isTrue();
  }

  @ParameterizedTest
  @EnumSource(Api.class)
  void cancellingDuringTheBackoffAfterA503MeansTheRetryNeverReachesTheServer(Api api)
      throws Exception {
    sim.addFault(Fault.status(503).times(1));
    try (LlmClient llm = client(api)) {
      CompletableFuture<LlmResponse<City>> f = llm.generateAsync(REQUEST);
      await(() -> sim.counters().responses(503) == 1);

      f.cancel(true);
      Thread.sleep(1_500); // the retry was due after 1 s

      assertThat(requests()).isEqualTo(1);
      assertThat(f).isCancelled();
    }
  }

  @ParameterizedTest
  @EnumSource(Api.class)
  void orTimeoutStopsTheExchangeBeforeItsResponseTimeoutCouldRetryIt(Api api) throws Exception {
    sim.addFault(Fault.delayedHeaders(Duration.ofSeconds(3)));
    try (LlmClient llm = client(api)) {
      CompletableFuture<LlmResponse<City>> f =
          llm.<City>generateAsync(REQUEST).orTimeout(200, TimeUnit.MILLISECONDS);

      ExecutionException e =
          org.junit.jupiter.api.Assertions.assertThrows(
              ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
      assertThat(e).hasCauseInstanceOf(TimeoutException.class);
      // without the cancel, the 400 ms response timeout retries after 1 s more: at 1.4 s
      Thread.sleep(2_000);

      assertThat(requests()).isEqualTo(1);
    }
  }

  @ParameterizedTest
  @EnumSource(Api.class)
  void anInterruptedGenerateThrowsTypedKeepsItsFlagAndNothingMoreIsSent(Api api) throws Exception {
    sim.addFault(Fault.delayedHeaders(Duration.ofSeconds(3)));
    try (LlmClient llm = client(api)) {
      AtomicReference<Throwable> thrown = new AtomicReference<>();
      AtomicBoolean stillInterrupted = new AtomicBoolean();
      Thread caller =
          new Thread(
              () -> {
                try {
                  llm.generate(REQUEST);
                } catch (Throwable t) {
                  stillInterrupted.set(Thread.currentThread().isInterrupted());
                  thrown.set(t);
                }
              },
              "blocked-caller");
      caller.setDaemon(true);
      caller.start();
      await(() -> requests() == 1);

      caller.interrupt();
      caller.join(5_000);

      assertThat(caller.isAlive()).as("the caller stopped waiting").isFalse();
      assertThat(thrown.get()).isInstanceOf(CallCancelledException.class);
      assertThat(stillInterrupted).isTrue();
      Thread.sleep(2_000);
      assertThat(requests()).isEqualTo(1);
    }
  }
}
