package dev.llmclient.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The chat port beyond structured answers: types, tools, images and the request surface. */
class WiderPortTest {

  record Weather(String city) {}

  @Test
  void theRequestCarriesItsAnswerType() {
    LlmRequest<Weather> typed =
        LlmRequest.builder().addMessage(Message.user("x")).responseType(Weather.class).build();
    LlmRequest<String> text =
        LlmRequest.builder().addMessage(Message.user("x")).responseType(String.class).build();
    LlmRequest<Map<String, Object>> json =
        LlmRequest.builder().addMessage(Message.user("x")).build();

    assertThat(typed.responseType()).isEqualTo(Weather.class);
    assertThat(text.isText()).isTrue();
    assertThat(typed.isText()).isFalse();
    assertThat(json.responseType()).isNull();
    LlmRequest<Weather> copy = typed.toBuilder().seed(7L).build();
    assertThat(copy.responseType()).isEqualTo(Weather.class);
    assertThat(copy.seed()).isEqualTo(7L);
  }

  @Test
  void everyNewSettingIsCheckedWithAMessageSayingWhatIsAllowed() {
    LlmRequest.Builder<?> b = LlmRequest.builder().addMessage(Message.user("x"));
    assertThatThrownBy(() -> b.topP(0.0).build()).hasMessageContaining("topP must be greater");
    assertThatThrownBy(() -> b.topP(null).presencePenalty(2.5).build())
        .hasMessageContaining("presencePenalty must be between -2.0 and 2.0");
    assertThatThrownBy(() -> b.presencePenalty(null).frequencyPenalty(-3.0).build())
        .hasMessageContaining("frequencyPenalty");
    assertThatThrownBy(
            () -> b.frequencyPenalty(null).stop(List.of("a", "b", "c", "d", "e")).build())
        .hasMessageContaining("at most 4");
    assertThatThrownBy(() -> b.stop(List.of("")).build()).hasMessageContaining("must not be empty");
    assertThatThrownBy(() -> b.stop(List.of()).topLogprobs(21).build())
        .hasMessageContaining("between 0 and 20");
    assertThatThrownBy(() -> b.topLogprobs(null).model(" ").build())
        .hasMessageContaining("model is blank");
    assertThatThrownBy(() -> b.model(null).toolChoice(ToolChoice.required()).build())
        .hasMessageContaining("needs tools");
    Tool t = Tool.of("get_weather", "forecast", Weather.class);
    assertThatThrownBy(() -> b.tools(List.of(t, t)).toolChoice(null).build())
        .hasMessageContaining("two tools are named 'get_weather'");
    assertThatThrownBy(() -> b.tools(List.of(t)).toolChoice(ToolChoice.named("other")).build())
        .hasMessageContaining("not one of the request's tools [get_weather]");
    assertThat(b.toolChoice(ToolChoice.named("get_weather")).build().tools()).containsExactly(t);
  }

  @Test
  void toolNamesFollowTheServicesRules() {
    assertThatThrownBy(() -> Tool.of("get weather", "x", Weather.class))
        .hasMessageContaining("1 to 64 letters");
    assertThatThrownBy(() -> Tool.ofSchema("w", "x", "[]")).hasMessageContaining("JSON object");
    assertThat(Tool.ofSchema("w", "x", "{\"type\":\"object\"}").parameterType()).isNull();
  }

  @Test
  void toolCallArgumentsAreReturnedOnlyAsTheTypeTheyWereBoundTo() {
    ToolCall bound =
        new ToolCall("call_1", "get_weather", "{\"city\":\"Oslo\"}", new Weather("Oslo"));
    assertThat(bound.arguments(Weather.class).city()).isEqualTo("Oslo");
    assertThatThrownBy(() -> bound.arguments(String.class))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("bound to " + Weather.class.getName());
    assertThatThrownBy(() -> ToolCall.of("c", "n", "{}").arguments(Weather.class))
        .hasMessageContaining("parse argumentsJson()");
    assertThat(bound).isEqualTo(ToolCall.of("call_1", "get_weather", "{\"city\":\"Oslo\"}"));
  }

  @Test
  void messagesCarryPartsToolCallsAndToolResults() {
    Message parts =
        Message.user(
            ContentPart.text("What is this?"),
            ContentPart.image(new byte[] {1, 2, 3}, "image/JPG"),
            ContentPart.text("Be brief."));
    assertThat(parts.hasParts()).isTrue();
    assertThat(parts.content()).isEqualTo("What is this?\nBe brief.");
    assertThat(((ContentPart.ImageData) parts.parts().get(1)).mediaType()).isEqualTo("image/jpeg");
    assertThatThrownBy(() -> parts.withContent("x")).hasMessageContaining("withParts");
    assertThat(parts.toString()).doesNotContain("What is this");

    ToolCall call = ToolCall.of("call_1", "get_weather", "{}");
    Message assistant = Message.assistant(List.of(call));
    assertThat(assistant.role()).isEqualTo(Role.ASSISTANT);
    assertThat(assistant.toolCalls()).containsExactly(call);
    Message result = Message.tool("call_1", "{\"sky\":\"rain\"}");
    assertThat(result.role()).isEqualTo(Role.TOOL);
    assertThat(result.toolCallId()).isEqualTo("call_1");
    assertThatThrownBy(() -> new Message(Role.TOOL, "x")).hasMessageContaining("Message.tool");
    assertThatThrownBy(() -> Message.assistant(List.of())).hasMessageContaining("at least one");
    assertThatThrownBy(() -> Message.user(List.of())).hasMessageContaining("at least one");
  }

  @Test
  void imagesAreCheckedBeforeAnythingIsSent() {
    assertThatThrownBy(() -> ContentPart.image(new byte[0], "image/png"))
        .hasMessageContaining("empty");
    assertThatThrownBy(() -> ContentPart.image(new byte[] {1}, "image/tiff"))
        .hasMessageContaining("image/png, image/jpeg, image/webp or image/gif");
    assertThatThrownBy(
            () -> ContentPart.image(new byte[ContentPart.MAX_IMAGE_BYTES + 1], "image/png"))
        .hasMessageContaining("at most 20 MiB");
    assertThatThrownBy(() -> ContentPart.imageUrl(URI.create("file:///etc/passwd")))
        .hasMessageContaining("https, http or a data: URL");
    byte[] bytes = {1, 2, 3};
    ContentPart.ImageData image = (ContentPart.ImageData) ContentPart.image(bytes, "image/png");
    bytes[0] = 9;
    assertThat(image.data()[0]).isEqualTo((byte) 1);
    assertThat(image).isEqualTo(ContentPart.image(new byte[] {1, 2, 3}, "image/png"));
  }

  @Test
  void aResponseWithOnlyToolCallsSaysSoInsteadOfReturningNull() {
    LlmResponse<String> calls =
        LlmResponse.<String>builder()
            .toolCalls(List.of(ToolCall.of("c", "n", "{}")))
            .model("gpt-4o")
            .build();
    assertThat(calls.hasValue()).isFalse();
    assertThatThrownBy(calls::value).hasMessageContaining("tool call(s) and no content");
    LlmResponse<String> text = LlmResponse.<String>builder().value("hi").model("m").build();
    assertThatThrownBy(text::json).hasMessageContaining("this answer is text");
    assertThatThrownBy(() -> LlmResponse.<String>builder().model("m").build())
        .isInstanceOf(NullPointerException.class);
  }
}
