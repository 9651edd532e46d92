package dev.llmclient.it.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmclient.api.EmbedderClient;
import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmConfigurationException;
import dev.llmclient.api.LlmRequest;
import dev.llmclient.api.LlmResponse;
import dev.llmclient.api.Message;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.cache.disk.DiskResponseCache;
import dev.llmclient.core.LlmClients;
import dev.llmclient.core.ProviderReport;
import dev.llmclient.core.StoreProvider;
import dev.llmclient.core.pool.DeploymentPool;
import dev.llmclient.testkit.simulator.LlmSimulator;
import dev.llmclient.testkit.simulator.Route;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code LlmClients.fromEnvironment()}'s path with settings only: {@value
 * DeploymentPool#DEPLOYMENTS_SETTING} builds a pool over two simulated deployments and {@value
 * StoreProvider#CACHE_DIR} puts the response cache on disk (llm-cache-disk is on this classpath),
 * so a restarted client sends nothing it already paid for.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PoolAndStoresFromSettingsTest {

  private static final String KEY = "pool-settings-key";

  @TempDir Path cacheDir;
  private LlmSimulator east;
  private LlmSimulator west;

  @BeforeEach
  void start() {
    east = LlmSimulator.builder().apiKey(KEY).deployment("gpt-4o").start();
    west = LlmSimulator.builder().apiKey(KEY).deployment("gpt-4o").start();
  }

  @AfterEach
  void stop() {
    east.close();
    west.close();
  }

  private Map<String, String> poolSettings() {
    Map<String, String> m = new HashMap<>();
    m.put(
        DeploymentPool.DEPLOYMENTS_SETTING,
        "gpt-4o@"
            + east.azureEndpoint()
            + ";name=east, gpt-4o@"
            + west.azureEndpoint()
            + ";name=west");
    m.put("AZURE_OPENAI_API_KEY", KEY);
    m.put(StoreProvider.CACHE_DIR, cacheDir.toString());
    return m;
  }

  private long chatRequests() {
    return east.counters().requests(Route.CHAT_COMPLETIONS)
        + west.counters().requests(Route.CHAT_COMPLETIONS);
  }

  private static LlmRequest<Map<String, Object>> question(int i) {
    return LlmRequest.builder()
        .messages(List.of(Message.user("Question " + i + ": answer in JSON.")))
        .build();
  }

  @Test
  void thePoolSettingRoutesOverEveryMemberAndTheDiskCacheAnswersAfterARestart() {
    ProviderSettings settings = ProviderSettings.of(poolSettings());
    try (LlmClient llm = LlmClients.builder().settings(settings).build()) {
      for (int i = 0; i < 10; i++) {
        assertThat(llm.generate(question(i)).cacheHit()).isFalse();
      }
      assertThat(chatRequests()).isEqualTo(10);
      assertThat(east.counters().requests(Route.CHAT_COMPLETIONS)).isPositive();
      assertThat(west.counters().requests(Route.CHAT_COMPLETIONS)).isPositive();
    }
    assertThat(cacheDir.resolve(DiskResponseCache.FILE_NAME)).exists();

    // a new client, as after a restart: the answers come from the directory
    try (LlmClient again = LlmClients.builder().settings(settings).build()) {
      for (int i = 0; i < 10; i++) {
        LlmResponse<Map<String, Object>> r = again.generate(question(i));
        assertThat(r.cacheHit()).as("question %d", i).isTrue();
      }
      assertThat(again.generate(question(10)).cacheHit()).isFalse();
    }
    assertThat(chatRequests()).isEqualTo(11);
  }

  @Test
  void theEmbedderUsesTheDiskCacheFromTheSettingsToo() {
    LlmSimulator sim = LlmSimulator.builder().apiKey(KEY).start();
    Map<String, String> m = new HashMap<>();
    m.put("LLM_PROVIDER", "openai");
    m.put("OPENAI_BASE_URL", sim.openAiBaseUri().toString());
    m.put("OPENAI_API_KEY", KEY);
    m.put(StoreProvider.CACHE_DIR, cacheDir.toString());
    ProviderSettings settings = ProviderSettings.of(m);
    float[] first;
    try (EmbedderClient embedder = LlmClients.embedder().settings(settings).build()) {
      first = embedder.create("a node name");
    }
    try (EmbedderClient embedder = LlmClients.embedder().settings(settings).build()) {
      assertThat(embedder.create("a node name")).containsExactly(first);
    }
    assertThat(sim.counters().requests(Route.EMBEDDINGS)).isEqualTo(1);
    sim.close();
  }

  @Test
  void theReportListsThePoolMembersAndTheStoresWithoutConnecting() {
    Map<String, String> m = poolSettings();
    m.put(StoreProvider.REDIS_URL, "redis://:not-for-logs@127.0.0.1:1/0");
    ProviderReport report = LlmClients.describeProviders(ProviderSettings.of(m));

    assertThat(report.poolMembers())
        .containsExactly(
            "east: gpt-4o@" + east.azureEndpoint() + " provider=azure tier=1 weight=1",
            "west: gpt-4o@" + west.azureEndpoint() + " provider=azure tier=1 weight=1");
    assertThat(report.stores())
        .containsExactly(
            "LLM_CACHE_DIR: disk cache in "
                + cacheDir.toAbsolutePath().resolve(DiskResponseCache.FILE_NAME)
                + ", at most 1 GiB (response cache)",
            "LLM_REDIS_URL: set, but dev.llmclient:llm-redis is not on the classpath");
    assertThat(report.problem()).isEmpty();
    assertThat(report.toString()).doesNotContain("not-for-logs");
    assertThat(cacheDir.resolve(DiskResponseCache.FILE_NAME)).doesNotExist();
    assertThat(chatRequests()).isZero();
  }

  @Test
  void aStoreSettingWhoseJarIsMissingStopsTheBuildNamingTheArtifact() {
    Map<String, String> m = poolSettings();
    m.remove(StoreProvider.CACHE_DIR);
    m.put(StoreProvider.REDIS_URL, "redis://127.0.0.1:1");

    assertThatThrownBy(() -> LlmClients.builder().settings(ProviderSettings.of(m)).build())
        .isInstanceOf(LlmConfigurationException.class)
        .hasMessageContaining("LLM_REDIS_URL is set")
        .hasMessageContaining("add dev.llmclient:llm-redis");
  }
}
