package dev.llmclient.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmRequest;
import dev.llmclient.api.LlmResponse;
import dev.llmclient.api.Message;
import dev.llmclient.api.Role;
import dev.llmclient.api.Tool;
import dev.llmclient.api.ToolCall;
import dev.llmclient.api.ToolRoundsExceededException;
import dev.llmclient.api.Usage;
import dev.llmclient.api.spi.ChatCompletion;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.api.spi.RateLimitInfo;
import dev.llmclient.api.spi.Tracer;
import dev.llmclient.testkit.ScriptedChatBackend;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** The tool loop: runs Java functions for the model's calls until it answers. */
class ToolLoopTest {

  record Weather(String city) {}

  record Forecast(String city, int celsius) {}

  static final Tool WEATHER = Tool.of("get_weather", "The forecast for a city", Weather.class);

  final ScriptedChatBackend backend = new ScriptedChatBackend();

  LlmClient client() {
    return LlmClients.builder()
        .backend(backend)
        .settings(ProviderSettings.empty())
        .tracer(Tracer.noop())
        .build();
  }

  static ChatCompletion calls(ToolCall... calls) {
    return new ChatCompletion(
        null,
        null,
        "tool_calls",
        new Usage(5, 5, 0, 0),
        null,
        null,
        null,
        RateLimitInfo.NONE,
        null,
        List.of(calls),
        List.of());
  }

  static LlmRequest<String> question() {
    return LlmRequest.builder()
        .addMessage(Message.user("Weather in Oslo and Bergen?"))
        .responseType(String.class)
        .build();
  }

  @Test
  void runsEachCallAppendsTheResultsAndReturnsTheFinalAnswer() {
    backend
        .enqueue(
            calls(
                ToolCall.of("c1", "get_weather", "{\"city\":\"Oslo\"}"),
                ToolCall.of("c2", "get_weather", "{\"city\":\"Bergen\"}")))
        .enqueueContent("Oslo 21, Bergen 14.");
    try (LlmClient llm = client()) {
      ToolLoop loop =
          ToolLoop.builder(llm)
              .tool(WEATHER, Weather.class, w -> new Forecast(w.city(), w.city().length() * 3 + 9))
              .build();
      LlmResponse<String> answer = loop.run(question());
      assertThat(answer.value()).isEqualTo("Oslo 21, Bergen 14.");
      assertThat(answer.toolCalls()).isEmpty();
    }
    assertThat(backend.requests()).hasSize(2);
    assertThat(backend.requests().get(0).tools())
        .extracting(t -> t.name())
        .containsExactly("get_weather");
    List<Message> second = backend.lastRequest().messages();
    assertThat(second).hasSize(4);
    assertThat(second.get(1).role()).isEqualTo(Role.ASSISTANT);
    assertThat(second.get(1).toolCalls()).extracting(ToolCall::id).containsExactly("c1", "c2");
    assertThat(second.get(2).toolCallId()).isEqualTo("c1");
    assertThat(second.get(2).content()).isEqualTo("{\"city\":\"Oslo\",\"celsius\":21}");
    assertThat(second.get(3).toolCallId()).isEqualTo("c2");
    assertThat(second.get(3).content()).isEqualTo("{\"city\":\"Bergen\",\"celsius\":27}");
  }

  @Test
  void aModelThatKeepsCallingToolsFailsTypedAfterMaxRounds() {
    backend.whenEmpty(r -> calls(ToolCall.of("c", "get_weather", "{\"city\":\"Oslo\"}")));
    try (LlmClient llm = client()) {
      ToolLoop loop = ToolLoop.builder(llm).tool(WEATHER, call -> "sunny").maxRounds(3).build();
      assertThatThrownBy(() -> loop.run(question()))
          .isInstanceOfSatisfying(
              ToolRoundsExceededException.class,
              e -> {
                assertThat(e.isRetryable()).isFalse();
                assertThat(e.rounds()).isEqualTo(3);
                assertThat(e.lastToolCalls()).hasSize(1);
              })
          .hasMessageContaining("after 3 round(s)")
          .hasMessageContaining("maxRounds(n)");
    }
    assertThat(backend.requests()).hasSize(4);
  }

  @Test
  void aRequestToolWithoutAHandlerIsRejectedBeforeAnythingIsSent() {
    try (LlmClient llm = client()) {
      ToolLoop loop = ToolLoop.builder(llm).handler("other", call -> "x").build();
      assertThatThrownBy(() -> loop.run(question().toBuilder().tools(List.of(WEATHER)).build()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'get_weather'");
    }
    assertThat(backend.requests()).isEmpty();
  }

  @Test
  void theAsyncLoopRunsHandlersOnTheGivenExecutor() {
    backend
        .enqueue(calls(ToolCall.of("c1", "get_weather", "{\"city\":\"Oslo\"}")))
        .enqueueContent("Sunny.");
    ExecutorService executor = Executors.newSingleThreadExecutor(r -> new Thread(r, "tool-runner"));
    String[] ranOn = new String[1];
    try (LlmClient llm = client()) {
      ToolLoop loop =
          ToolLoop.builder(llm)
              .tool(
                  WEATHER,
                  call -> {
                    ranOn[0] = Thread.currentThread().getName();
                    return "sunny";
                  })
              .build();
      assertThat(loop.runAsync(question(), executor).join().value()).isEqualTo("Sunny.");
      assertThat(ranOn[0]).isEqualTo("tool-runner");
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void aHandlerThatThrowsFailsTheAsyncLoop() {
    backend.enqueue(calls(ToolCall.of("c1", "get_weather", "{\"city\":\"Oslo\"}")));
    ExecutorService executor = Executors.newSingleThreadExecutor();
    try (LlmClient llm = client()) {
      ToolLoop loop =
          ToolLoop.builder(llm)
              .tool(
                  WEATHER,
                  call -> {
                    throw new IllegalStateException("weather service down");
                  })
              .build();
      assertThatThrownBy(() -> loop.runAsync(question(), executor).join())
          .isInstanceOf(CompletionException.class)
          .hasRootCauseMessage("weather service down");
    } finally {
      executor.shutdownNow();
    }
  }
}
