package dev.llmclient.it.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmRequest;
import dev.llmclient.api.LlmResponse;
import dev.llmclient.api.Message;
import dev.llmclient.api.RateLimitException;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.core.LlmClients;
import dev.llmclient.core.RetryPolicy;
import dev.llmclient.it.faults.TestClients.Api;
import dev.llmclient.it.faults.TestClients.City;
import dev.llmclient.it.secrets.Canary;
import dev.llmclient.otel.OtelTestHarness;
import dev.llmclient.otel.OtelTracing;
import dev.llmclient.testkit.simulator.Fault;
import dev.llmclient.testkit.simulator.LlmSimulator;
import dev.llmclient.testkit.simulator.RecordedRequest;
import dev.llmclient.testkit.simulator.Route;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A server wait at the edge of {@link RetryPolicy#maxRetryAfter()}: 1 ms under the cap it is
 * honoured exactly, 1 ms over it the call fails at once. Times are measured on the simulator's
 * clock, from when it received the first request to when it received the retry, so neither client
 * start-up nor the test thread's scheduling can make a wait look honoured.
 *
 * <p>The simulator sends the wait as {@code retry-after-ms} (milliseconds) next to {@code
 * Retry-After} in whole seconds rounded up, which is over the cap: a client that read the seconds
 * instead would fail instead of retrying. The waits the client scheduled are read from the {@code
 * llmclient.retry} events ({@code llmclient.wait_ms}) of its generate span.
 */
class ServerWaitAtTheCapTest {

  private static final Duration CAP = Duration.ofMillis(1_500);
  private static final Duration UNDER_THE_CAP = CAP.minusMillis(1);
  private static final Duration OVER_THE_CAP = CAP.plusMillis(1);

  /** How long before the wait ends the test checks that the call is still open. */
  private static final Duration BEFORE_THE_END = Duration.ofMillis(200);

  /** Allowed lateness of the retry on a shared machine; far under the 2 s of Retry-After. */
  private static final Duration LATE = Duration.ofMillis(500);

  private static final AttributeKey<Long> WAIT_MS = AttributeKey.longKey("llmclient.wait_ms");

  private static LlmSimulator sim;
  private OtelTestHarness otel;

  @BeforeAll
  static void startSimulator() throws Exception {
    sim = LlmSimulator.builder().apiKey(Canary.API_KEY).retryAfterMs(true).start();
    // Load the classes of a throttled call and its retry once, so that the measured lateness of a
    // retry is the client's scheduling and not the JVM's first use of that code.
    try (OtelTestHarness warmUp = OtelTestHarness.create()) {
      for (Api api : Api.values()) {
        sim.addFault(Fault.rateLimited(Duration.ofMillis(20)).times(1));
        try (LlmClient client = client(api, warmUp)) {
          assertThat(client.generate(request()).attempts()).isEqualTo(2);
        }
      }
    }
  }

  @AfterAll
  static void stopSimulator() {
    sim.close();
    Canary.assertNotLogged();
  }

  @BeforeEach
  void reset() {
    sim.reset();
    otel = OtelTestHarness.create();
  }

  @AfterEach
  void closeOtel() {
    otel.close();
  }

  private LlmClient client(Api api) {
    return client(api, otel);
  }

  private static LlmClient client(Api api, OtelTestHarness otel) {
    RetryPolicy policy =
        RetryPolicy.builder()
            .maxRetries(2)
            .initialBackoff(Duration.ofMillis(10))
            .maxBackoff(Duration.ofMillis(40))
            .jitter(0)
            .maxRetryAfter(CAP)
            .deadline(Duration.ofSeconds(20))
            .maxReasks(0)
            .build();
    return LlmClients.builder()
        .provider(api == Api.OPENAI ? "openai" : "azure")
        .settings(
            ProviderSettings.of(
                TestClients.settings(api, sim.baseUri(), TestClients.MODEL, Canary.API_KEY)))
        .retryPolicy(policy)
        .tracer(OtelTracing.create(otel.openTelemetry()))
        .build();
  }

  private static LlmRequest<City> request() {
    return LlmRequest.builder()
        .messages(List.of(Message.system("Answer in JSON."), Message.user("Describe Lyon.")))
        .responseType(City.class)
        .maxTokens(400)
        .build();
  }

  @ParameterizedTest
  @EnumSource(Api.class)
  void aWaitOneMillisecondUnderTheCapIsHonouredExactly(Api api) throws Exception {
    try (LlmClient client = client(api)) {
      sim.addFault(Fault.rateLimited(UNDER_THE_CAP).times(1));
      CompletableFuture<LlmResponse<City>> call = client.generateAsync(request());

      Instant first = awaitRequests(1).get(0).receivedAt();
      Instant justBefore = first.plus(UNDER_THE_CAP).minus(BEFORE_THE_END);
      sleepUntil(justBefore);
      boolean open = !call.isDone();
      int sent = sim.requests(Route.CHAT_COMPLETIONS).size();
      Instant checked = Instant.now();
      if (!checked.isBefore(first.plus(UNDER_THE_CAP))) {
        fail(
            "the test thread checked %s after the first request, not before the %s wait ended;"
                + " the machine stalled, so this run proves nothing",
            Duration.between(first, checked), UNDER_THE_CAP);
      }
      assertThat(open)
          .as("the call is still open %s before the wait ends", BEFORE_THE_END)
          .isTrue();
      assertThat(sent).as("requests sent %s before the wait ends", BEFORE_THE_END).isEqualTo(1);

      LlmResponse<City> response = call.get(10, TimeUnit.SECONDS);

      assertThat(response.attempts()).isEqualTo(2);
      List<RecordedRequest> received = sim.requests(Route.CHAT_COMPLETIONS);
      assertThat(received).hasSize(2);
      Duration gap = Duration.between(first, received.get(1).receivedAt());
      System.out.printf(
          "%s: server wait %s honoured, %s between the requests on the simulator's clock%n",
          api, UNDER_THE_CAP, gap);
      assertThat(gap)
          .as("time between the two requests, on the simulator's clock")
          .isGreaterThanOrEqualTo(UNDER_THE_CAP)
          .isLessThan(UNDER_THE_CAP.plus(LATE));
    }
    assertThat(retryWaits()).containsExactly(UNDER_THE_CAP);
  }

  @ParameterizedTest
  @EnumSource(Api.class)
  void aWaitOneMillisecondOverTheCapFailsAtOnceWithTheServersWait(Api api) throws Exception {
    try (LlmClient client = client(api)) {
      sim.addFault(Fault.rateLimited(OVER_THE_CAP).times(1));
      CompletableFuture<LlmResponse<City>> call = client.generateAsync(request());

      Throwable failure = null;
      try {
        call.get(10, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        failure = TestClients.unwrap(e);
      }
      Instant failed = Instant.now();

      assertThat(failure).isInstanceOf(RateLimitException.class);
      assertThat(((RateLimitException) failure).retryAfter()).isEqualTo(OVER_THE_CAP);
      List<RecordedRequest> received = sim.requests(Route.CHAT_COMPLETIONS);
      assertThat(received).hasSize(1);
      assertThat(Duration.between(received.get(0).receivedAt(), failed))
          .as("from the simulator receiving the request to the failure")
          .isLessThan(CAP);
    }
    assertThat(retryWaits()).isEmpty();
  }

  /** The waits the client scheduled, from its generate span's retry events. */
  private List<Duration> retryWaits() {
    SpanData generate = otel.span("llmclient.llm.generate");
    return generate.getEvents().stream()
        .filter(e -> e.getName().equals("llmclient.retry"))
        .map(e -> Duration.ofMillis(e.getAttributes().get(WAIT_MS)))
        .toList();
  }

  private static List<RecordedRequest> awaitRequests(int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    List<RecordedRequest> received = sim.requests(Route.CHAT_COMPLETIONS);
    while (received.size() < count && System.nanoTime() < deadline) {
      Thread.sleep(5);
      received = sim.requests(Route.CHAT_COMPLETIONS);
    }
    assertThat(received).as("requests the simulator received").hasSizeGreaterThanOrEqualTo(count);
    return received;
  }

  private static void sleepUntil(Instant when) throws InterruptedException {
    Duration left = Duration.between(Instant.now(), when);
    if (!left.isNegative()) {
      Thread.sleep(left.toMillis(), (int) (left.toNanos() % 1_000_000));
    }
  }
}
