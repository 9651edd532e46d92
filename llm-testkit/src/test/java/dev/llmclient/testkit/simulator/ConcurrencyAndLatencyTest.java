package dev.llmclient.testkit.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ConcurrencyAndLatencyTest {

  @Test
  void twoThousandConcurrentDelayedRequestsAreHeldWithABoundedThreadCount() throws Exception {
    int requests = 2000;
    ExecutorService clientPool = Executors.newFixedThreadPool(2);
    try (LlmSimulator sim =
        LlmSimulator.builder()
            // Long enough that all 2000 connections are open before the first answer on a loaded
            // 2-core CI machine; 2.5 s was not always.
            .latency(LatencyModel.fixed(Duration.ofMillis(5000)))
            .maxRecordedRequests(10)
            .start()) {
      HttpClient client =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .executor(clientPool)
              .connectTimeout(Duration.ofSeconds(10))
              .build();
      int threadsBefore = Thread.activeCount();
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(sim.openAiBaseUri() + "/chat/completions"))
              .timeout(Duration.ofSeconds(30))
              .POST(HttpRequest.BodyPublishers.ofString(SimHttp.chat("m", "hold me")))
              .build();

      List<CompletableFuture<HttpResponse<String>>> futures = new ArrayList<>();
      for (int i = 0; i < requests; i++) {
        futures.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (sim.counters().inFlight() < requests && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      int threadsDuring = Thread.activeCount();
      int heldAtOnce = sim.counters().inFlight();

      CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(40, TimeUnit.SECONDS);

      assertThat(heldAtOnce).isEqualTo(requests);
      assertThat(threadsDuring - threadsBefore).isLessThan(20);
      assertThat(futures).allSatisfy(f -> assertThat(f.join().statusCode()).isEqualTo(200));
      assertThat(sim.counters().responses(200)).isEqualTo(requests);
      assertThat(sim.counters().maxInFlight()).isEqualTo(requests);
    } finally {
      clientPool.shutdownNow();
    }
  }

  @Test
  void latencyModelDelaysTheAnswerByTimeToFirstBytePlusPerToken() {
    try (LlmSimulator sim =
        LlmSimulator.builder()
            .latency(LatencyModel.of(Duration.ofMillis(200), Duration.ofMillis(10), 0))
            .start()) {
      SimHttp http = new SimHttp(sim);
      long t0 = System.nanoTime();
      SimHttp.Response r = http.post("/v1/chat/completions", SimHttp.chat("m", "hi"));
      Duration took = Duration.ofNanos(System.nanoTime() - t0);

      int tokens = r.json().path("usage").path("completion_tokens").asInt();
      assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(190 + 10L * tokens));
      assertThat(took).isLessThan(Duration.ofSeconds(3));
    }
  }

  @Test
  void jitterIsBoundedAndSeeded() {
    LatencyModel model = LatencyModel.of(Duration.ofMillis(100), Duration.ZERO, 0.2);
    java.util.Random a = new java.util.Random(1);
    java.util.Random b = new java.util.Random(1);
    for (int i = 0; i < 100; i++) {
      long ms = model.firstByteMillis(a);
      assertThat(ms).isBetween(80L, 120L).isEqualTo(model.firstByteMillis(b));
    }
  }

  @Test
  void closingTheSimulatorReleasesItsThreads() throws Exception {
    int before = countThreads();
    LlmSimulator sim = LlmSimulator.builder().ioThreads(2).start();
    new SimHttp(sim).post("/v1/chat/completions", SimHttp.chat("m", "hi"));
    assertThat(countThreads()).isGreaterThan(before);

    sim.close();

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (countThreads() > before && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(countThreads()).isEqualTo(before);
  }

  private static int countThreads() {
    return (int)
        Thread.getAllStackTraces().keySet().stream()
            .filter(Thread::isAlive)
            .filter(
                t -> !t.getName().startsWith("HttpClient") && !t.getName().startsWith("ForkJoin"))
            .count();
  }
}
