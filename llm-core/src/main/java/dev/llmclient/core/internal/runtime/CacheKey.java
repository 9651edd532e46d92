package dev.llmclient.core.internal.runtime;

import dev.llmclient.api.Message;
import dev.llmclient.api.spi.ChatCompletionRequest;
import dev.llmclient.api.spi.ResponseFormat;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;

/**
 * The response-cache key: SHA-256 over provider, endpoint, model, the messages as sent (cleaned,
 * suffix applied), the response format with its schema text, temperature, max tokens, reasoning
 * effort and verbosity. Every field is length-prefixed, so no two different requests share an
 * encoding.
 */
public final class CacheKey {

  private CacheKey() {}

  public static String of(
      String providerId, @Nullable URI endpoint, ChatCompletionRequest request) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
    field(sha, "v1");
    field(sha, providerId);
    field(sha, endpoint == null ? null : endpoint.toString());
    field(sha, request.model());
    field(sha, Integer.toString(request.messages().size()));
    for (Message m : request.messages()) {
      field(sha, m.role().wireName());
      field(sha, m.content());
    }
    ResponseFormat format = request.responseFormat();
    if (format instanceof ResponseFormat.JsonSchema s) {
      field(sha, "json_schema");
      field(sha, s.name());
      field(sha, s.schemaJson());
      field(sha, Boolean.toString(s.strict()));
    } else {
      field(sha, format == ResponseFormat.jsonObject() ? "json_object" : "text");
    }
    field(sha, request.temperature() == null ? null : request.temperature().toString());
    field(sha, request.maxOutputTokens() == null ? null : request.maxOutputTokens().toString());
    field(sha, request.reasoningEffort());
    field(sha, request.verbosity());
    return HexFormat.of().formatHex(sha.digest());
  }

  /** Hashes one field, length-prefixed, with a marker that tells null from empty. */
  public static void field(MessageDigest sha, @Nullable String value) {
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
