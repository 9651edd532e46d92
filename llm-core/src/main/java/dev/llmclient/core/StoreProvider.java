package dev.llmclient.core;

import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.api.spi.ResponseCache;
import dev.llmclient.core.pool.BudgetStore;
import java.util.Optional;

/**
 * Makes a response cache or a rate budget store from one setting, so clients built from settings
 * ({@link LlmClients#fromEnvironment()}, the {@code llm} command) can use stores that live in
 * modules the core does not depend on. Found with {@link java.util.ServiceLoader}: register the
 * implementation in {@code META-INF/services/dev.llmclient.core.StoreProvider}.
 *
 * <p>{@code llm-redis} registers one for {@value #REDIS_URL} (a shared budget store and response
 * cache), {@code llm-cache-disk} one for {@value #CACHE_DIR} (a persistent local response cache). A
 * provider is used only when its {@link #setting()} is set; what it creates is closed with the
 * client (or pool) that uses it. The no-argument constructor must be cheap and open nothing.
 *
 * <pre>{@code
 * public final class AcmeStoreProvider implements StoreProvider {
 *   public String setting() { return "ACME_CACHE_URL"; }
 *   public Optional<ResponseCache> createResponseCache(ProviderSettings s) {
 *     return Optional.of(new AcmeCache(s.get("ACME_CACHE_URL")));
 *   }
 * }
 * }</pre>
 */
public interface StoreProvider {

  /** The setting that puts the budget store and the response cache on Redis ({@code llm-redis}). */
  String REDIS_URL = "LLM_REDIS_URL";

  /** The setting that puts the response cache in a directory on disk ({@code llm-cache-disk}). */
  String CACHE_DIR = "LLM_CACHE_DIR";

  /**
   * The setting that turns this provider's stores on, e.g. {@value #REDIS_URL}.
   *
   * @return the setting name
   */
  String setting();

  /**
   * Creates the response cache the settings describe. Called only when {@link #setting()} is set.
   *
   * @param settings the settings
   * @return the cache (closed with the client when it is {@link AutoCloseable}), or empty when this
   *     provider makes no caches
   * @throws dev.llmclient.api.LlmConfigurationException when a setting is wrong, naming it
   */
  default Optional<ResponseCache> createResponseCache(ProviderSettings settings) {
    return Optional.empty();
  }

  /**
   * Creates the budget store the settings describe, for a pool built from settings. Called only
   * when {@link #setting()} is set.
   *
   * @param settings the settings
   * @return the store (closed with the pool), or empty when this provider makes no budget stores
   * @throws dev.llmclient.api.LlmConfigurationException when a setting is wrong, naming it
   */
  default Optional<BudgetStore> createBudgetStore(ProviderSettings settings) {
    return Optional.empty();
  }

  /**
   * Says where the stores of these settings live, for {@code llm providers}, without connecting and
   * without secrets, e.g. {@code "redis://cache.internal:6379, prefix llmclient"}.
   *
   * @param settings the settings
   * @return a one-line description
   */
  String describe(ProviderSettings settings);
}
