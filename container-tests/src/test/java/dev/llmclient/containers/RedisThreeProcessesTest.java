package dev.llmclient.containers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmclient.testkit.simulator.Deployment;
import dev.llmclient.testkit.simulator.LlmSimulator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Three separate JVM processes ({@link RedisReplicaMain}) call one simulated deployment with an RPM
 * and a TPM limit: with a budget each they meet 429s, with the Redis budget store they share one
 * budget. The numbers are printed.
 */
@RequiresDockerEngine(images = LocalImages.REDIS)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class RedisThreeProcessesTest {

  private static final int RPM = 1200;
  private static final int TPM = 96_000; // about 14 calls a second: the tokens bind first
  private static final int CALLS = 80;
  private static final int IN_FLIGHT = 8;
  private static final Pattern RESULT = Pattern.compile("RESULT ok=(\\d+) fallback=(\\d+)");

  record Outcome(int ok, long fallback, long rateLimited, long requests, long millis) {
    double perSecond() {
      return ok * 1000.0 / millis;
    }
  }

  private static Outcome threeProcesses(LlmSimulator sim, String store) throws Exception {
    sim.reset();
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    List<Process> processes = new ArrayList<>();
    long start = System.nanoTime();
    for (int i = 0; i < 3; i++) {
      processes.add(
          new ProcessBuilder(
                  java,
                  "-Xmx256m",
                  "-XX:TieredStopAtLevel=1",
                  "-cp",
                  System.getProperty("java.class.path"),
                  RedisReplicaMain.class.getName(),
                  sim.azureEndpoint().toString(),
                  ";rpm=" + RPM + ";tpm=" + TPM,
                  store,
                  String.valueOf(CALLS),
                  String.valueOf(IN_FLIGHT))
              .redirectErrorStream(true)
              .start());
    }
    int ok = 0;
    long fallback = 0;
    for (Process p : processes) {
      String out = readAll(p);
      if (!p.waitFor(200, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("a replica process did not finish in 200 s:\n" + out);
      }
      Matcher m = RESULT.matcher(out);
      assertThat(m.find()).as("the replica's result line in:\n" + out).isTrue();
      ok += Integer.parseInt(m.group(1));
      fallback += Long.parseLong(m.group(2));
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    return new Outcome(
        ok, fallback, sim.counters().rateLimited(), sim.counters().totalRequests(), millis);
  }

  private static String readAll(Process p) throws IOException {
    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }

  @Test
  void threeProcessesShareOneRpmAndTpmBudgetThroughRedis() throws Exception {
    try (RedisServer redis = RedisServer.start();
        LlmSimulator sim =
            LlmSimulator.builder()
                .apiKey(RedisSharedBudgetTest.KEY)
                .maxRecordedRequests(0)
                .deployment(
                    Deployment.of("gpt-4o").withRequestsPerMinute(RPM).withTokensPerMinute(TPM))
                .rateLimitWindow(Duration.ofSeconds(1))
                .start()) {
      Outcome local = threeProcesses(sim, "local");
      Outcome shared = threeProcesses(sim, redis.uri());
      System.out.printf(
          "[redis processes] 3 JVMs x %d calls, %d in flight each; deployment %d rpm, %d tpm"
              + " (1 s windows)%n"
              + "  local budgets only: %d ok, %d 429s of %d requests, %.1f calls/s in %d ms%n"
              + "  shared Redis budget: %d ok, %d 429s of %d requests, %.1f calls/s in %d ms,"
              + " %d decisions by the fallback%n",
          CALLS,
          IN_FLIGHT,
          RPM,
          TPM,
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
          shared.fallback());

      assertThat(local.ok()).isEqualTo(3 * CALLS);
      assertThat(shared.ok()).isEqualTo(3 * CALLS);
      assertThat(local.rateLimited())
          .as("three local budgets overrun the limits")
          .isGreaterThanOrEqualTo(20);
      assertThat(shared.rateLimited())
          .as("one shared budget: a handful at most")
          .isLessThanOrEqualTo(5);
    }
  }
}
