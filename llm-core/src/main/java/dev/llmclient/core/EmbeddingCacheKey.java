package dev.llmclient.core;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;

/**
 * The response-cache key of one embedded text: SHA-256 over a tag that keeps it apart from chat
 * keys, provider, endpoint, model or deployment, the requested dimensions and the text as sent.
 * Every field is length-prefixed, so no two different inputs share an encoding.
 */
final class EmbeddingCacheKey {

  private EmbeddingCacheKey() {}

  static String of(
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
    field(sha, "embeddings-v1");
    field(sha, providerId);
    field(sha, endpoint == null ? null : endpoint.toString());
    field(sha, model);
    field(sha, dimensions == null ? null : dimensions.toString());
    field(sha, text);
    return HexFormat.of().formatHex(sha.digest());
  }

  private static void field(MessageDigest sha, @Nullable String value) {
    if (value == null) {
      sha.update((byte) 0);
      return;
    }
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    sha.update((byte) 1);
    sha.update(
        new byte[] {
          (byte) (bytes.length >>> 24),
          (byte) (bytes.length >>> 16),
          (byte) (bytes.length >>> 8),
          (byte) bytes.length
        });
    sha.update(bytes);
  }
}
