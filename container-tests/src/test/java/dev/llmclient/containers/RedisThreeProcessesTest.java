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
 * budget, meet a handful of 429s at most and reach at least 90 % of the limit that binds. The
 * numbers are printed.
 *
 * <p>Throughput is the calls that succeeded over the time from the first call's start in any
 * replica to the last call's end in any replica (wall-clock times the replicas report; JVM start-up
 * is not part of it), compared with the limit that binds: the RPM, or the TPM over the tokens the
 * server counts per call (prompt plus output cap). That rate includes the first window, which a
 * window-based limit admits at once, so it is also checked against the most the deployment admits
 * in the span, {@code rate * (span + window)}: never more.
 *
 * <p>The pool's rule costs every share {@code latency / window} (a request counts from its send
 * until one window after its answer, so no window the server counts in sees more than the limit).
 * On this shared 2-core machine under load that latency, with the wake-up of the replica that takes
 * the freed share, was measured at about 0.4 to 0.6 s, so the windows here are 5 s: with 1 s
 * windows the replicas reached only 83 % of the limit.
 */
@RequiresDockerEngine(images = LocalImages.REDIS)
@Timeout(value = 420, unit = TimeUnit.SECONDS)
class RedisThreeProcessesTest {

  private static final int RPM = 1200;
  private static final int TPM = 96_000; // about 14 calls a second: the tokens bind first
  private static final Duration WINDOW = Duration.ofSeconds(5);
  private static final int CALLS = 240; // about 50 s of the deployment's limit for three
  private static final int IN_FLIGHT = 8;
  // The replicas are the deployment's only clients, so they may use all of it; the default 0.95
  // leaves 5 % to others.
  private static final double UTILISATION = 1.0;
  private static final Pattern RESULT =
      Pattern.compile(
          "RESULT ok=(\\d+) fallback=(\\d+) outages=(\\d+) start=(\\d+) end=(\\d+)"
              + " input=(\\d+)");

  /**
   * What three replicas did, timed from the first call's start in any of them to the last call's
   * end in any of them (their JVM start-up is not part of it).
   */
  record Outcome(
      int ok,
      long fallback,
      long outages,
      long rateLimited,
      long requests,
      long millis,
      long tokensPerCall) {
    double perSecond() {
      return ok * 1000.0 / millis;
    }

    /**
     * The deployment's limit in calls a second: the RPM, or the TPM over what the server counts per
     * call (its prompt tokens plus the output cap), whichever binds.
     */
    double limitPerSecond() {
      return Math.min(RPM / 60.0, TPM / 60.0 / tokensPerCall);
    }

    /** The most calls the deployment admits in the run's span: its rate, plus the first window. */
    double limitCalls() {
      return limitPerSecond() * (millis + WINDOW.toMillis()) / 1000.0;
    }

    double shareOfLimit() {
      return perSecond() / limitPerSecond();
    }

    double shareOfMostAdmitted() {
      return ok / limitCalls();
    }
  }

  private static Outcome threeProcesses(LlmSimulator sim, String store) throws Exception {
    sim.reset();
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    List<Process> processes = new ArrayList<>();
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
                  String.valueOf(IN_FLIGHT),
                  WINDOW.toString(),
                  String.valueOf(UTILISATION))
              .redirectErrorStream(true)
              .start());
    }
    int ok = 0;
    long fallback = 0;
    long outages = 0;
    long firstStart = Long.MAX_VALUE;
    long lastEnd = Long.MIN_VALUE;
    long input = 0;
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
      outages += Long.parseLong(m.group(3));
      firstStart = Math.min(firstStart, Long.parseLong(m.group(4)));
      lastEnd = Math.max(lastEnd, Long.parseLong(m.group(5)));
      input = Math.max(input, Long.parseLong(m.group(6)));
    }
    return new Outcome(
        ok,
        fallback,
        outages,
        sim.counters().rateLimited(),
        sim.counters().totalRequests(),
        Math.max(1, lastEnd - firstStart),
        input + RedisSharedBudgetTest.MAX_TOKENS);
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
                .rateLimitWindow(WINDOW)
                .start()) {
      Outcome local = threeProcesses(sim, "local");
      Outcome shared = threeProcesses(sim, redis.uri());
      System.out.printf(
          "[redis processes] 3 JVMs x %d calls, %d in flight each, budget utilisation %.2f;"
              + " deployment %d rpm, %d tpm over %d s windows, %d tokens counted per call: the"
              + " limit is %.2f calls/s%n",
          CALLS,
          IN_FLIGHT,
          UTILISATION,
          RPM,
          TPM,
          WINDOW.toSeconds(),
          shared.tokensPerCall(),
          shared.limitPerSecond());
      print("local budgets only", local);
      print("shared Redis budget", shared);

      assertThat(local.ok()).isEqualTo(3 * CALLS);
      assertThat(shared.ok()).isEqualTo(3 * CALLS);
      assertThat(local.rateLimited())
          .as("three local budgets overrun the limits")
          .isGreaterThanOrEqualTo(20);
      assertThat(shared.rateLimited())
          .as("one shared budget: a handful at most")
          .isLessThanOrEqualTo(5);
      assertThat(shared.shareOfLimit())
          .as("one shared budget: within 10 %% of the limit that binds")
          .isGreaterThanOrEqualTo(0.90);
      assertThat(shared.shareOfMostAdmitted())
          .as("never more than the deployment admits in that time")
          .isLessThanOrEqualTo(1.02);
    }
  }

  private static void print(String what, Outcome o) {
    System.out.printf(
        "  %s: %d ok, %d 429s of %d requests in %d ms from the first call to the last: %.2f"
            + " calls/s, %.0f %% of the limit; %.0f %% of the %.0f calls it admits in that time"
            + " (the first window's burst included); %d decisions by the fallback in %d outages%n",
        what,
        o.ok(),
        o.rateLimited(),
        o.requests(),
        o.millis(),
        o.perSecond(),
        100 * o.shareOfLimit(),
        100 * o.shareOfMostAdmitted(),
        o.limitCalls(),
        o.fallback(),
        o.outages());
  }
}
