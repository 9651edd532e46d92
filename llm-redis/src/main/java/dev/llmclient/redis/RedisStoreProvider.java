package dev.llmclient.redis;

import dev.llmclient.api.ErrorContext;
import dev.llmclient.api.LlmConfigurationException;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.api.spi.ResponseCache;
import dev.llmclient.core.StoreProvider;
import dev.llmclient.core.pool.BudgetStore;
import io.lettuce.core.RedisURI;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Makes the {@link RedisBudgetStore} and {@link RedisResponseCache} that {@value
 * StoreProvider#REDIS_URL} asks for, so {@code LlmClients.fromEnvironment()} and the {@code llm}
 * command share budgets and answers with every replica when this jar is on the classpath. Found
 * with {@link java.util.ServiceLoader}; users do not call it.
 *
 * <p>Settings: {@value StoreProvider#REDIS_URL} ({@code redis://[:password@]host[:port][/db]} or
 * {@code rediss://...}) and {@value #PREFIX} (the key prefix, one per application, default {@code
 * llmclient}); every other option is the builders' default.
 */
public final class RedisStoreProvider implements StoreProvider {

  /** The setting that holds the key prefix, one per application. */
  public static final String PREFIX = "LLM_REDIS_PREFIX";

  /** Called by {@link java.util.ServiceLoader}; reads nothing and opens nothing. */
  public RedisStoreProvider() {}

  /** {@value StoreProvider#REDIS_URL}. */
  @Override
  public String setting() {
    return REDIS_URL;
  }

  /** A {@link RedisResponseCache} on the URL and prefix of the settings. */
  @Override
  public Optional<ResponseCache> createResponseCache(ProviderSettings settings) {
    String uri = uri(settings);
    String prefix = prefix(settings);
    return Optional.of(
        configured(() -> RedisResponseCache.builder().uri(uri).prefix(prefix).build()));
  }

  /** A {@link RedisBudgetStore} on the URL and prefix of the settings. */
  @Override
  public Optional<BudgetStore> createBudgetStore(ProviderSettings settings) {
    String uri = uri(settings);
    String prefix = prefix(settings);
    return Optional.of(
        configured(() -> RedisBudgetStore.builder().uri(uri).prefix(prefix).build()));
  }

  /** The host, port and prefix; never the password. */
  @Override
  public String describe(ProviderSettings settings) {
    RedisURI uri;
    try {
      uri = RedisKeys.parseUri(uri(settings));
    } catch (IllegalArgumentException e) {
      return "Redis, but " + e.getMessage();
    }
    return "Redis at "
        + (uri.isSsl() ? "rediss://" : "redis://")
        + uri.getHost()
        + ":"
        + uri.getPort()
        + "/"
        + uri.getDatabase()
        + ", key prefix "
        + prefix(settings)
        + " (budget store and response cache)";
  }

  private static String uri(ProviderSettings settings) {
    String uri = settings.get(REDIS_URL);
    if (uri == null || uri.isBlank()) {
      throw new LlmConfigurationException(REDIS_URL + " is empty; set it to redis://host:6379");
    }
    return uri.strip();
  }

  private static String prefix(ProviderSettings settings) {
    return settings.get(PREFIX, "llmclient").strip();
  }

  private static <T> T configured(Supplier<T> build) {
    try {
      return build.get();
    } catch (IllegalArgumentException e) {
      throw new LlmConfigurationException(
          REDIS_URL + " or " + PREFIX + " is wrong: " + e.getMessage(), ErrorContext.NONE, e);
    }
  }
}
