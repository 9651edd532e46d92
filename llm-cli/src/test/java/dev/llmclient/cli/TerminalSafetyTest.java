package dev.llmclient.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.testkit.simulator.LlmSimulator;
import dev.llmclient.testkit.simulator.RawReply;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Text from a model or a server never reaches the terminal as escape sequences: ESC, CSI, OSC and
 * the other C0/C1 controls are shown as visible escapes on stdout and stderr, while JSON output
 * keeps the exact content.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TerminalSafetyTest {

  /** Clears the screen, sets the window title, writes a hyperlink and (8-bit CSI) turns red. */
  private static final String HOSTILE =
      "\u001b[2J\u001b]0;owned\u0007\u001b]8;;https://evil.example\u001b\\link\u009b31m\u202e";

  /** The same text as a JSON string literal body (every character escaped). */
  private static final String HOSTILE_JSON =
      "\\u001b[2J\\u001b]0;owned\\u0007\\u001b]8;;https://evil.example\\u001b\\\\link\\u009b31m"
          + "\\u202e";

  @TempDir Path dir;

  private LlmSimulator sim;
  private ProviderSettings settings;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void start() {
    sim = LlmSimulator.builder().start();
    settings =
        ProviderSettings.of(
            Map.of(
                "OPENAI_BASE_URL", sim.openAiBaseUri().toString(),
                "OPENAI_API_KEY", "k",
                "MODEL_NAME", "gpt-4o-mini"));
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  private int llm(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(1, List.of("--provider", "openai"));
    return LlmCommand.execute(
        all.toArray(String[]::new),
        new PrintWriter(out, true),
        new PrintWriter(err, true),
        settings);
  }

  /** A terminal would act on this character (newline and tab are text). */
  private static boolean actsOnTerminal(int c) {
    return (c < 0x20 && c != '\n' && c != '\t')
        || (c >= 0x7f && c <= 0x9f)
        || (c >= 0x202a && c <= 0x202e)
        || (c >= 0x2066 && c <= 0x2069);
  }

  private static void assertTerminalSafe(String text) {
    assertThat(text.chars().filter(TerminalSafetyTest::actsOnTerminal).toArray())
        .as("control characters in %s", text)
        .isEmpty();
  }

  private static String completion(String model, String content) {
    return "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\""
        + model
        + "\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
        + Json.write(content)
        + "},\"finish_reason\":\"stop\"}],"
        + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,\"total_tokens\":5}}";
  }

  @Test
  void aChatAnswerIsPrintedAsJsonWithTheExactContentAndNoEscapeSequence() throws Exception {
    sim.enqueueReply("{\"title\":\"" + HOSTILE_JSON + "\"}");

    int code = llm("chat", "--json", "Name a mathematician");

    assertThat(code).as(err.toString()).isEqualTo(LlmCommand.OK);
    assertTerminalSafe(out.toString());
    assertTerminalSafe(err.toString());
    assertThat(Json.mapper().readTree(out.toString()).get("title").asText()).isEqualTo(HOSTILE);
  }

  @Test
  void theModelNameAndAServerErrorMessageAreShownWithVisibleEscapes() throws Exception {
    sim.enqueueRaw(RawReply.json(200, completion("gpt-4o" + HOSTILE_JSON, "{\"a\":1}")));

    assertThat(llm("chat", "--json", "hello")).as(err.toString()).isEqualTo(LlmCommand.OK);
    assertTerminalSafe(err.toString());
    assertThat(err.toString()).contains("llm: model gpt-4o\\x1b[2J\\x1b]0;owned\\x07");

    err.getBuffer().setLength(0);
    sim.enqueueRaw(
        RawReply.json(
            400,
            "{\"error\":{\"message\":\"bad request "
                + HOSTILE_JSON
                + "\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}}"));

    assertThat(llm("chat", "--json", "hello")).isEqualTo(LlmCommand.RECORDS_FAILED);
    assertTerminalSafe(err.toString());
    assertThat(err.toString()).contains("bad request \\x1b[2J");
  }

  @Test
  void batchErrorsSummaryAndProgressAreSafeWhileTheOutputFileKeepsTheExactMessage()
      throws Exception {
    sim.respondAlways(
        RawReply.json(
            401,
            "{\"error\":{\"message\":\"Incorrect API key "
                + HOSTILE_JSON
                + "\",\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}"));
    Path in = dir.resolve("in.jsonl");
    Files.write(
        in,
        List.of(
            "{\"id\":\"a\",\"text\":\"Ada\"}",
            "{\"id\":\"b\",\"text\":\u001b[31m}",
            "{\"id\":\"c\",\"text\":\"Grace\"}"));
    Path outFile = dir.resolve("out.jsonl");

    int code =
        llm("batch", "--in", in.toString(), "--out", outFile.toString(), "--concurrency", "1");

    assertThat(code).isEqualTo(LlmCommand.RECORDS_FAILED);
    assertTerminalSafe(err.toString());
    assertThat(err.toString())
        .contains("  stopped:    every call would fail the same way (AuthenticationException)")
        .contains("\\x1b[2J");
    String file = Files.readString(outFile);
    assertTerminalSafe(file);
    JsonNode failed = null;
    for (String line : file.lines().toList()) {
      JsonNode node = Json.mapper().readTree(line);
      if ("AuthenticationException".equals(node.path("error").asText())) {
        failed = node;
      }
    }
    assertThat(failed).isNotNull();
    assertThat(failed.get("message").asText()).contains("Incorrect API key " + HOSTILE);
  }
}
