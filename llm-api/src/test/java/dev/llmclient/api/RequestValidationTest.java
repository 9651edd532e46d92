package dev.llmclient.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Collections;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Every check of the wider request surface, each with the message that says what to do. */
class RequestValidationTest {

  record Weather(String city) {}

  private static final Tool WEATHER = Tool.of("get_weather", "forecast", Weather.class);

  private static void rejected(UnaryOperator<LlmRequest.Builder<?>> setting, String message) {
    LlmRequest.Builder<?> b = setting.apply(LlmRequest.builder().addMessage(Message.user("x")));
    assertThatThrownBy(b::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  private static LlmRequest<?> accepted(UnaryOperator<LlmRequest.Builder<?>> setting) {
    return setting.apply(LlmRequest.builder().addMessage(Message.user("x"))).build();
  }

  @Test
  void samplingSettingsOutsideTheirRangesAreRejected() {
    rejected(b -> b.topP(0.0), "topP must be greater than 0.0 and at most 1.0, got 0.0");
    rejected(b -> b.topP(1.5), "topP must be greater than 0.0 and at most 1.0, got 1.5");
    rejected(b -> b.topP(Double.NaN), "topP must be greater than 0.0");
    rejected(b -> b.temperature(Double.NaN), "temperature must be between 0.0 and 2.0");
    rejected(b -> b.presencePenalty(2.5), "presencePenalty must be between -2.0 and 2.0, got 2.5");
    rejected(b -> b.presencePenalty(Double.NaN), "presencePenalty must be between -2.0 and 2.0");
    rejected(b -> b.frequencyPenalty(-2.1), "frequencyPenalty must be between -2.0 and 2.0");
    assertThat(accepted(b -> b.topP(1.0).presencePenalty(-2.0).frequencyPenalty(2.0)).topP())
        .isEqualTo(1.0);
  }

  @Test
  void stopTakesAtMostFourNonEmptySequences() {
    rejected(b -> b.stop(List.of("a", "b", "c", "d", "e")), "stop takes at most 4 sequences");
    rejected(b -> b.stop(List.of("a", "")), "stop sequences must not be empty");
    assertThatThrownBy(() -> LlmRequest.builder().stop(Collections.singletonList(null)))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("stop must not contain null");
    assertThat(accepted(b -> b.stop(List.of("a", "b", "c", "d"))).stop()).hasSize(4);
  }

  @Test
  void logprobSettingsMustFitTogether() {
    rejected(b -> b.topLogprobs(21), "topLogprobs must be between 0 and 20, got 21");
    rejected(b -> b.topLogprobs(-1), "topLogprobs must be between 0 and 20");
    rejected(b -> b.topLogprobs(3).logprobs(false), "topLogprobs needs logprobs(true)");
    LlmRequest<?> r = accepted(b -> b.topLogprobs(3));
    assertThat(r.logprobs()).isTrue();
    assertThat(r.topLogprobs()).isEqualTo(3);
  }

  @Test
  void blankNamesAreRejectedSoThatNullIsTheOnlyWayToLeaveThemUnset() {
    rejected(b -> b.model(" "), "model is blank; pass null to leave it unset");
    rejected(b -> b.reasoningEffort(""), "reasoningEffort is blank");
    rejected(b -> b.verbosity("\t"), "verbosity is blank");
    rejected(b -> b.serviceTier(" "), "serviceTier is blank");
    rejected(b -> b.user(""), "user is blank");
    rejected(b -> b.safetyIdentifier(" "), "safetyIdentifier is blank");
  }

  @Test
  void toolSettingsMustFitTheTools() {
    rejected(
        b -> b.toolChoice(ToolChoice.required()),
        "toolChoice required needs tools; add them with tools(...)");
    rejected(b -> b.toolChoice(ToolChoice.named("get_weather")), "needs tools");
    rejected(b -> b.parallelToolCalls(false), "parallelToolCalls needs tools");
    rejected(
        b -> b.tools(List.of(WEATHER, WEATHER)),
        "two tools are named 'get_weather'; tool names must be distinct");
    rejected(
        b -> b.tools(List.of(WEATHER)).toolChoice(ToolChoice.named("other")),
        "toolChoice names 'other', which is not one of the request's tools [get_weather]");
    assertThat(accepted(b -> b.toolChoice(ToolChoice.none())).toolChoice())
        .isEqualTo(ToolChoice.none());
    LlmRequest<?> r =
        accepted(
            b ->
                b.tools(List.of(WEATHER))
                    .toolChoice(ToolChoice.named("get_weather"))
                    .parallelToolCalls(false));
    assertThat(r.parallelToolCalls()).isFalse();
  }

  @Test
  void aResponseTypeAndAnExplicitSchemaExcludeEachOther() {
    LlmRequest.Builder<?> b =
        LlmRequest.builder()
            .addMessage(Message.user("x"))
            .jsonSchema("w", "{\"type\":\"object\"}")
            .responseType(Weather.class);
    assertThatThrownBy(b::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("set either responseType(...) or jsonSchema(...), not both");
  }

  @Test
  void toolNamesAndSchemasFollowTheServicesRules() {
    assertThatThrownBy(() -> Tool.of("a".repeat(65), "x", Weather.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1 to 64 letters");
    assertThatThrownBy(() -> Tool.of("", "x", Weather.class))
        .hasMessageContaining("1 to 64 letters");
    assertThatThrownBy(() -> Tool.ofSchema("w", "x", "  \"string\""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("JSON object");
    assertThat(Tool.of("a".repeat(64), "x", Weather.class).parameterType())
        .isEqualTo(Weather.class);
  }

  @Test
  void imagesAreCheckedForSchemeTypeAndSize() {
    assertThatThrownBy(() -> ContentPart.imageUrl(URI.create("ftp://example.com/a.png")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ContentPart.image(bytes, mediaType)");
    assertThatThrownBy(() -> ContentPart.imageUrl(URI.create("relative/a.png")))
        .hasMessageContaining("got scheme ''");
    assertThatThrownBy(() -> ContentPart.image(new byte[] {1}, "application/pdf"))
        .hasMessageContaining("convert the image first");
    assertThatThrownBy(() -> ContentPart.image(new byte[0], "image/png"))
        .hasMessageContaining("pass the bytes of an encoded image file");
    assertThatThrownBy(
            () -> ContentPart.image(new byte[ContentPart.MAX_IMAGE_BYTES + 1], "image/png"))
        .hasMessageContaining("at most 20 MiB per image: scale it down or send it by URL");
    assertThat(ContentPart.image(new byte[ContentPart.MAX_IMAGE_BYTES], "IMAGE/JPG"))
        .isInstanceOfSatisfying(
            ContentPart.ImageData.class, d -> assertThat(d.mediaType()).isEqualTo("image/jpeg"));
    assertThat(ContentPart.imageUrl(URI.create("http://example.com/a.png")))
        .isInstanceOf(ContentPart.ImageUrl.class);
  }

  @Test
  void toolMessagesNeedTheCallTheyAnswer() {
    assertThatThrownBy(() -> Message.tool(" ", "result"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pass the ToolCall's id()");
    assertThatThrownBy(() -> new Message(Role.TOOL, "x")).hasMessageContaining("Message.tool");
  }
}
