package dev.llmclient.cache.disk;

import dev.llmclient.api.LlmConfigurationException;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.api.spi.ResponseCache;
import dev.llmclient.core.StoreProvider;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Makes the {@link DiskResponseCache} that {@value StoreProvider#CACHE_DIR} asks for, so {@code
 * LlmClients.fromEnvironment()} and {@code llm batch --cache DIR} keep answers on disk when this
 * jar is on the classpath. Found with {@link java.util.ServiceLoader}; users do not call it.
 *
 * <p>Settings: {@value StoreProvider#CACHE_DIR} (the directory, created when missing) and {@value
 * #MAX_BYTES} (the most bytes kept, default 1 GiB; {@code _} separators allowed).
 */
public final class DiskStoreProvider implements StoreProvider {

  /** The setting that bounds the bytes kept. */
  public static final String MAX_BYTES = "LLM_CACHE_MAX_BYTES";

  /** Called by {@link java.util.ServiceLoader}; reads nothing and opens nothing. */
  public DiskStoreProvider() {}

  /** {@value StoreProvider#CACHE_DIR}. */
  @Override
  public String setting() {
    return CACHE_DIR;
  }

  /** A {@link DiskResponseCache} in the directory of the settings. */
  @Override
  public Optional<ResponseCache> createResponseCache(ProviderSettings settings) {
    DiskResponseCache.Builder b = DiskResponseCache.builder(directory(settings));
    String max = settings.get(MAX_BYTES);
    if (max != null) {
      try {
        b.maxBytes(Long.parseLong(max.strip().replace("_", "")));
      } catch (IllegalArgumentException e) {
        throw new LlmConfigurationException(
            MAX_BYTES + " must be a whole number of bytes of at least 1024, got '" + max + "'");
      }
    }
    return Optional.of(b.build());
  }

  /** The directory and the bound; opens nothing. */
  @Override
  public String describe(ProviderSettings settings) {
    String max = settings.get(MAX_BYTES);
    return "disk cache in "
        + directory(settings).resolve(DiskResponseCache.FILE_NAME)
        + ", at most "
        + (max != null ? max.strip() + " bytes" : "1 GiB")
        + " (response cache)";
  }

  private static Path directory(ProviderSettings settings) {
    String dir = settings.get(CACHE_DIR);
    if (dir == null || dir.isBlank()) {
      throw new LlmConfigurationException(CACHE_DIR + " is empty; set it to a directory");
    }
    try {
      return Path.of(dir.strip()).toAbsolutePath();
    } catch (InvalidPathException e) {
      throw new LlmConfigurationException(
          CACHE_DIR + " is not a valid path ('" + dir + "'); set it to a directory");
    }
  }
}
