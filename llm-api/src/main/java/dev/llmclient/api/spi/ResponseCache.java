package dev.llmclient.api.spi;

import org.jspecify.annotations.Nullable;

/**
 * Stores validated answers by request key, so an identical request is answered without a call.
 *
 * <p>The core computes the key (a SHA-256 over provider, endpoint, model, messages, schema and
 * generation settings) and writes only answers that passed validation. Implementations must be
 * thread-safe; a cache that throws is treated as a miss and never fails a call.
 */
public interface ResponseCache {

  /**
   * Looks an answer up.
   *
   * @param key the request key (64 lower-case hex characters)
   * @return the stored answer (JSON text), or null on a miss
   */
  @Nullable String get(String key);

  /**
   * Stores an answer.
   *
   * @param key the request key
   * @param value the answer as JSON text
   */
  void put(String key, String value);
}
