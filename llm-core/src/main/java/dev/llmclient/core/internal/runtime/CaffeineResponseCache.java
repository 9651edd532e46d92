package dev.llmclient.core.internal.runtime;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.llmclient.api.spi.ResponseCache;
import dev.llmclient.core.LlmClients;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** The in-memory response cache behind {@link LlmClients.Builder#enableCache()}: size and TTL. */
public final class CaffeineResponseCache implements ResponseCache {

  private final Cache<String, String> cache;
  private final long maxEntries;
  private final Duration ttl;

  /**
   * A bounded cache, validating the bounds the builders accept.
   *
   * @throws IllegalArgumentException when a bound is out of range
   */
  public static CaffeineResponseCache bounded(long maxEntries, Duration timeToLive) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be at least 1, got " + maxEntries);
    }
    if (timeToLive.isNegative() || timeToLive.isZero()) {
      throw new IllegalArgumentException("timeToLive must be positive, got " + timeToLive);
    }
    return new CaffeineResponseCache(maxEntries, timeToLive);
  }

  public CaffeineResponseCache(long maxEntries, Duration ttl) {
    this.maxEntries = maxEntries;
    this.ttl = ttl;
    this.cache = Caffeine.newBuilder().maximumSize(maxEntries).expireAfterWrite(ttl).build();
  }

  @Override
  public @Nullable String get(String key) {
    return cache.getIfPresent(key);
  }

  @Override
  public void put(String key, String value) {
    cache.put(key, value);
  }

  @Override
  public String toString() {
    return "CaffeineResponseCache[maxEntries=" + maxEntries + ", ttl=" + ttl + "]";
  }
}
