package dev.llmclient.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmclient.api.Message;
import dev.llmclient.api.spi.ChatCompletionRequest;
import dev.llmclient.api.spi.ResponseFormat;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A request body is whole whatever its size: below, at and above the JSON generator's own buffer
 * (about 8,000 bytes, written in one piece or in several), with and without a schema.
 */
class ChatBodySizesTest {

  private static final String SCHEMA =
      "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"}},"
          + "\"required\":[\"name\"],\"additionalProperties\":false}";

  @Test
  void bodiesOfEverySizeAreWrittenWhole() throws IOException {
    for (int chars : new int[] {0, 1, 500, 7_900, 8_000, 8_100, 16_001, 100_000, 1_500_000}) {
      for (boolean schema : new boolean[] {false, true}) {
        String text = "x".repeat(chars) + "é\u2028\"end";
        ChatCompletionRequest request =
            ChatCompletionRequest.builder(
                    "gpt-4o", List.of(Message.system("Extract."), Message.user(text)))
                .maxOutputTokens(64)
                .responseFormat(
                    schema
                        ? ResponseFormat.jsonSchema("Person", SCHEMA, true)
                        : ResponseFormat.jsonObject())
                .build();

        byte[] body = Json.chatBody(request, true, "max_completion_tokens");

        JsonNode node = Json.MAPPER.readTree(body);
        assertThat(node.path("messages").path(1).path("content").asText())
            .as("%d chars, schema %s", chars, schema)
            .isEqualTo(text);
        assertThat(node.path("max_completion_tokens").asInt()).isEqualTo(64);
        assertThat(node.path("response_format").path("type").asText())
            .isEqualTo(schema ? "json_schema" : "json_object");
      }
    }
  }
}
