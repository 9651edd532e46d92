package dev.llmclient.testkit.simulator;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the simulator from a shell until interrupted (Ctrl-C).
 *
 * <pre>
 * java -cp llm-testkit.jar:... dev.llmclient.testkit.simulator.SimulatorMain \
 *     --port 8089 --api-key test-key --deployment gpt-4o --rpm 60 --latency-ms 200
 * </pre>
 *
 * <p>Run with {@code --help} for every option.
 */
public final class SimulatorMain {

  private SimulatorMain() {}

  /**
   * Starts the simulator and blocks until the JVM is asked to stop.
   *
   * @param args the options; {@code --help} lists them
   * @throws InterruptedException when interrupted while waiting
   */
  public static void main(String[] args) throws InterruptedException {
    LlmSimulator.Builder builder;
    try {
      builder = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("llm simulator: " + e.getMessage());
      usage(System.err);
      System.exit(2);
      return;
    }
    if (builder == null) {
      usage(System.out);
      return;
    }
    LlmSimulator sim = builder.start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  sim.close();
                  stopped.countDown();
                },
                "llm-simulator-shutdown"));
    System.out.println("LLM simulator listening on " + sim.baseUri());
    System.out.println("  OpenAI base URL:  " + sim.openAiBaseUri());
    System.out.println("  Azure endpoint:   " + sim.azureEndpoint());
    System.out.println("  Protocols:        HTTP/1.1 and h2c with prior knowledge, one port");
    stopped.await();
  }

  /**
   * Parses the options into a builder.
   *
   * @param args the options
   * @return the builder, or null when {@code --help} was asked for
   * @throws IllegalArgumentException naming a bad or unknown option
   */
  static LlmSimulator.@org.jspecify.annotations.Nullable Builder parse(String[] args) {
    LlmSimulator.Builder b = LlmSimulator.builder();
    long latencyMs = 0;
    long perTokenMs = 0;
    double jitter = 0;
    for (int i = 0; i < args.length; i++) {
      String option = args[i];
      if (option.equals("--help") || option.equals("-h")) {
        return null;
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(option + " needs a value");
      }
      String value = args[++i];
      try {
        switch (option) {
          case "--port" -> b.port(Integer.parseInt(value));
          case "--api-key" -> b.apiKey(value);
          case "--token" -> b.bearerToken(value);
          case "--deployment" -> b.deployment(value);
          case "--api-version" -> b.apiVersions(value.split(","));
          case "--rpm" -> b.requestsPerMinute(Integer.parseInt(value));
          case "--tpm" -> b.tokensPerMinute(Integer.parseInt(value));
          case "--token-limit" -> b.tokenLimit(Integer.parseInt(value));
          case "--latency-ms" -> latencyMs = Long.parseLong(value);
          case "--per-token-ms" -> perTokenMs = Long.parseLong(value);
          case "--jitter" -> jitter = Double.parseDouble(value);
          case "--seed" -> b.seed(Long.parseLong(value));
          case "--fault" -> b.fault(fault(value));
          case "--retry-after" -> b.retryAfterHttpDate(choice(option, value, "seconds", "date"));
          case "--retry-after-ms" -> b.retryAfterMs(choice(option, value, "false", "true"));
          case "--ms-retry-after" -> b.msRetryAfterHeader(choice(option, value, "false", "true"));
          default -> throw new IllegalArgumentException("unknown option " + option);
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(option + " needs a number, got '" + value + "'");
      }
    }
    b.latency(LatencyModel.of(Duration.ofMillis(latencyMs), Duration.ofMillis(perTokenMs), jitter));
    return b;
  }

  /** False for {@code no}, true for {@code yes}, else a usage error naming both. */
  private static boolean choice(String option, String value, String no, String yes) {
    if (value.equals(no)) {
      return false;
    }
    if (value.equals(yes)) {
      return true;
    }
    throw new IllegalArgumentException(
        option + " takes " + no + " or " + yes + ", got '" + value + "'");
  }

  /** A {@link Fault#parse(String)} spec, its errors prefixed with the option's name. */
  private static Fault fault(String spec) {
    try {
      return Fault.parse(spec);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--fault: " + e.getMessage(), e);
    }
  }

  private static void usage(PrintStream out) {
    out.println(
        """
        usage: SimulatorMain [options]
          --port N            port on 127.0.0.1 (default: a free one, printed at start)
          --api-key KEY       accepted key (repeatable); none means no authentication
          --token TOKEN       accepted Entra ID bearer token (repeatable)
          --deployment NAME   served deployment/model (repeatable); none means any name
          --api-version V,V   accepted Azure api-version values
          --rpm N / --tpm N   per-deployment quotas, enforced per 10 s sub-window
          --token-limit N     context window in tokens
          --latency-ms N      time to first byte; --per-token-ms N adds per output token
          --jitter F          relative latency jitter, 0..1
          --seed N            seed of all generated output
          --fault KIND[:P]    inject a fault (Fault.Kind name), optionally with probability P
          --retry-after seconds|date   Retry-After format on 429s (default seconds)
          --retry-after-ms true|false  also send retry-after-ms on 429s
          --ms-retry-after true|false  also send x-ms-retry-after-ms on 429s
        """);
  }
}
