package dev.llmclient.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmclient.api.InvalidResponseException;
import dev.llmclient.api.TokenLogprob;
import dev.llmclient.api.ToolCall;
import dev.llmclient.api.spi.ChatBackend;
import dev.llmclient.api.spi.ChatCompletion;
import dev.llmclient.testkit.simulator.LlmSimulator;
import dev.llmclient.testkit.simulator.RawReply;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Tool calls, log probabilities and refusals are read from a completion. */
class WiderResponseTest {

  private static final String TOOL_CALLS =
      """
      {"id":"chatcmpl-2","object":"chat.completion","model":"gpt-4o",
       "choices":[{"index":0,"finish_reason":"tool_calls",
         "message":{"role":"assistant","content":null,"tool_calls":[
           {"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Oslo\\"}"}},
           {"id":"call_2","type":"function","function":{"name":"get_time","arguments":"{}"}}]}}],
       "usage":{"prompt_tokens":20,"completion_tokens":9}}
      """;

  private static final String LOGPROBS =
      """
      {"id":"chatcmpl-3","model":"gpt-4o",
       "choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"Hi"},
         "logprobs":{"content":[{"token":"Hi","logprob":-0.25,"bytes":[72,105],
           "top_logprobs":[{"token":"Hi","logprob":-0.25},{"token":"Hello","logprob":-1.5}]}],
           "refusal":null}}],
       "usage":{"prompt_tokens":3,"completion_tokens":1}}
      """;

  private static final String REFUSAL =
      """
      {"id":"chatcmpl-4","model":"gpt-4o",
       "choices":[{"index":0,"finish_reason":"stop",
         "message":{"role":"assistant","content":null,"refusal":"I can't help with that."}}],
       "usage":{"prompt_tokens":3,"completion_tokens":6}}
      """;

  private static final String BROKEN_TOOL_CALL =
      """
      {"id":"chatcmpl-5","model":"gpt-4o",
       "choices":[{"index":0,"finish_reason":"tool_calls",
         "message":{"role":"assistant","tool_calls":[{"id":"call_1","type":"function","function":{"name":"f"}}]}}],
       "usage":{"prompt_tokens":3,"completion_tokens":6}}
      """;

  private LlmSimulator sim;
  private ChatBackend chat;

  @BeforeEach
  void start() {
    sim = LlmSimulator.builder().apiKey("sk-abcdef123456").start();
    chat =
        new OpenAiProvider()
            .createChatBackend(Fixtures.openAiSettings(sim.openAiBaseUri(), "sk-abcdef123456"));
  }

  @AfterEach
  void stop() {
    chat.close();
    sim.close();
  }

  private ChatCompletion complete(String body) throws Exception {
    sim.enqueueRaw(RawReply.json(200, body));
    return chat.complete(Fixtures.request()).get(10, TimeUnit.SECONDS);
  }

  @Test
  void toolCallsAreReadInOrderWithIdNameAndRawArguments() throws Exception {
    ChatCompletion c = complete(TOOL_CALLS);
    assertThat(c.content()).isNull();
    assertThat(c.finishReason()).isEqualTo("tool_calls");
    assertThat(c.toolCalls())
        .containsExactly(
            ToolCall.of("call_1", "get_weather", "{\"city\":\"Oslo\"}"),
            ToolCall.of("call_2", "get_time", "{}"));
  }

  @Test
  void logprobsAreReadWithTheirAlternatives() throws Exception {
    ChatCompletion c = complete(LOGPROBS);
    assertThat(c.content()).isEqualTo("Hi");
    assertThat(c.logprobs())
        .containsExactly(
            new TokenLogprob(
                "Hi",
                -0.25,
                List.of(
                    new TokenLogprob("Hi", -0.25, List.of()),
                    new TokenLogprob("Hello", -1.5, List.of())),
                List.of(72, 105)));
    assertThat(c.logprobs().get(0).topAlternatives().get(0).bytes())
        .as("absent bytes are null")
        .isNull();
    assertThat(c.toolCalls()).isEmpty();
  }

  @Test
  void nullBytesAreNullAndBytesThatAreNotUtf8BytesAreAnInvalidResponse() throws Exception {
    ChatCompletion c = complete(LOGPROBS.replace("[72,105]", "null"));
    assertThat(c.logprobs().get(0).bytes()).isNull();

    for (String wrong : List.of("[72,256]", "[-1]", "\"Hi\"", "[7.5]")) {
      assertThatThrownBy(() -> complete(LOGPROBS.replace("[72,105]", wrong)))
          .as(wrong)
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(InvalidResponseException.class)
          .hasMessageContaining("The response is not a chat completion");
    }
  }

  @Test
  void aRefusalIsReadAsSuch() throws Exception {
    ChatCompletion c = complete(REFUSAL);
    assertThat(c.content()).isNull();
    assertThat(c.refusal()).isEqualTo("I can't help with that.");
  }

  @Test
  void aToolCallWithoutArgumentsIsAnInvalidResponse() {
    assertThatThrownBy(() -> complete(BROKEN_TOOL_CALL))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(InvalidResponseException.class)
        .hasMessageContaining("The response is not a chat completion");
  }
}
