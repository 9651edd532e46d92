package dev.llmclient.testkit.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The simulator's checks of tools, tool choice and image parts, and its stream faults. */
class ToolAndImageRequestsTest {

  private static final String WEATHER =
      "{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"strict\":true,"
          + "\"parameters\":{\"type\":\"object\",\"additionalProperties\":false,"
          + "\"required\":[\"city\"],\"properties\":{\"city\":{\"type\":\"string\"}}}}}";

  private static LlmSimulator sim;
  private static SimHttp http;

  @BeforeAll
  static void start() {
    sim = LlmSimulator.builder().deployment(Deployment.of("gpt-4o")).start();
    http = new SimHttp(sim);
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  private static String chat(String content, String extraFields) {
    return "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":"
        + content
        + "}]"
        + extraFields
        + "}";
  }

  static Stream<Arguments> badRequests() {
    return Stream.of(
        Arguments.of(
            chat("\"hi\"", ",\"tool_choice\":\"auto\""),
            "tool_choice",
            "'tool_choice' is only allowed when 'tools' are specified"),
        Arguments.of(
            chat("\"hi\"", ",\"parallel_tool_calls\":false"),
            "parallel_tool_calls",
            "only allowed when 'tools' are specified"),
        Arguments.of(
            chat(
                "\"hi\"",
                ",\"tools\":["
                    + WEATHER
                    + "],\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"x\"}}"),
            "tool_choice",
            "no function named 'x'"),
        Arguments.of(
            chat("\"hi\"", ",\"tools\":[" + WEATHER + "],\"tool_choice\":\"sometimes\""),
            "tool_choice",
            "Supported values are: 'none', 'auto', and 'required'"),
        Arguments.of(
            chat(
                "\"hi\"",
                ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"strict\":true,"
                    + "\"parameters\":{\"type\":\"object\",\"properties\":{\"a\":{\"type\":"
                    + "\"string\"}}}}}]"),
            "tools[0].function.parameters",
            "Invalid schema for function 'f'"),
        Arguments.of(
            chat("\"hi\"", ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"a b\"}}]"),
            "tools[0].function.name",
            "does not match pattern"),
        Arguments.of(
            chat("[{\"type\":\"image_url\",\"image_url\":{\"url\":\"file:///etc/passwd\"}}]", ""),
            "messages[0].content[0].image_url.url",
            "Invalid image URL"),
        Arguments.of(
            chat(
                "[{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/tiff;base64,AAAA\"}}]",
                ""),
            "messages[0].content[0].image_url.url",
            "Invalid image URL"));
  }

  @ParameterizedTest
  @MethodSource("badRequests")
  void malformedToolsAndImagesGetTheServicesErrors(String body, String param, String message) {
    SimHttp.Response r = http.post("/v1/chat/completions", body);

    assertThat(r.status()).isEqualTo(400);
    JsonNode error = r.json().get("error");
    assertThat(error.get("param").asText()).isEqualTo(param);
    assertThat(error.get("message").asText()).contains(message);
  }

  @Test
  void imagesAreCountedInThePromptTokens() {
    String image =
        "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,iVBORw0KGgo=\"}}";
    String lowImage =
        "{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://example.com/a.png\","
            + "\"detail\":\"low\"}}";
    long without =
        http.post("/v1/chat/completions", chat("[{\"type\":\"text\",\"text\":\"What?\"}]", ""))
            .json()
            .at("/usage/prompt_tokens")
            .asLong();
    long with =
        http.post(
                "/v1/chat/completions",
                chat("[{\"type\":\"text\",\"text\":\"What?\"}," + image + "," + lowImage + "]", ""))
            .json()
            .at("/usage/prompt_tokens")
            .asLong();

    assertThat(with - without).isEqualTo(Images.IMAGE_TOKENS + Images.LOW_DETAIL_TOKENS);
  }

  @Test
  void autoCallsToolsUntilTheConversationEndsWithToolResults() {
    JsonNode call =
        http.post("/v1/chat/completions", chat("\"Weather?\"", ",\"tools\":[" + WEATHER + "]"))
            .json();
    JsonNode toolCall = call.at("/choices/0/message/tool_calls/0");
    assertThat(call.at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
    assertThat(toolCall.at("/function/name").asText()).isEqualTo("get_weather");
    assertThat(toolCall.at("/function/arguments").asText()).startsWith("{\"city\":");

    String continued =
        "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Weather?\"},"
            + "{\"role\":\"assistant\",\"tool_calls\":["
            + toolCall
            + "]},{\"role\":\"tool\",\"tool_call_id\":\""
            + toolCall.get("id").asText()
            + "\",\"content\":\"sunny\"}],\"tools\":["
            + WEATHER
            + "]}";
    JsonNode answer = http.post("/v1/chat/completions", continued).json();
    assertThat(answer.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    assertThat(answer.at("/choices/0/message/content").asText()).isNotBlank();
  }

  @Test
  void streamFaultsParseWithTheirDefaults() {
    Fault reset = Fault.parse("STREAM_RESET_AFTER_EVENTS");
    Fault stall = Fault.parse("stream_stall_after_events:0.5");

    assertThat(reset.events()).isEqualTo(5);
    assertThat(stall.events()).isEqualTo(5);
    assertThat(stall.duration()).hasSeconds(60);
    assertThat(Fault.resetAfterEvents(2).everyNth(3).events()).isEqualTo(2);
    assertThat(Fault.stallAfterEvents(1, java.time.Duration.ofSeconds(2)).toString())
        .contains("events=1", "duration=PT2S");
  }
}
