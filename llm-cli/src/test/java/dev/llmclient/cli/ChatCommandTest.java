package dev.llmclient.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.testkit.simulator.Fault;
import dev.llmclient.testkit.simulator.LlmSimulator;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code llm chat}: streamed text by default, JSON with --json or --schema, images with --image.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChatCommandTest {

  /** The smallest valid PNG: one transparent pixel. */
  private static final byte[] PNG =
      Base64.getDecoder()
          .decode(
              "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");

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

  @Test
  void aPromptIsAnsweredWithStreamedTextAndNoResponseFormat() {
    sim.enqueueReply("Ada Lovelace wrote the first program.\nShe was a mathematician.");

    assertThat(llm("chat", "Who wrote the first program?")).as(err.toString()).isZero();

    assertThat(out.toString())
        .isEqualTo(
            "Ada Lovelace wrote the first program.\nShe was a mathematician."
                + System.lineSeparator());
    JsonNode body = sim.lastRequest().json();
    assertThat(body.path("stream").asBoolean()).isTrue();
    assertThat(body.has("response_format")).isFalse();
    assertThat(err.toString()).contains("llm: model ").contains("tokens in ");
  }

  @Test
  void streamedTextIsMadeTerminalSafeAsItArrives() {
    sim.enqueueReply("clear \u001b[2J title \u001b]0;owned\u0007 done");

    assertThat(llm("chat", "hi")).as(err.toString()).isZero();

    assertThat(out.toString()).doesNotContain("\u001b").doesNotContain("\u0007");
    assertThat(out.toString()).contains("clear \\x1b[2J title \\x1b]0;owned\\x07 done");
  }

  @Test
  void aBrokenStreamFailsTypedAfterTheTextThatArrived() {
    sim.addFault(Fault.resetAfterEvents(3));
    sim.enqueueReply("one two three four five six seven eight nine ten eleven twelve");

    assertThat(llm("chat", "count")).isEqualTo(LlmCommand.RECORDS_FAILED);

    assertThat(err.toString()).contains("llm: LlmConnectionException");
    assertThat(out.toString()).endsWith(System.lineSeparator());
  }

  @Test
  void jsonPrintsOneObjectInJsonMode() throws Exception {
    sim.enqueueReply("{\"name\":\"Ada\"}");

    assertThat(llm("chat", "--json", "Name a mathematician")).as(err.toString()).isZero();

    assertThat(Json.mapper().readTree(out.toString()).get("name").asText()).isEqualTo("Ada");
    assertThat(sim.lastRequest().json().path("response_format").path("type").asText())
        .isEqualTo("json_object");
  }

  @Test
  void schemaAsksForAStrictAnswer() throws Exception {
    Path schema = dir.resolve("person.json");
    Files.writeString(
        schema,
        "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"}},"
            + "\"required\":[\"name\"],\"additionalProperties\":false}");

    assertThat(llm("chat", "--schema", schema.toString(), "Name a mathematician"))
        .as(err.toString())
        .isZero();

    assertThat(Json.mapper().readTree(out.toString()).get("name").isTextual()).isTrue();
    JsonNode format = sim.lastRequest().json().path("response_format");
    assertThat(format.path("type").asText()).isEqualTo("json_schema");
    assertThat(format.path("json_schema").path("strict").asBoolean()).isTrue();
  }

  @Test
  void imageIsSentAsADataUrlPart() throws Exception {
    Path image = dir.resolve("pixel.png");
    Files.write(image, PNG);

    assertThat(llm("chat", "--image", image.toString(), "What is in the picture?"))
        .as(err.toString())
        .isZero();

    JsonNode content = sim.lastRequest().json().path("messages").path(0).path("content");
    assertThat(content.path(0).path("type").asText()).isEqualTo("text");
    assertThat(content.path(1).path("type").asText()).isEqualTo("image_url");
    assertThat(content.path(1).path("image_url").path("url").asText())
        .isEqualTo("data:image/png;base64," + Base64.getEncoder().encodeToString(PNG));
  }

  @Test
  void anImageOfAnUnknownKindIsAUsageErrorThatNamesTheKindsTaken() throws Exception {
    Path image = dir.resolve("pixel.bmp");
    Files.write(image, PNG);

    assertThat(llm("chat", "--image", image.toString(), "hi")).isEqualTo(LlmCommand.USAGE);

    assertThat(err.toString()).contains("PNG, JPEG, GIF or WebP");
    assertThat(sim.requests()).isEmpty();
  }
}
