package dev.llmclient.it.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmclient.api.AuthenticationException;
import dev.llmclient.api.BatchRequestNotRunException;
import dev.llmclient.api.CallCancelledException;
import dev.llmclient.api.InvalidRequestException;
import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmRequest;
import dev.llmclient.api.Message;
import dev.llmclient.api.spi.BatchBackend;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.core.LlmClients;
import dev.llmclient.core.batch.BatchHandle;
import dev.llmclient.core.batch.BatchOutcome;
import dev.llmclient.core.batch.BatchRunner;
import dev.llmclient.it.faults.TestClients;
import dev.llmclient.it.secrets.Canary;
import dev.llmclient.openai.OpenAiProvider;
import dev.llmclient.testkit.simulator.Fault;
import dev.llmclient.testkit.simulator.LlmSimulator;
import dev.llmclient.testkit.simulator.Route;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Waiting for a batch holds no thread: {@link BatchHandle#awaitAsync} polls on the client's
 * scheduler against the simulator's accelerated clock, ends typed, and stops polling when cancelled
 * (checked on the simulator's request log); the blocking await is a join on it.
 */
@Timeout(120)
class BatchHandleAwaitTest {

  private static final Duration POLL = Duration.ofMillis(20);

  @TempDir Path dir;
  private LlmSimulator sim;
  private LlmClient llm;
  private BatchBackend batches;

  @BeforeEach
  void start() {
    sim = LlmSimulator.builder().apiKey(Canary.API_KEY).deployment(TestClients.MODEL).start();
    Map<String, String> s =
        TestClients.settings(
            TestClients.Api.OPENAI, sim.baseUri(), TestClients.MODEL, Canary.API_KEY);
    llm =
        LlmClients.builder()
            .provider("openai")
            .settings(ProviderSettings.of(s))
            .retryPolicy(TestClients.fastRetries())
            .build();
    batches = new OpenAiProvider().createBatchBackend(ProviderSettings.of(s));
  }

  @AfterEach
  void stop() {
    batches.close();
    llm.close();
    sim.close();
  }

  private int runners;

  private BatchRunner runner(Map<String, String> metadata) {
    return BatchRunner.builder(llm, batches)
        .workDirectory(dir.resolve("run-" + runners++))
        .pollInterval(POLL, POLL.multipliedBy(2))
        .metadata(metadata)
        .build();
  }

  private static List<LlmRequest<TestClients.City>> requests(int n) {
    return IntStream.range(0, n)
        .mapToObj(
            i ->
                LlmRequest.builder()
                    .messages(
                        List.of(
                            Message.system("Extract the city."),
                            Message.user("Record " + i + ": Lyon, 500000 people")))
                    .responseType(TestClients.City.class)
                    .maxTokens(400)
                    .build())
        .toList();
  }

  private long statusPolls() {
    return sim.requests(Route.BATCHES).stream().filter(r -> r.method().equals("GET")).count();
  }

  private static void awaitCondition(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition within 20 s").isLessThan(deadline);
      Thread.sleep(5);
    }
  }

  @Test
  void awaitAsyncReturnsAtOnceAndCompletesWithEveryTypedAnswer() {
    BatchHandle<TestClients.City> handle =
        runner(Map.of("simulator.phase_ms", "100")).submit(requests(20));

    CompletableFuture<List<BatchOutcome<TestClients.City>>> future = handle.awaitAsync();

    assertThat(future).isNotDone();
    List<BatchOutcome<TestClients.City>> outcomes = future.join();
    Set<String> ids = new HashSet<>();
    outcomes.forEach(o -> assertThat(ids.add(o.customId())).as("no duplicate").isTrue());
    assertThat(ids).hasSize(20);
    assertThat(outcomes)
        .allSatisfy(o -> assertThat(o.response().value()).isInstanceOf(TestClients.City.class));
    assertThat(statusPolls()).as("polled until the batch ended").isGreaterThan(1);
  }

  @Test
  void anExpiredBatchGivesEveryRequestOneOutcomeAsynchronously() {
    List<BatchOutcome<TestClients.City>> outcomes =
        runner(Map.of("simulator.outcome", "expire")).submit(requests(20)).awaitAsync().join();

    assertThat(outcomes).hasSize(20);
    assertThat(outcomes.stream().filter(o -> !o.succeeded()))
        .isNotEmpty()
        .allSatisfy(o -> assertThat(o.error()).isInstanceOf(BatchRequestNotRunException.class));
  }

  @Test
  void aFailedBatchGivesEveryRequestTheRefusal() {
    List<BatchOutcome<TestClients.City>> outcomes =
        runner(Map.of("simulator.outcome", "invalid")).submit(requests(5)).awaitAsync().join();

    assertThat(outcomes).hasSize(5);
    assertThat(outcomes)
        .allSatisfy(o -> assertThat(o.error()).isInstanceOf(InvalidRequestException.class));
  }

  @Test
  void aStatusPollTheServiceRefusesFailsTheFutureTyped() {
    BatchHandle<TestClients.City> handle =
        runner(Map.of("simulator.phase_ms", "5000")).submit(requests(3));
    sim.addFault(Fault.status(403).onRoutes(Route.BATCHES));

    CompletableFuture<List<BatchOutcome<TestClients.City>>> future = handle.awaitAsync();

    assertThatThrownBy(future::join)
        .isInstanceOf(CompletionException.class)
        .cause()
        .isInstanceOf(AuthenticationException.class);
    assertThatThrownBy(handle::await).isInstanceOf(AuthenticationException.class);
  }

  @Test
  void cancellingTheFutureStopsPollingAtOnce() throws InterruptedException {
    BatchHandle<TestClients.City> handle =
        runner(Map.of("simulator.phase_ms", "60000")).submit(requests(3));
    CompletableFuture<List<BatchOutcome<TestClients.City>>> future = handle.awaitAsync();
    awaitCondition(() -> statusPolls() >= 3);

    assertThat(future.cancel(true)).isTrue();
    Thread.sleep(POLL.toMillis() * 3); // a status request already on the wire may still land
    long afterCancel = statusPolls();
    Thread.sleep(POLL.toMillis() * 20);

    assertThat(statusPolls()).as("no status request after the cancel").isEqualTo(afterCancel);
    assertThat(handle.status()).hasSize(1); // the handle itself still works
  }

  @Test
  void interruptingTheBlockingAwaitCancelsItTypedAndKeepsTheFlag() throws Exception {
    BatchHandle<TestClients.City> handle =
        runner(Map.of("simulator.phase_ms", "60000")).submit(requests(3));
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    AtomicBoolean flagKept = new AtomicBoolean();
    Thread waiter =
        new Thread(
            () -> {
              try {
                handle.await();
              } catch (RuntimeException e) {
                thrown.set(e);
                flagKept.set(Thread.currentThread().isInterrupted());
              }
            });
    waiter.start();
    awaitCondition(() -> statusPolls() >= 2);

    waiter.interrupt();
    waiter.join(10_000);

    assertThat(thrown.get()).isInstanceOf(CallCancelledException.class);
    assertThat(flagKept).isTrue();
    Thread.sleep(POLL.toMillis() * 3);
    long afterCancel = statusPolls();
    Thread.sleep(POLL.toMillis() * 20);
    assertThat(statusPolls()).as("polling stopped with the wait").isEqualTo(afterCancel);
  }

  private static Set<String> threadNames() {
    Set<String> names = new HashSet<>();
    Thread.getAllStackTraces().keySet().forEach(t -> names.add(t.getName()));
    return names;
  }

  @Test
  void manyAwaitsShareTheSchedulerInsteadOfAThreadEach() throws InterruptedException {
    int awaits = 16;
    List<BatchHandle<TestClients.City>> handles = new ArrayList<>();
    for (int i = 0; i < awaits; i++) {
      handles.add(runner(Map.of("simulator.phase_ms", "300")).submit(requests(2)));
    }
    Set<String> before = threadNames();

    List<CompletableFuture<List<BatchOutcome<TestClients.City>>>> futures =
        handles.stream().map(BatchHandle::awaitAsync).toList();
    Set<String> started = new HashSet<>();
    while (!futures.stream().allMatch(CompletableFuture::isDone)) {
      threadNames().stream().filter(n -> !before.contains(n)).forEach(started::add);
      Thread.sleep(5);
    }
    futures.forEach(f -> assertThat(f.join()).hasSize(2));

    assertThat(started).as("threads started while %d awaits polled", awaits).hasSizeLessThan(4);
  }
}
