package dev.llmclient.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmclient.api.spi.ChatBackend;
import dev.llmclient.api.spi.ChatCompletion;
import dev.llmclient.testkit.simulator.LatencyModel;
import dev.llmclient.testkit.simulator.LlmSimulator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The default pool must not make 256 callers queue behind a handful of connections. */
class ConcurrencyTest {

  private static final int CALLS = 256;
  private static final Duration SERVER_DELAY = Duration.ofMillis(50);

  /**
   * Answers every call with {@code {"a":1}} after {@link #SERVER_DELAY}, on the simulator's timer.
   */
  private static LlmSimulator slowSimulator() {
    return LlmSimulator.builder()
        .requireJsonWordForJsonObject(false)
        .latency(LatencyModel.fixed(SERVER_DELAY))
        .script("Hi", "{\"a\":1}")
        .start();
  }

  @Test
  void twoHundredFiftySixConcurrentCallsOverlapWithDefaultSettings() throws Exception {
    try (LlmSimulator sim = slowSimulator();
        ChatBackend chat =
            new OpenAiProvider()
                .createChatBackend(
                    Fixtures.openAiSettings(sim.openAiBaseUri(), "sk-abcdef123456"))) {
      // Warm up class loading and the I/O reactor so the measurement is the pool's behaviour.
      chat.complete(Fixtures.request()).get(10, TimeUnit.SECONDS);

      long start = System.nanoTime();
      List<CompletableFuture<ChatCompletion>> calls = new ArrayList<>();
      for (int i = 0; i < CALLS; i++) {
        calls.add(chat.complete(Fixtures.request()));
      }
      CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
      Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

      assertThat(calls).allSatisfy(c -> assertThat(c.join().content()).isEqualTo("{\"a\":1}"));
      Duration serial = SERVER_DELAY.multipliedBy(CALLS); // 12.8 s if they queued one by one
      assertThat(elapsed).isLessThan(serial.dividedBy(4));
      // With httpclient5's default of 5 connections per route, at most 5 would be in flight.
      assertThat(sim.counters().maxInFlight()).isGreaterThan(32);
      System.out.printf(
          "256 calls x 50 ms: %d ms, max in flight at the server %d%n",
          elapsed.toMillis(), sim.counters().maxInFlight());
    }
  }

  @Test
  void httpClientsDefaultOfFiveConnectionsPerHostWouldQueueTheSameCalls() throws Exception {
    try (LlmSimulator sim = slowSimulator();
        OpenAiWireClient tiny =
            OpenAiWireClient.builder("openai")
                .routes(OpenAiRoutes.under(sim.openAiBaseUri()))
                .transport(HttpTransportSettings.builder().maxConnectionsPerRoute(5).build())
                .build()) {
      tiny.complete(Fixtures.request()).get(10, TimeUnit.SECONDS);

      long start = System.nanoTime();
      List<CompletableFuture<ChatCompletion>> calls = new ArrayList<>();
      for (int i = 0; i < CALLS; i++) {
        calls.add(tiny.complete(Fixtures.request()));
      }
      CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
      Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

      // 256 / 5 rounds of 50 ms each: at least ~2.5 s, against well under a second by default.
      // The server counts a request as in flight until it has finished writing the answer, by
      // which time the client may already have sent the next one on the freed connection, so the
      // count can briefly read one or two above the pool's 5.
      assertThat(sim.counters().maxInFlight()).isLessThanOrEqualTo(7);
      assertThat(sim.counters().connectionsAccepted()).isLessThanOrEqualTo(5);
      assertThat(elapsed).isGreaterThan(Duration.ofMillis(2000));
      System.out.printf("256 calls x 50 ms with 5 connections: %d ms%n", elapsed.toMillis());
    }
  }
}
