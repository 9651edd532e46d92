package dev.llmclient.benchmarks;

import dev.llmclient.core.pool.BudgetStore;
import dev.llmclient.redis.RedisBudgetStore;
import dev.llmclient.redis.RedisResponseCache;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the Redis stores cost a call on loopback (issue 20's JMH targets): the shared budget's
 * reserve-and-release next to a raw Lettuce {@code PING} and {@code EVALSHA} round trip, and a
 * {@link RedisResponseCache} hit next to a raw Lettuce {@code GET} of the same stored value.
 *
 * <p>Each fork starts its own {@code redis-server} (Debian's package: {@code apt-get install
 * redis-server}) as a child process on a free loopback port, without persistence, and stops it at
 * the end; without {@code redis-server} on the {@code PATH} the trial fails at once saying so. At
 * the end of a trial it prints the Redis commands per operation, and each one's time inside Redis,
 * from {@code INFO commandstats} (commands a script runs are listed too), so the budget's "one
 * round trip per call" is counted, not inferred from the time.
 *
 * <pre>
 * ./mvnw -B -o -q package -Pbenchmarks -pl benchmarks -am -DskipTests
 * java -jar benchmarks/target/benchmarks.jar RedisBenchmark -f 1 -wi 2 -i 3
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
public class RedisBenchmark {

  private static final String PREFIX = "llmclient:bench";
  private static final String BUDGET = "gpt-4o@east";
  private static final Pattern CALLS =
      Pattern.compile("cmdstat_([\\w|]+):calls=(\\d+),usec=\\d+,usec_per_call=([\\d.]+)");

  /** The cached answer's length in characters: a short JSON answer, and a 4 KiB one (deflated). */
  @Param({"200", "4000"})
  public int valueChars;

  private Process server;
  private Path dir;
  private RedisClient raw;
  private StatefulRedisConnection<String, String> rawConnection;
  private RedisCommands<String, String> commands;
  private String noopSha;
  private RedisBudgetStore budget;
  private RedisResponseCache cache;
  private String cacheKey;
  private String storedKey;
  private long operations; // one thread: counted in each benchmark method

  @Setup(Level.Trial)
  public void start() throws IOException, InterruptedException {
    String binary = findRedisServer();
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    dir = Files.createTempDirectory("redis-bench");
    server =
        new ProcessBuilder(
                binary,
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                dir.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("redis.log").toFile())
            .start();
    // a benchmark that throws ends its fork without the tear-down: never leave the server behind
    Process started = server;
    Runtime.getRuntime().addShutdownHook(new Thread(started::destroy));
    String uri = "redis://127.0.0.1:" + port;
    raw = RedisClient.create(uri);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try {
        rawConnection = raw.connect();
        break;
      } catch (RuntimeException notYet) {
        if (System.nanoTime() > deadline || !server.isAlive()) {
          throw new IllegalStateException(
              "redis-server did not answer on " + uri + " within 10 s; see " + dir, notYet);
        }
        Thread.sleep(50);
      }
    }
    commands = rawConnection.sync();
    noopSha = commands.scriptLoad("return 1");

    budget =
        RedisBudgetStore.builder()
            .uri(uri)
            .prefix(PREFIX)
            .timeout(Duration.ofSeconds(1)) // a benchmark measures Redis, never the fallback
            .build();
    // large enough limits that every reservation is granted: the cost of a granted call
    budget.register(
        BUDGET, new BudgetStore.Rules(Duration.ofSeconds(10), 0.95, 1_000_000, 100_000_000));

    cache =
        RedisResponseCache.builder().uri(uri).prefix(PREFIX).timeout(Duration.ofSeconds(1)).build();
    String value = "{\"answer\":\"" + "x".repeat(Math.max(0, valueChars - 13)) + "\"}";
    cacheKey = String.format("%064x", 42);
    storedKey = PREFIX + ":cache:" + cacheKey;
    cache.put(cacheKey, value);
    deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (cache.get(cacheKey) == null) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the cache put did not arrive within 5 s");
      }
      Thread.sleep(10);
    }
    commands.configResetstat();
    operations = 0;
  }

  @TearDown(Level.Trial)
  public void stop() throws InterruptedException, IOException {
    try {
      StringBuilder line = new StringBuilder("[redis commands per operation]");
      Matcher m = CALLS.matcher(commands.info("commandstats"));
      while (m.find()) {
        String command = m.group(1);
        if (command.equals("info") || command.equals("config|resetstat")) {
          continue;
        }
        // per operation: how many times Redis ran the command, and its time inside Redis
        line.append(
            String.format(
                " %s=%.3f (%s us in Redis)",
                command, Long.parseLong(m.group(2)) / (double) operations, m.group(3)));
      }
      System.out.println(line.append(" (").append(operations).append(" operations)"));
    } finally {
      budget.close();
      cache.close();
      rawConnection.close();
      raw.shutdown();
      server.destroy();
      if (!server.waitFor(5, TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
      Files.deleteIfExists(dir.resolve("redis.log"));
      Files.deleteIfExists(dir);
    }
  }

  /** A raw Lettuce {@code PING}: one loopback round trip, the floor. */
  @Benchmark
  public String rawPing() {
    operations++;
    return commands.ping();
  }

  /** A raw Lettuce {@code EVALSHA} of a script that returns 1: a round trip through Lua. */
  @Benchmark
  public Long rawEvalsha() {
    operations++;
    return commands.evalsha(noopSha, ScriptOutputType.INTEGER, new String[0]);
  }

  /**
   * One call's budget on Redis: a reservation (the call waits for it) and its release with the
   * tokens the server charged (sent without waiting).
   */
  @Benchmark
  public BudgetStore.Reservation budgetReserveAndRelease() {
    operations++;
    long now = System.currentTimeMillis() * 1_000_000L;
    BudgetStore.Reservation r = budget.tryReserve(BUDGET, 180, now);
    if (r == null) {
      throw new IllegalStateException("the benchmark's budget refused a call; raise its limits");
    }
    budget.release(r, 120 + ThreadLocalRandom.current().nextInt(10), now);
    return r;
  }

  /** A raw Lettuce {@code GET} of the bytes the cache stored for the answer. */
  @Benchmark
  public String rawGet() {
    operations++;
    return commands.get(storedKey);
  }

  /** A {@link RedisResponseCache} hit of the same answer, decoded (and inflated when long). */
  @Benchmark
  public String cacheHit() {
    operations++;
    String v = cache.get(cacheKey);
    if (v == null) {
      throw new IllegalStateException("the cache missed; Redis did not answer within 1 s");
    }
    return v;
  }

  private static String findRedisServer() {
    String path = System.getenv().getOrDefault("PATH", "/usr/bin:/usr/sbin");
    for (String d : (path + ":/usr/bin:/usr/sbin").split(":")) {
      Path p = Path.of(d, "redis-server");
      if (!d.isEmpty() && Files.isExecutable(p)) {
        return p.toString();
      }
    }
    throw new IllegalStateException(
        "RedisBenchmark needs redis-server on the PATH, e.g. `sudo apt-get install redis-server`;"
            + " it starts its own on a free loopback port");
  }
}
