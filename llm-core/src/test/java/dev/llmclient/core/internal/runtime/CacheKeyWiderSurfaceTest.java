package dev.llmclient.core.internal.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmclient.api.ContentPart;
import dev.llmclient.api.Message;
import dev.llmclient.api.ToolCall;
import dev.llmclient.api.ToolChoice;
import dev.llmclient.api.spi.ChatCompletionRequest;
import dev.llmclient.api.spi.ResponseFormat;
import dev.llmclient.api.spi.ToolDefinition;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Every wire field of the wider chat port is part of the cache key, and only when it is set. */
class CacheKeyWiderSurfaceTest {

  private static final URI ENDPOINT = URI.create("https://example.openai.azure.com");
  private static final List<Message> MESSAGES = List.of(Message.user("Hi"));
  private static final ToolDefinition WEATHER =
      new ToolDefinition("get_weather", "forecast", "{\"type\":\"object\"}", true);

  private static String key(UnaryOperator<ChatCompletionRequest.Builder> settings) {
    return CacheKey.of(
        "openai",
        ENDPOINT,
        settings.apply(ChatCompletionRequest.builder("gpt-4o", MESSAGES)).build());
  }

  @Test
  void unsetWiderFieldsKeepTheKeyOfTheRequestWithoutThem() {
    ChatCompletionRequest old =
        new ChatCompletionRequest(
            "gpt-4o",
            MESSAGES,
            null,
            null,
            ResponseFormat.jsonObject(),
            null,
            null,
            null,
            Map.of());
    assertThat(key(b -> b)).isEqualTo(CacheKey.of("openai", ENDPOINT, old));
  }

  @Test
  void eachWiderFieldChangesTheKey() {
    Map<String, UnaryOperator<ChatCompletionRequest.Builder>> variants = new LinkedHashMap<>();
    variants.put("text format", b -> b.responseFormat(ResponseFormat.text()));
    variants.put("user", b -> b.user("u1"));
    variants.put("other user", b -> b.user("u2"));
    variants.put("safety_identifier", b -> b.safetyIdentifier("u1"));
    variants.put("seed", b -> b.seed(7L));
    variants.put("other seed", b -> b.seed(8L));
    variants.put("top_p", b -> b.topP(0.5));
    variants.put("stop", b -> b.stop(List.of("END")));
    variants.put("two stops", b -> b.stop(List.of("END", "STOP")));
    variants.put("presence_penalty", b -> b.presencePenalty(0.5));
    variants.put("frequency_penalty", b -> b.frequencyPenalty(0.5));
    variants.put("logprobs", b -> b.logprobs(true, null));
    variants.put("top_logprobs", b -> b.logprobs(true, 3));
    variants.put("service_tier", b -> b.serviceTier("flex"));
    variants.put("tools", b -> b.tools(List.of(WEATHER), null, null));
    variants.put("tool_choice auto", b -> b.tools(List.of(WEATHER), ToolChoice.auto(), null));
    variants.put(
        "tool_choice required", b -> b.tools(List.of(WEATHER), ToolChoice.required(), null));
    variants.put(
        "tool_choice named", b -> b.tools(List.of(WEATHER), ToolChoice.named("get_weather"), null));
    variants.put("parallel_tool_calls", b -> b.tools(List.of(WEATHER), null, false));
    variants.put(
        "strict tool",
        b ->
            b.tools(
                List.of(
                    new ToolDefinition("get_weather", "forecast", "{\"type\":\"object\"}", false)),
                null,
                null));
    variants.put("reasoning_effort", b -> b.reasoningEffort("low"));
    variants.put("verbosity", b -> b.verbosity("low"));

    Map<String, String> seen = new LinkedHashMap<>();
    seen.put(key(b -> b), "base");
    for (Map.Entry<String, UnaryOperator<ChatCompletionRequest.Builder>> v : variants.entrySet()) {
      String previous = seen.put(key(v.getValue()), v.getKey());
      assertThat(previous).as("%s has the key of %s", v.getKey(), previous).isNull();
      assertThat(key(v.getValue())).as("%s is stable", v.getKey()).isEqualTo(key(v.getValue()));
    }
  }

  @Test
  void imagePartsToolCallsAndToolResultsChangeTheKey() {
    List<List<Message>> conversations =
        List.of(
            List.of(Message.user("What is this?")),
            List.of(Message.user(ContentPart.text("What is this?"))),
            List.of(
                Message.user(
                    ContentPart.text("What is this?"),
                    ContentPart.imageUrl(URI.create("https://example.com/a.png")))),
            List.of(
                Message.user(
                    ContentPart.text("What is this?"),
                    ContentPart.imageUrl(URI.create("https://example.com/b.png")))),
            List.of(
                Message.user(
                    ContentPart.text("What is this?"),
                    ContentPart.imageUrl(
                        URI.create("https://example.com/a.png"), ContentPart.ImageDetail.HIGH))),
            List.of(
                Message.user(
                    ContentPart.text("What is this?"),
                    ContentPart.image(new byte[] {1, 2, 3}, "image/png"))),
            List.of(
                Message.user(
                    ContentPart.text("What is this?"),
                    ContentPart.image(new byte[] {1, 2, 4}, "image/png"))),
            List.of(
                Message.user("Weather?"),
                Message.assistant(List.of(ToolCall.of("call_1", "get_weather", "{}"))),
                Message.tool("call_1", "sunny")),
            List.of(
                Message.user("Weather?"),
                Message.assistant(List.of(ToolCall.of("call_2", "get_weather", "{}"))),
                Message.tool("call_2", "sunny")),
            List.of(
                Message.user("Weather?"),
                Message.assistant(List.of(ToolCall.of("call_1", "get_weather", "{\"a\":1}"))),
                Message.tool("call_1", "sunny")));
    Map<String, Integer> seen = new LinkedHashMap<>();
    for (int i = 0; i < conversations.size(); i++) {
      String key =
          CacheKey.of("openai", ENDPOINT, ChatCompletionRequest.of("gpt-4o", conversations.get(i)));
      assertThat(seen.put(key, i)).as("conversation %s", i).isNull();
    }
  }
}
