package dev.llmclient.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmConfigurationException;
import dev.llmclient.api.LlmRequest;
import dev.llmclient.api.Message;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.api.spi.ResponseCache;
import dev.llmclient.api.spi.Tracer;
import dev.llmclient.testkit.ScriptedChatBackend;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The response cache a setting asks for, made by a {@link StoreProvider} found on the classpath.
 */
class StoresFromSettingsTest {

  /** A store provider for a setting of its own, with a map for a cache. */
  static final class MapStores implements StoreProvider {
    final String setting;
    final MapCache cache = new MapCache();

    MapStores(String setting) {
      this.setting = setting;
    }

    @Override
    public String setting() {
      return setting;
    }

    @Override
    public Optional<ResponseCache> createResponseCache(ProviderSettings settings) {
      return Optional.of(cache);
    }

    @Override
    public String describe(ProviderSettings settings) {
      return "a map for " + settings.get(setting);
    }
  }

  static final class MapCache implements ResponseCache, AutoCloseable {
    final Map<String, String> entries = new ConcurrentHashMap<>();
    volatile boolean closed;

    @Override
    public @Nullable String get(String key) {
      return entries.get(key);
    }

    @Override
    public void put(String key, String value) {
      entries.put(key, value);
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  private final ScriptedChatBackend backend = new ScriptedChatBackend();

  private LlmClients.Builder builder(Map<String, String> settings, StoreProvider... stores) {
    return LlmClients.builder()
        .settings(ProviderSettings.of(settings))
        .backend(backend)
        .tracer(Tracer.noop())
        .stores(() -> List.of(stores));
  }

  private static LlmRequest<Map<String, Object>> question() {
    return LlmRequest.builder().messages(List.of(Message.user("Answer in JSON."))).build();
  }

  @Test
  void theCacheTheSettingAsksForAnswersTheSecondCallAndIsClosedWithTheClient() {
    MapStores stores = new MapStores("ACME_CACHE");
    backend.enqueueContent("{\"a\":1}");

    try (LlmClient llm = builder(Map.of("ACME_CACHE", "on"), stores).build()) {
      assertThat(llm.generate(question()).cacheHit()).isFalse();
      assertThat(llm.generate(question()).cacheHit()).isTrue();
    }

    assertThat(backend.requests()).hasSize(1);
    assertThat(stores.cache.entries).hasSize(1);
    assertThat(stores.cache.closed).isTrue();
  }

  @Test
  void aStoreProviderWhoseSettingIsUnsetIsNotUsed() {
    MapStores stores = new MapStores("ACME_CACHE");
    backend.enqueueContent("{\"a\":1}").enqueueContent("{\"a\":1}");

    try (LlmClient llm = builder(Map.of(), stores).build()) {
      llm.generate(question());
      assertThat(llm.generate(question()).cacheHit()).isFalse();
    }
    assertThat(stores.cache.entries).isEmpty();
  }

  @Test
  void aCacheSetOnTheBuilderWinsAndTheSettingsCacheIsNeverMade() {
    MapStores stores = new MapStores("ACME_CACHE");
    MapCache mine = new MapCache();
    backend.enqueueContent("{\"a\":1}");

    try (LlmClient llm = builder(Map.of("ACME_CACHE", "on"), stores).cache(mine).build()) {
      llm.generate(question());
    }
    assertThat(mine.entries).hasSize(1);
    assertThat(mine.closed).as("the user's cache is the user's to close").isFalse();
    assertThat(stores.cache.entries).isEmpty();
  }

  @Test
  void twoSettingsAskingForTheCacheAreRefusedAndWhatWasMadeIsClosed() {
    MapStores a = new MapStores("A_CACHE");
    MapStores b = new MapStores("B_CACHE");

    assertThatThrownBy(() -> builder(Map.of("A_CACHE", "1", "B_CACHE", "2"), a, b).build())
        .isInstanceOf(LlmConfigurationException.class)
        .hasMessage(
            "Both A_CACHE and B_CACHE ask for the response cache; set only one of them."
                + " [llmclient: two-stores]");
    assertThat(a.cache.closed).isTrue();
    assertThat(b.cache.closed).isTrue();
  }

  @Test
  void theCacheDirectorySettingWithoutItsJarNamesTheArtifact() {
    assertThatThrownBy(() -> builder(Map.of(StoreProvider.CACHE_DIR, "/tmp/x")).build())
        .isInstanceOf(LlmConfigurationException.class)
        .hasMessageContaining("LLM_CACHE_DIR is set")
        .hasMessageContaining("add dev.llmclient:llm-cache-disk");
  }

  @Test
  void theReportSaysWhichStoreServesWhichSetting() {
    MapStores stores = new MapStores("ACME_CACHE");
    assertThat(
            SettingsStores.describe(
                ProviderSettings.of(Map.of("ACME_CACHE", "x", StoreProvider.CACHE_DIR, "/c")),
                List.of(stores)))
        .containsExactly(
            "ACME_CACHE: a map for x",
            "LLM_CACHE_DIR: set, but dev.llmclient:llm-cache-disk is not on the classpath");
  }
}
