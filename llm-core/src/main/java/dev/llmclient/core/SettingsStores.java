package dev.llmclient.core;

import dev.llmclient.api.LlmConfigurationException;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.api.spi.ResponseCache;
import dev.llmclient.core.pool.BudgetStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The stores the settings ask for ({@value StoreProvider#REDIS_URL}, {@value
 * StoreProvider#CACHE_DIR}, or a setting of another {@link StoreProvider}), made by the store
 * providers on the classpath.
 */
final class SettingsStores {

  /**
   * The artifact that serves each of the core's own store settings, for the message when absent.
   */
  private static final Map<String, String> ARTIFACTS =
      Map.of(
          StoreProvider.REDIS_URL, "dev.llmclient:llm-redis",
          StoreProvider.CACHE_DIR, "dev.llmclient:llm-cache-disk");

  private SettingsStores() {}

  static List<StoreProvider> serviceLoader() {
    List<StoreProvider> found = new ArrayList<>();
    ServiceLoader.load(StoreProvider.class).forEach(found::add);
    return found;
  }

  /** The response cache the settings ask for, or null when they ask for none. */
  static @Nullable ResponseCache responseCache(
      ProviderSettings settings, List<StoreProvider> providers) {
    return one(
        settings,
        providers,
        "response cache",
        p -> p.createResponseCache(settings).orElse(null),
        List.of(StoreProvider.REDIS_URL, StoreProvider.CACHE_DIR));
  }

  /** The budget store the settings ask for, or null when they ask for none. */
  static @Nullable BudgetStore budgetStore(
      ProviderSettings settings, List<StoreProvider> providers) {
    return one(
        settings,
        providers,
        "budget store",
        p -> p.createBudgetStore(settings).orElse(null),
        List.of(StoreProvider.REDIS_URL));
  }

  /**
   * What {@code llm providers} shows: one line per store setting that is set, saying which store
   * serves it (or which artifact is missing), without connecting.
   */
  static List<String> describe(ProviderSettings settings, List<StoreProvider> providers) {
    List<String> lines = new ArrayList<>();
    for (StoreProvider p : providers) {
      if (settings.isSet(p.setting())) {
        lines.add(p.setting() + ": " + p.describe(settings));
      }
    }
    for (Map.Entry<String, String> e : new java.util.TreeMap<>(ARTIFACTS).entrySet()) {
      if (settings.isSet(e.getKey())
          && providers.stream().noneMatch(p -> p.setting().equals(e.getKey()))) {
        lines.add(e.getKey() + ": set, but " + e.getValue() + " is not on the classpath");
      }
    }
    return lines;
  }

  private static <T> @Nullable T one(
      ProviderSettings settings,
      List<StoreProvider> providers,
      String what,
      Function<StoreProvider, @Nullable T> create,
      List<String> known) {
    List<String> present = new ArrayList<>();
    for (StoreProvider p : providers) {
      present.add(p.setting());
    }
    for (String setting : known) {
      if (settings.isSet(setting) && !present.contains(setting)) {
        throw new LlmConfigurationException(
            setting
                + " is set, but no store provider for it is on the classpath; add "
                + ARTIFACTS.get(setting)
                + ", or unset "
                + setting
                + ". [llmclient: store-missing]");
      }
    }
    List<String> used = new ArrayList<>();
    T chosen = null;
    for (StoreProvider p : providers) {
      if (!settings.isSet(p.setting())) {
        continue;
      }
      T made = create.apply(p);
      if (made == null) {
        continue;
      }
      used.add(p.setting());
      if (chosen != null) {
        closeQuietly(made);
        closeQuietly(chosen);
        throw new LlmConfigurationException(
            "Both "
                + String.join(" and ", used)
                + " ask for the "
                + what
                + "; set only one of them. [llmclient: two-stores]");
      }
      chosen = made;
    }
    return chosen;
  }

  static void closeQuietly(@Nullable Object store) {
    if (store instanceof AutoCloseable c) {
      try {
        c.close();
      } catch (Exception ignored) {
        // a store that fails to close holds nothing the caller can release
      }
    }
  }
}
