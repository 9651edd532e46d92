package dev.llmclient.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmclient.api.EmptyResponseException;
import dev.llmclient.api.InvalidResponseException;
import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmRequest;
import dev.llmclient.api.LlmResponse;
import dev.llmclient.api.Message;
import dev.llmclient.api.RefusalException;
import dev.llmclient.api.TokenLogprob;
import dev.llmclient.api.Tool;
import dev.llmclient.api.ToolCall;
import dev.llmclient.api.Usage;
import dev.llmclient.api.spi.ChatCompletion;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.api.spi.RateLimitInfo;
import dev.llmclient.api.spi.ResponseFormat;
import dev.llmclient.api.spi.Tracer;
import dev.llmclient.testkit.ScriptedChatBackend;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Text answers and tool calls through the generate pipeline, on a scripted backend. */
class TextAndToolCallsTest {

  record Weather(String city, int days) {}

  final ScriptedChatBackend backend = new ScriptedChatBackend();
  final ManualScheduler scheduler = new ManualScheduler();
  final TokenUsageTracker tracker = new TokenUsageTracker();

  LlmClients.Builder builder() {
    return LlmClients.builder()
        .backend(backend)
        .settings(ProviderSettings.empty())
        .tracer(Tracer.noop())
        .tokenUsageTracker(tracker)
        .clock(scheduler.clock())
        .scheduler(scheduler)
        .random(() -> 0.0);
  }

  static ChatCompletion completion(
      String content, String finishReason, List<ToolCall> calls, List<TokenLogprob> logprobs) {
    return new ChatCompletion(
        content,
        null,
        finishReason,
        new Usage(10, 5, 0, 0),
        "gpt-test",
        "chatcmpl-1",
        "req-1",
        RateLimitInfo.NONE,
        null,
        calls,
        logprobs);
  }

  static final Tool WEATHER = Tool.of("get_weather", "The forecast for a city", Weather.class);

  static LlmRequest<String> textRequest() {
    return LlmRequest.builder()
        .addMessage(Message.user("Say hi"))
        .responseType(String.class)
        .build();
  }

  // ---- text answers ------------------------------------------------------------------------

  @Test
  void aTextAnswerSendsNoResponseFormatAndReturnsTheText() {
    backend.enqueueContent("  Hello, *world*!\n");
    try (LlmClient llm = builder().build()) {
      String answer = llm.generate(List.of(Message.user("Say hi")), String.class);
      assertThat(answer).isEqualTo("  Hello, *world*!\n");
    }
    assertThat(backend.lastRequest().responseFormat()).isEqualTo(ResponseFormat.text());
    assertThat(backend.lastRequest().messages().get(0).content()).isEqualTo("Say hi");
  }

  @Test
  void aTextAnswerIsNotAJsonObject() {
    backend.enqueueContent("not json at all");
    try (LlmClient llm = builder().build()) {
      LlmResponse<String> r = llm.generate(textRequest());
      assertThat(r.value()).isEqualTo("not json at all");
      assertThat(r.attempts()).isEqualTo(1);
      assertThat(r.finishReason()).isEqualTo("stop");
      assertThatThrownBy(r::json)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("text");
    }
  }

  @Test
  void anEmptyTextAnswerIsReaskedAndThenFailsTyped() {
    backend.enqueueContent("").enqueueContent("  ").enqueueContent("");
    try (LlmClient llm = builder().build()) {
      assertThatThrownBy(() -> llm.generate(textRequest()))
          .isInstanceOf(EmptyResponseException.class)
          .hasMessageContaining("also after 2 re-asks");
    }
    assertThat(backend.requests()).hasSize(3);
    assertThat(backend.lastRequest().messages().get(2).content()).contains("was empty");
  }

  @Test
  void aTextAnswerCutOffByMaxTokensFailsTyped() {
    backend.enqueue(completion("Once upon a", "length", List.of(), List.of()));
    try (LlmClient llm = builder().build()) {
      assertThatThrownBy(() -> llm.generate(textRequest()))
          .isInstanceOf(InvalidResponseException.class)
          .hasMessageContaining("cut off")
          .hasMessageContaining("raise maxTokens");
    }
  }

  @Test
  void anEmptyTextAnswerAtMaxTokensSaysToRaiseThem() {
    backend.enqueue(completion("", "length", List.of(), List.of()));
    try (LlmClient llm = builder().build()) {
      assertThatThrownBy(() -> llm.generate(textRequest()))
          .isInstanceOf(EmptyResponseException.class)
          .hasMessageContaining("raise maxTokens");
    }
  }

  @Test
  void aRefusedTextAnswerIsARefusal() {
    backend.enqueue(
        new ChatCompletion(
            null,
            "I can't help with that.",
            "stop",
            Usage.ZERO,
            null,
            null,
            null,
            RateLimitInfo.NONE));
    try (LlmClient llm = builder().build()) {
      assertThatThrownBy(() -> llm.generate(textRequest())).isInstanceOf(RefusalException.class);
    }
  }

  @Test
  void textAnswersAreCached() {
    backend.enqueueContent("cached words");
    try (LlmClient llm = builder().enableCache().build()) {
      assertThat(llm.generate(textRequest()).cacheHit()).isFalse();
      LlmResponse<String> again = llm.generate(textRequest());
      assertThat(again.cacheHit()).isTrue();
      assertThat(again.value()).isEqualTo("cached words");
    }
    assertThat(backend.requests()).hasSize(1);
  }

  @Test
  void aTextAnswerAndAJsonAnswerDoNotShareACacheEntry() {
    backend.enqueueContent("{\"a\":1}").enqueueContent("{\"a\":1}");
    try (LlmClient llm = builder().enableCache().build()) {
      llm.generate(textRequest());
      LlmResponse<Map<String, Object>> json =
          llm.generate(LlmRequest.builder().addMessage(Message.user("Say hi")).build());
      assertThat(json.cacheHit()).isFalse();
      assertThat(json.json()).containsEntry("a", 1);
    }
  }

  // ---- tool calls --------------------------------------------------------------------------

  static LlmRequest<String> toolRequest() {
    return LlmRequest.builder()
        .addMessage(Message.user("Weather in Oslo?"))
        .responseType(String.class)
        .tools(List.of(WEATHER))
        .build();
  }

  @Test
  void toolCallsAreBoundToTheToolsParameterType() {
    backend.enqueue(
        completion(
            null,
            "tool_calls",
            List.of(
                ToolCall.of("call_1", "get_weather", "{\"city\":\"Oslo\",\"days\":3}"),
                ToolCall.of("call_2", "get_weather", "{\"city\":\"Bergen\",\"days\":1}")),
            List.of()));
    try (LlmClient llm = builder().build()) {
      LlmResponse<String> r = llm.generate(toolRequest());
      assertThat(r.hasValue()).isFalse();
      assertThat(r.finishReason()).isEqualTo("tool_calls");
      assertThat(r.toolCalls()).hasSize(2);
      ToolCall first = r.toolCalls().get(0);
      assertThat(first.id()).isEqualTo("call_1");
      assertThat(first.name()).isEqualTo("get_weather");
      assertThat(first.argumentsJson()).isEqualTo("{\"city\":\"Oslo\",\"days\":3}");
      assertThat(first.arguments(Weather.class)).isEqualTo(new Weather("Oslo", 3));
      assertThat(r.toolCalls().get(1).arguments(Weather.class)).isEqualTo(new Weather("Bergen", 1));
    }
  }

  @Test
  void aToolWithAnExplicitSchemaGetsMapArguments() {
    Tool lookup =
        Tool.ofSchema(
            "lookup",
            "Looks a word up",
            "{\"type\":\"object\",\"properties\":{\"word\":{\"type\":\"string\"}},"
                + "\"required\":[\"word\"],\"additionalProperties\":false}");
    backend.enqueue(
        completion(
            null,
            "tool_calls",
            List.of(ToolCall.of("c1", "lookup", "{\"word\":\"fjord\"}")),
            List.of()));
    try (LlmClient llm = builder().build()) {
      LlmResponse<Map<String, Object>> r =
          llm.generate(
              LlmRequest.builder().addMessage(Message.user("q")).tools(List.of(lookup)).build());
      @SuppressWarnings("unchecked")
      Map<String, Object> args = r.toolCalls().get(0).arguments(Map.class);
      assertThat(args).containsEntry("word", "fjord");
    }
  }

  @Test
  void invalidToolArgumentsAreReaskedWithTheErrorAndCountAsAttempts() {
    backend
        .enqueue(
            completion(
                null,
                "tool_calls",
                List.of(
                    ToolCall.of("call_1", "get_weather", "{\"city\":\"Oslo\",\"days\":\"three\"}")),
                List.of()))
        .enqueue(
            completion(
                null,
                "tool_calls",
                List.of(ToolCall.of("call_2", "get_weather", "{\"city\":\"Oslo\",\"days\":3}")),
                List.of()));
    try (LlmClient llm = builder().build()) {
      LlmResponse<String> r = llm.generate(toolRequest());
      assertThat(r.attempts()).isEqualTo(2);
      assertThat(r.reasks()).isEqualTo(1);
      assertThat(r.toolCalls().get(0).arguments(Weather.class)).isEqualTo(new Weather("Oslo", 3));
      assertThat(r.usage().inputTokens()).isEqualTo(20);
    }
    List<Message> second = backend.lastRequest().messages();
    assertThat(second).hasSize(2);
    assertThat(second.get(1).content())
        .contains("InvalidToolCall", "get_weather", "$.days")
        .doesNotContain("three");
  }

  @Test
  void argumentsThatAreNotJsonAndUnknownToolsAreReaskedTooThenFailTyped() {
    backend
        .enqueue(
            completion(
                null,
                "tool_calls",
                List.of(ToolCall.of("c1", "get_weather", "{city: Oslo")),
                List.of()))
        .enqueue(
            completion(null, "tool_calls", List.of(ToolCall.of("c2", "get_news", "{}")), List.of()))
        .enqueue(
            completion(
                null, "tool_calls", List.of(ToolCall.of("c3", "get_weather", "[1]")), List.of()));
    try (LlmClient llm = builder().build()) {
      assertThatThrownBy(() -> llm.generate(toolRequest()))
          .isInstanceOf(InvalidResponseException.class)
          .hasMessageContaining("also after 2 re-asks")
          .hasMessageContaining("must be a JSON object");
    }
    List<Message> third = backend.lastRequest().messages();
    assertThat(third.get(1).content()).contains("not valid JSON");
    assertThat(third.get(2).content()).contains("'get_news'", "not one of the tools offered");
  }

  @Test
  void logprobsReachTheResponse() {
    List<TokenLogprob> logprobs =
        List.of(new TokenLogprob("Hi", -0.1, List.of(new TokenLogprob("Hey", -2.5, List.of()))));
    backend.enqueue(completion("Hi", "stop", List.of(), logprobs));
    try (LlmClient llm = builder().build()) {
      LlmResponse<String> r =
          llm.generate(textRequest().toBuilder().logprobs(true).topLogprobs(1).build());
      assertThat(r.logprobs()).isEqualTo(logprobs);
    }
    assertThat(backend.lastRequest().logprobs()).isTrue();
  }
}
