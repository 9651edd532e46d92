package dev.llmclient.containers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmclient.testkit.simulator.LlmSimulator;
import dev.llmclient.testkit.simulator.Route;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code llm} jar (llm-cli/target/llm.jar, run as a process with a cleared environment) with
 * {@code LLM_REDIS_URL}: {@code llm batch} keeps the pool's budget and its answers in Redis, so a
 * second run is answered from Redis; {@code llm providers} reports the Redis stores.
 */
@RequiresDockerEngine(images = LocalImages.REDIS)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class RedisCliTest {

  private static final Path JAR =
      Path.of(System.getProperty("llm.jar", "../llm-cli/target/llm.jar"));
  private static final Path SCHEMA =
      Path.of(System.getProperty("llm.examples", "../examples/data"), "extraction.schema.json");
  private static final String JAVA =
      Path.of(System.getProperty("java.home"), "bin", "java").toString();
  private static final String KEY = "redis-cli-key";
  private static final String PREFIX = "llmclient:clitest";
  private static final int RECORDS = 12;

  @TempDir Path dir;

  record Run(int exit, String out, String err) {}

  private Run llm(Map<String, String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(JAVA, "-jar", JAR.toAbsolutePath().toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    pb.environment().clear();
    pb.environment().putAll(env);
    Path out = dir.resolve("stdout.txt");
    Path err = dir.resolve("stderr.txt");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process p = pb.start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("llm did not finish in 120 s: " + Files.readString(err));
    }
    return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  private Map<String, String> settings(LlmSimulator sim, RedisServer redis) {
    Map<String, String> env = new HashMap<>();
    env.put(
        "AZURE_OPENAI_DEPLOYMENTS",
        "gpt-4o@" + sim.azureEndpoint() + ";name=east;rpm=600;tpm=5000000");
    env.put("AZURE_OPENAI_API_KEY", KEY);
    env.put("LLM_REDIS_URL", redis.uri());
    env.put("LLM_REDIS_PREFIX", PREFIX);
    return env;
  }

  private Path records() throws Exception {
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < RECORDS; i++) {
      lines
          .append("{\"id\": \"r")
          .append(i)
          .append("\", \"text\": \"Person ")
          .append(i)
          .append(" joined Company ")
          .append(i)
          .append(" in 2001.\"}\n");
    }
    return Files.writeString(dir.resolve("records.jsonl"), lines, StandardCharsets.UTF_8);
  }

  @Test
  void llmBatchKeepsTheBudgetAndTheAnswersInRedisAndASecondRunSendsNothing() throws Exception {
    assertThat(JAR).as("the llm jar, built by the reactor before this module").exists();
    try (RedisServer redis = RedisServer.start();
        LlmSimulator sim = LlmSimulator.builder().apiKey(KEY).deployment("gpt-4o").start()) {
      Map<String, String> env = settings(sim, redis);
      Path in = records();
      Path out = dir.resolve("results.jsonl");
      String[] batch = {
        "batch",
        "--in",
        in.toString(),
        "--schema",
        SCHEMA.toAbsolutePath().toString(),
        "--out",
        out.toString(),
        "--overwrite"
      };

      Run first = llm(env, batch);
      assertThat(first.exit()).as("first run:\n%s", first.err()).isZero();
      assertThat(Files.readAllLines(out)).hasSize(RECORDS);
      assertThat(sim.counters().requests(Route.CHAT_COMPLETIONS)).isEqualTo(RECORDS);

      List<String> budgetKeys = redis.with(c -> c.keys(PREFIX + ":budget:*"));
      List<String> cacheKeys = redis.with(c -> c.keys(PREFIX + ":cache:*"));
      System.out.printf(
          "[redis cli] llm batch of %d records: budget keys %s, %d cache keys%n",
          RECORDS, budgetKeys, cacheKeys.size());
      assertThat(budgetKeys).isNotEmpty().allSatisfy(k -> assertThat(k).contains("{east}"));
      assertThat(cacheKeys).hasSize(RECORDS);
      assertThat(first.err()).doesNotContain("llm-redis is not on the classpath");

      // a new process finds the answers in Redis. A lookup Redis does not answer within the
      // cache's 50 ms timeout is a miss by design; in a cold JVM on this loaded machine one in a
      // run took up to 82 ms, so one such miss is allowed, no more.
      Run second = llm(env, batch);
      long again = sim.counters().requests(Route.CHAT_COMPLETIONS) - RECORDS;
      System.out.printf("[redis cli] second run: %d requests for %d records%n", again, RECORDS);
      assertThat(second.exit()).as("second run:\n%s", second.err()).isZero();
      assertThat(Files.readAllLines(out)).hasSize(RECORDS);
      assertThat(again).as("requests of the second run").isLessThanOrEqualTo(1);
    }
  }

  @Test
  void llmProvidersReportsTheRedisStores() throws Exception {
    try (RedisServer redis = RedisServer.start();
        LlmSimulator sim = LlmSimulator.builder().apiKey(KEY).deployment("gpt-4o").start()) {
      Run run = llm(settings(sim, redis), "providers");

      assertThat(run.exit()).as(run.err()).isZero();
      assertThat(run.out())
          .contains(
              "LLM_REDIS_URL: Redis at "
                  + redis.uri()
                  + "/0, key prefix "
                  + PREFIX
                  + " (budget store and response cache)")
          .contains("east: gpt-4o@" + sim.azureEndpoint())
          .doesNotContain("not on the classpath");
      assertThat(sim.counters().totalRequests()).isZero();
    }
  }
}
