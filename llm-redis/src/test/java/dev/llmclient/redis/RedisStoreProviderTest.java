package dev.llmclient.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmclient.api.LlmConfigurationException;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.core.StoreProvider;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class RedisStoreProviderTest {

  private static StoreProvider discovered() {
    return ServiceLoader.load(StoreProvider.class).stream()
        .map(ServiceLoader.Provider::get)
        .filter(p -> p instanceof RedisStoreProvider)
        .findFirst()
        .orElseThrow();
  }

  @Test
  void theJarRegistersTheProviderOfLlmRedisUrl() {
    assertThat(discovered().setting()).isEqualTo("LLM_REDIS_URL");
  }

  @Test
  void theDescriptionNamesHostPortAndPrefixButNeverThePassword() {
    ProviderSettings settings =
        ProviderSettings.of(
            Map.of(
                "LLM_REDIS_URL", "redis://:s3cret-pw@cache.internal:6390/2",
                "LLM_REDIS_PREFIX", "orders"));

    assertThat(discovered().describe(settings))
        .isEqualTo(
            "Redis at redis://cache.internal:6390/2, key prefix orders"
                + " (budget store and response cache)")
        .doesNotContain("s3cret-pw");
  }

  @Test
  void aWrongPrefixIsAConfigurationErrorThatNamesTheSettings() {
    ProviderSettings settings =
        ProviderSettings.of(
            Map.of(
                "LLM_REDIS_URL", "redis://:s3cret-pw@127.0.0.1:1",
                "LLM_REDIS_PREFIX", "no spaces allowed"));

    assertThatThrownBy(() -> discovered().createBudgetStore(settings))
        .isInstanceOf(LlmConfigurationException.class)
        .hasMessageContaining("LLM_REDIS_URL or LLM_REDIS_PREFIX is wrong")
        .hasMessageContaining("key prefix")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cret-pw"));
    assertThatThrownBy(() -> discovered().createResponseCache(settings))
        .isInstanceOf(LlmConfigurationException.class);
  }
}
