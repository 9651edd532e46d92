package dev.llmclient.core.internal.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmclient.api.Message;
import dev.llmclient.api.spi.ChatCompletionRequest;
import dev.llmclient.api.spi.ResponseFormat;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The cache key's format, pinned: a shared or persisted cache keeps entries across versions, so a
 * change to what the key covers or how it is encoded must be a deliberate one (bump the {@code
 * "v1"} marker in {@link CacheKey} and these values), never an accident.
 *
 * <p>The expected values were computed outside the SDK from the documented encoding: SHA-256 over
 * the fields {@code "v1"}, provider, endpoint, model, message count, each message's role and
 * content, the response format (for a schema: {@code "json_schema"}, name, schema text, strict),
 * temperature, max tokens, reasoning effort and verbosity; each field is {@code 0x00} for null, or
 * {@code 0x01}, its UTF-8 length as four big-endian bytes, and its UTF-8 bytes.
 */
class CacheKeyPinnedTest {

  private static final String SCHEMA =
      "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"}},"
          + "\"required\":[\"name\"],\"additionalProperties\":false}";

  @Test
  void aFixedStructuredRequestHasAFixedKey() {
    ChatCompletionRequest request =
        new ChatCompletionRequest(
            "gpt-4o",
            List.of(
                Message.system("Extract every person."),
                // a non-ASCII character pins the UTF-8 encoding of the text
                Message.user("Ada Lovelace (1815) \u2013 Analytical Engine")),
            0.2,
            500,
            ResponseFormat.jsonSchema("Person", SCHEMA, true),
            null,
            null,
            null,
            Map.of());

    String key = CacheKey.of("azure", URI.create("https://example.openai.azure.com"), request);

    assertThat(key).isEqualTo("8581c44e122c239dcbe9a05d2f5aadbe9470fba925ff8948b22eaa99900504c2");
  }

  @Test
  void aFixedJsonObjectRequestWithoutEndpointOrTemperatureHasAFixedKey() {
    ChatCompletionRequest request =
        new ChatCompletionRequest(
            "gpt-4o-mini",
            List.of(Message.user("Hi")),
            null,
            null,
            ResponseFormat.jsonObject(),
            "low",
            "low",
            null,
            Map.of());

    String key = CacheKey.of("openai", null, request);

    assertThat(key).isEqualTo("e8e3d07839f11745d054b489bf9c8834f49fa55e891c867b7dff6920eca738d9");
  }
}
