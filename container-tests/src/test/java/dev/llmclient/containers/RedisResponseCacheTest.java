package dev.llmclient.containers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmRequest;
import dev.llmclient.api.LlmResponse;
import dev.llmclient.api.Message;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.core.LlmClients;
import dev.llmclient.redis.RedisResponseCache;
import dev.llmclient.testkit.simulator.LlmSimulator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The Redis response cache shared by two clients, bounded, and compact. */
@RequiresDockerEngine(images = LocalImages.REDIS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RedisResponseCacheTest {

  private static RedisServer redis;
  private static LlmSimulator sim;
  private final List<AutoCloseable> resources = new ArrayList<>();

  @BeforeAll
  static void start() {
    redis = RedisServer.start();
    sim = LlmSimulator.builder().apiKey(SdkClients.API_KEY).maxRecordedRequests(0).start();
  }

  @AfterAll
  static void stop() {
    if (sim != null) {
      sim.close();
    }
    if (redis != null) {
      redis.close();
    }
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
    redis.with(c -> c.flushall());
    sim.reset();
  }

  private RedisResponseCache cache(java.util.function.UnaryOperator<RedisResponseCache.Builder> b) {
    RedisResponseCache cache =
        b.apply(RedisResponseCache.builder().uri(redis.uri()).prefix("llmclient:cachetest"))
            .build();
    resources.add(cache);
    return cache;
  }

  private LlmClient client(RedisResponseCache cache) {
    ProviderSettings settings = SdkClients.openAi(sim.openAiBaseUri()).build();
    LlmClient llm = LlmClients.builder().provider("openai").settings(settings).cache(cache).build();
    resources.add(llm);
    return llm;
  }

  @Test
  void anAnswerOneClientPaidForIsAHitInAnotherWithItsOwnConnection() throws Exception {
    RedisResponseCache first = cache(b -> b);
    RedisResponseCache second = cache(b -> b);
    LlmRequest<Map<String, Object>> request =
        LlmRequest.builder()
            .messages(List.of(Message.user("Name three rivers. Answer in JSON.")))
            .build();

    LlmResponse<Map<String, Object>> paid = client(first).generate(request);
    assertThat(paid.cacheHit()).isFalse();
    // the put is sent without waiting: give it a moment to land
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    List<String> keys = List.of();
    while (keys.isEmpty() && System.nanoTime() < deadline) {
      keys = redis.with(c -> c.keys("llmclient:cachetest:cache:*"));
      Thread.sleep(10);
    }
    assertThat(keys).singleElement().asString().matches("llmclient:cachetest:cache:[0-9a-f]{64}");
    String entry = keys.get(0);
    long ttl = redis.with(c -> c.pttl(entry));
    assertThat(ttl).isBetween(3_500_000L, 3_600_000L);

    LlmResponse<Map<String, Object>> reused = client(second).generate(request);
    assertThat(reused.cacheHit()).isTrue();
    assertThat(reused.json()).isEqualTo(paid.json());
    assertThat(sim.counters().totalRequests()).as("one request for both clients").isEqualTo(1);
    assertThat(second.hits()).isEqualTo(1);
  }

  @Test
  void theCacheKeepsAtMostMaxEntriesDroppingTheOldestAndSkipsValuesOverTheSizeBound()
      throws Exception {
    RedisResponseCache cache =
        cache(b -> b.maxEntries(50).maxValueBytes(4096).timeToLive(Duration.ofMinutes(5)));
    for (int i = 0; i < 120; i++) {
      cache.put(String.format("%064x", i), "{\"i\":" + i + "}");
    }
    String big = "{\"text\":\"" + randomText(20_000) + "\"}";
    cache.put("f".repeat(64), big);
    // puts are pipelined on one connection: a lookup after them sees them all
    assertThat(cache.get(String.format("%064x", 119))).isEqualTo("{\"i\":119}");
    assertThat(cache.get(String.format("%064x", 0))).as("evicted").isNull();
    assertThat(cache.get("f".repeat(64))).as("too large to cache").isNull();
    long entries = redis.with(c -> c.keys("llmclient:cachetest:cache:*")).size();
    assertThat(entries).isEqualTo(50);
    long indexed = redis.with(c -> c.zcard("llmclient:cachetest:cache-index"));
    assertThat(indexed).isEqualTo(50);
    assertThat(cache.skippedPuts()).isEqualTo(1);
  }

  @Test
  void longAnswersAreStoredDeflatedAndReadBackExactly() {
    RedisResponseCache cache = cache(b -> b);
    String answer = "{\"people\":[" + "{\"name\":\"Ada\",\"born\":1815},".repeat(500) + "{}]}";
    cache.put("e".repeat(64), answer);
    assertThat(cache.get("e".repeat(64))).isEqualTo(answer);
    long stored = redis.with(c -> c.strlen("llmclient:cachetest:cache:" + "e".repeat(64)));
    System.out.printf(
        "[redis cache] a %d-byte answer is stored in %d bytes%n", answer.length(), stored);
    assertThat(stored).isLessThan(answer.length() / 10);
  }

  private static String randomText(int length) {
    java.util.Random random = new java.util.Random(3);
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append((char) ('a' + random.nextInt(26)));
    }
    return sb.toString();
  }
}
