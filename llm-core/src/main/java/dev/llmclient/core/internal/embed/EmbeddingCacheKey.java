package dev.llmclient.core.internal.embed;

import dev.llmclient.core.internal.runtime.CacheKey;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;

/**
 * The response-cache key of one embedded text: SHA-256 over a tag that keeps it apart from chat
 * keys, provider, endpoint, model or deployment, the requested dimensions and the text as sent.
 * Every field is length-prefixed, so no two different inputs share an encoding.
 */
public final class EmbeddingCacheKey {

  private EmbeddingCacheKey() {}

  public static String of(
      String providerId,
      @Nullable URI endpoint,
      String model,
      @Nullable Integer dimensions,
      String text) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
    CacheKey.field(sha, "embeddings-v1");
    CacheKey.field(sha, providerId);
    CacheKey.field(sha, endpoint == null ? null : endpoint.toString());
    CacheKey.field(sha, model);
    CacheKey.field(sha, dimensions == null ? null : dimensions.toString());
    CacheKey.field(sha, text);
    return HexFormat.of().formatHex(sha.digest());
  }
}
