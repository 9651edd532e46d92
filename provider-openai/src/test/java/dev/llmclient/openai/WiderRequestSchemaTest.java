package dev.llmclient.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmclient.api.ContentPart;
import dev.llmclient.api.Message;
import dev.llmclient.api.ToolCall;
import dev.llmclient.api.ToolChoice;
import dev.llmclient.api.spi.ChatCompletionRequest;
import dev.llmclient.api.spi.ResponseFormat;
import dev.llmclient.api.spi.ToolDefinition;
import java.io.IOException;
import java.net.URI;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The wider chat port's request bodies (every setting, tools, images, tool conversations,
 * streaming) validate against the official OpenAI and Azure request schemas, and a setting that is
 * not set is not on the wire.
 */
class WiderRequestSchemaTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String WEATHER_SCHEMA =
      "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},"
          + "\"required\":[\"city\"],\"additionalProperties\":false}";
  private static final ToolDefinition WEATHER =
      new ToolDefinition("get_weather", "The forecast for a city", WEATHER_SCHEMA, true);
  private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3};

  private static List<Message> conversation() {
    return List.of(
        Message.system("You help."),
        Message.user(
            ContentPart.text("What is on these pictures, and what is the weather in Oslo?"),
            ContentPart.imageUrl(
                URI.create("https://example.com/cat.png"), ContentPart.ImageDetail.LOW),
            ContentPart.image(PNG, "image/png", ContentPart.ImageDetail.HIGH)),
        Message.assistant(List.of(ToolCall.of("call_1", "get_weather", "{\"city\":\"Oslo\"}"))),
        Message.tool("call_1", "{\"forecast\":\"sunny\"}"));
  }

  private static ChatCompletionRequest.Builder everything(String model, ToolChoice choice) {
    return ChatCompletionRequest.builder(model, conversation())
        .temperature(0.3)
        .maxOutputTokens(500)
        .responseFormat(ResponseFormat.text())
        .user("user-1")
        .seed(42L)
        .topP(0.9)
        .stop(List.of("END", "STOP"))
        .presencePenalty(0.5)
        .frequencyPenalty(-0.5)
        .logprobs(true, 3)
        .tools(List.of(WEATHER), choice, false);
  }

  private static JsonNode body(ChatCompletionRequest request, boolean modelInBody, boolean stream)
      throws IOException {
    return JSON.readTree(Json.chatBody(request, modelInBody, "max_completion_tokens", stream));
  }

  /**
   * The 2024-10-21 spec defines {@code chatCompletionStreamOptions} but forgets to reference it
   * from the request, although the service takes {@code stream_options}; add exactly that
   * reference, and fail if the spec ever changes so the patch can be removed.
   */
  private static JsonNode azureSpecWithStreamOptions() throws IOException {
    JsonNode spec = RequestSchemaTest.azureSpec();
    assertThat(spec.at("/components/schemas/chatCompletionStreamOptions/properties/include_usage"))
        .isNotEmpty();
    ObjectNode own =
        (ObjectNode) spec.at("/components/schemas/createChatCompletionRequest/allOf/1/properties");
    assertThat(own.has("stream_options")).isFalse();
    own.set(
        "stream_options",
        JSON.createObjectNode().put("$ref", "#/components/schemas/chatCompletionStreamOptions"));
    return spec;
  }

  @Test
  void openAiRequestsWithEverySettingMatchCreateChatCompletionRequest() throws IOException {
    for (ToolChoice choice :
        List.of(
            ToolChoice.auto(),
            ToolChoice.none(),
            ToolChoice.required(),
            ToolChoice.named("get_weather"))) {
      for (boolean stream : List.of(false, true)) {
        ChatCompletionRequest request =
            everything("gpt-4o", choice)
                .safetyIdentifier("hash-1")
                .serviceTier("flex")
                .reasoningEffort("low")
                .verbosity("low")
                .build();
        RequestSchemaTest.assertValid(
            RequestSchemaTest.openAi(),
            "CreateChatCompletionRequest",
            Json.chatBody(request, true, "max_completion_tokens", stream));
      }
    }
  }

  @Test
  void azureDeploymentRouteRequestsWithEveryAzureSettingMatchTheAzureSpec() throws IOException {
    JsonNode spec = azureSpecWithStreamOptions();
    for (ToolChoice choice :
        List.of(
            ToolChoice.auto(),
            ToolChoice.none(),
            ToolChoice.required(),
            ToolChoice.named("get_weather"))) {
      for (boolean stream : List.of(false, true)) {
        RequestSchemaTest.assertValid(
            spec,
            "createChatCompletionRequest",
            Json.chatBody(
                everything("dep", choice).build(), false, "max_completion_tokens", stream));
      }
    }
  }

  @Test
  void everySettingIsWrittenUnderItsWireName() throws IOException {
    JsonNode body =
        body(
            everything("gpt-4o", ToolChoice.named("get_weather"))
                .safetyIdentifier("hash-1")
                .serviceTier("flex")
                .build(),
            true,
            true);

    assertThat(body.has("response_format")).as("a text answer sends no response_format").isFalse();
    assertThat(body.get("seed").asLong()).isEqualTo(42L);
    assertThat(body.get("top_p").asDouble()).isEqualTo(0.9);
    assertThat(body.get("stop").toString()).isEqualTo("[\"END\",\"STOP\"]");
    assertThat(body.get("presence_penalty").asDouble()).isEqualTo(0.5);
    assertThat(body.get("frequency_penalty").asDouble()).isEqualTo(-0.5);
    assertThat(body.get("user").asText()).isEqualTo("user-1");
    assertThat(body.get("safety_identifier").asText()).isEqualTo("hash-1");
    assertThat(body.get("logprobs").asBoolean()).isTrue();
    assertThat(body.get("top_logprobs").asInt()).isEqualTo(3);
    assertThat(body.get("service_tier").asText()).isEqualTo("flex");
    assertThat(body.get("parallel_tool_calls").asBoolean()).isFalse();
    assertThat(body.get("stream").asBoolean()).isTrue();
    assertThat(body.at("/stream_options/include_usage").asBoolean()).isTrue();
    assertThat(body.get("tool_choice").toString())
        .isEqualTo("{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}");
    JsonNode tool = body.at("/tools/0");
    assertThat(tool.get("type").asText()).isEqualTo("function");
    assertThat(tool.at("/function/name").asText()).isEqualTo("get_weather");
    assertThat(tool.at("/function/description").asText()).isEqualTo("The forecast for a city");
    assertThat(tool.at("/function/parameters")).isEqualTo(JSON.readTree(WEATHER_SCHEMA));
    assertThat(tool.at("/function/strict").asBoolean()).isTrue();

    ArrayNode messages = (ArrayNode) body.get("messages");
    JsonNode parts = messages.get(1).get("content");
    assertThat(parts.get(0).get("type").asText()).isEqualTo("text");
    assertThat(parts.get(1).at("/image_url/url").asText()).isEqualTo("https://example.com/cat.png");
    assertThat(parts.get(1).at("/image_url/detail").asText()).isEqualTo("low");
    assertThat(parts.get(2).at("/image_url/url").asText())
        .isEqualTo("data:image/png;base64," + Base64.getEncoder().encodeToString(PNG));
    assertThat(parts.get(2).at("/image_url/detail").asText()).isEqualTo("high");
    JsonNode assistant = messages.get(2);
    assertThat(assistant.has("content")).isFalse();
    assertThat(assistant.at("/tool_calls/0/id").asText()).isEqualTo("call_1");
    assertThat(assistant.at("/tool_calls/0/type").asText()).isEqualTo("function");
    assertThat(assistant.at("/tool_calls/0/function/name").asText()).isEqualTo("get_weather");
    assertThat(assistant.at("/tool_calls/0/function/arguments").asText())
        .isEqualTo("{\"city\":\"Oslo\"}");
    JsonNode tool0 = messages.get(3);
    assertThat(tool0.get("role").asText()).isEqualTo("tool");
    assertThat(tool0.get("tool_call_id").asText()).isEqualTo("call_1");
    assertThat(tool0.get("content").asText()).isEqualTo("{\"forecast\":\"sunny\"}");
  }

  @Test
  void settingsThatAreNotSetAreNotOnTheWire() throws IOException {
    JsonNode body =
        body(ChatCompletionRequest.of("gpt-4o", List.of(Message.user("Hi"))), true, false);
    List<String> fields = new java.util.ArrayList<>();
    body.fieldNames().forEachRemaining(fields::add);
    assertThat(fields).containsExactly("model", "messages", "response_format");
    assertThat(body.at("/messages/0").toString())
        .isEqualTo("{\"role\":\"user\",\"content\":\"Hi\"}");
    assertThat(
            body(
                    ChatCompletionRequest.builder("gpt-4o", List.of(Message.user("Hi")))
                        .tools(List.of(WEATHER), ToolChoice.auto(), null)
                        .build(),
                    true,
                    false)
                .get("tool_choice")
                .asText())
        .isEqualTo("auto");
  }
}
