package dev.llmclient.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmclient.api.LlmClient;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The tool loop's less travelled paths: tools the request brings itself, text beside tool calls, a
 * call of a tool nobody handles, a result that cannot be sent, and the builder's refusals.
 */
class ToolLoopEdgesTest {

  record Weather(String city) {}

  /** A result Jackson cannot write: reading its only property fails. */
  record Unwritable(String value) {
    @Override
    public String value() {
      throw new IllegalStateException("the sensor is offline");
    }
  }

  static final Tool WEATHER = Tool.of("get_weather", "The forecast for a city", Weather.class);
  static final Tool TIME = Tool.of("get_time", "The local time in a city", Weather.class);

  final ScriptedChatBackend backend = new ScriptedChatBackend();
  final LlmClient llm =
      LlmClients.builder()
          .backend(backend)
          .settings(ProviderSettings.empty())
          .tracer(Tracer.noop())
          .build();

  @AfterEach
  void close() {
    llm.close();
  }

  static ChatCompletion textAndCalls(String text, ToolCall... calls) {
    return new ChatCompletion(
        text,
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

  @Test
  void aRequestsOwnToolsAreSentAsTheyAreWhenTheLoopHandlesThemAll() {
    backend
        .enqueue(ToolLoopTest.calls(ToolCall.of("t1", "get_time", "{\"city\":\"Oslo\"}")))
        .enqueueContent("It is noon in Oslo.");
    ToolLoop loop =
        ToolLoop.builder(llm)
            .tool(WEATHER, call -> "sunny")
            .handler("get_time", call -> "12:00")
            .build();

    LlmResponse<String> answer =
        loop.run(ToolLoopTest.question().toBuilder().tools(List.of(TIME)).build());

    assertThat(answer.value()).isEqualTo("It is noon in Oslo.");
    assertThat(backend.requests())
        .allSatisfy(
            r -> assertThat(r.tools()).extracting(t -> t.name()).containsExactly("get_time"));
    assertThat(backend.lastRequest().messages().get(2).content()).isEqualTo("12:00");
  }

  @Test
  void textTheModelSaysBesideItsCallsStaysInTheConversation() {
    backend
        .enqueue(
            textAndCalls(
                "Let me look that up.", ToolCall.of("c1", "get_weather", "{\"city\":\"Oslo\"}")))
        .enqueueContent("Sunny in Oslo.");
    ToolLoop loop = ToolLoop.builder(llm).tool(WEATHER, call -> "sunny").build();

    assertThat(loop.run(ToolLoopTest.question()).value()).isEqualTo("Sunny in Oslo.");

    Message assistant = backend.lastRequest().messages().get(1);
    assertThat(assistant.role()).isEqualTo(Role.ASSISTANT);
    assertThat(assistant.content()).isEqualTo("Let me look that up.");
    assertThat(assistant.toolCalls()).extracting(ToolCall::id).containsExactly("c1");
  }

  @Test
  void aCallOfAToolTheRequestDoesNotOfferIsReAskedByTheClientBeforeTheLoopRunsAnything() {
    backend
        .enqueue(ToolLoopTest.calls(ToolCall.of("c1", "get_stock_price", "{}")))
        .enqueue(ToolLoopTest.calls(ToolCall.of("c2", "get_weather", "{\"city\":\"Oslo\"}")))
        .enqueueContent("Sunny in Oslo.");
    List<String> ran = new java.util.ArrayList<>();
    ToolLoop loop =
        ToolLoop.builder(llm)
            .tool(WEATHER, Weather.class, w -> ran.add(w.city()) ? "sunny" : "?")
            .build();

    assertThat(loop.run(ToolLoopTest.question()).value()).isEqualTo("Sunny in Oslo.");

    assertThat(ran).containsExactly("Oslo");
    assertThat(backend.requests()).hasSize(3);
    assertThat(backend.lastRequest().messages())
        .extracting(Message::toolCallId)
        .containsOnlyOnce("c2")
        .doesNotContain("c1");
  }

  @Test
  void aResultThatCannotBeWrittenAsJsonSaysWhatToReturnInstead() {
    backend.enqueue(ToolLoopTest.calls(ToolCall.of("c1", "get_weather", "{\"city\":\"Oslo\"}")));
    ToolLoop loop =
        ToolLoop.builder(llm).tool(WEATHER, Weather.class, w -> new Unwritable("x")).build();

    assertThatThrownBy(() -> loop.run(ToolLoopTest.question()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("the result of tool 'get_weather' could not be written as JSON: ")
        .hasMessageContaining("the sensor is offline")
        .hasMessageEndingWith("; return a String or a type Jackson can write");
    assertThat(backend.requests()).hasSize(1);
  }

  @Test
  void theAsyncLoopReportsARejectedRequestInItsFutureAndSendsNothing() throws Exception {
    ToolLoop loop = ToolLoop.builder(llm).handler("other", call -> "x").build();

    CompletableFuture<LlmResponse<String>> f =
        loop.runAsync(
            ToolLoopTest.question().toBuilder().tools(List.of(WEATHER)).build(), Runnable::run);

    assertThat(f).isCompletedExceptionally();
    assertThatThrownBy(f::get)
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("add one with ToolLoop.builder(...).handler(\"get_weather\", ...)");
    assertThat(backend.requests()).isEmpty();
  }

  @Test
  void theAsyncLoopStopsTypedAfterItsLastRound() {
    backend.whenEmpty(
        r -> ToolLoopTest.calls(ToolCall.of("c", "get_weather", "{\"city\":\"Oslo\"}")));
    ToolLoop loop = ToolLoop.builder(llm).tool(WEATHER, call -> "sunny").maxRounds(1).build();

    assertThatThrownBy(() -> loop.runAsync(ToolLoopTest.question(), Runnable::run).join())
        .isInstanceOf(CompletionException.class)
        .cause()
        .isInstanceOfSatisfying(
            ToolRoundsExceededException.class, e -> assertThat(e.rounds()).isEqualTo(1))
        .hasMessageContaining("[get_weather] after 1 round(s)");
    assertThat(backend.requests()).hasSize(2);
  }

  @Test
  void theLoopsToolsGoOnTheWireInTheOrderTheyWereAdded() {
    backend.enqueueContent("No tools needed.");
    List<String> names = List.of("zeta", "alpha", "mu", "get_weather", "beta", "omega", "kappa");
    ToolLoop.Builder b = ToolLoop.builder(llm);
    for (String name : names) {
      b.tool(Tool.of(name, "Tool " + name, Weather.class), call -> name);
    }
    ToolLoop loop = b.build();

    loop.run(ToolLoopTest.question());

    // the same order in every process, so cache keys and the provider's prompt cache match
    assertThat(backend.lastRequest().tools())
        .extracting(t -> t.name())
        .containsExactlyElementsOf(names);
    assertThat(loop).hasToString("ToolLoop[tools=" + names + ", maxRounds=8]");
  }

  @Test
  void theBuilderRefusesNoToolsAndFewerThanOneRoundAndTheLoopSaysWhatItRuns() {
    assertThatThrownBy(() -> ToolLoop.builder(llm).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a ToolLoop needs at least one tool; add one with tool(...) or handler(...)");
    assertThatThrownBy(() -> ToolLoop.builder(llm).maxRounds(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxRounds must be at least 1, got 0");

    ToolLoop loop =
        ToolLoop.builder(llm)
            .tool(WEATHER, call -> "sunny")
            .handler("get_time", call -> "12:00")
            .maxRounds(2)
            .build();
    assertThat(loop).hasToString("ToolLoop[tools=[get_weather, get_time], maxRounds=2]");
  }
}
