package dev.llmclient.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmclient.api.InvalidResponseException;
import dev.llmclient.api.spi.EmbeddingBackend;
import dev.llmclient.api.spi.EmbeddingRequest;
import dev.llmclient.api.spi.EmbeddingResult;
import dev.llmclient.testkit.simulator.LlmSimulator;
import dev.llmclient.testkit.simulator.RawReply;
import dev.llmclient.testkit.simulator.RecordedRequest;
import dev.llmclient.testkit.simulator.Route;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EmbeddingsTest {

  private LlmSimulator sim;
  private EmbeddingBackend embeddings;

  @BeforeEach
  void start() {
    sim = LlmSimulator.builder().apiKey("sk-abcdef123456").start();
    embeddings =
        new OpenAiProvider()
            .createEmbeddingBackend(
                Fixtures.openAiSettings(sim.openAiBaseUri(), "sk-abcdef123456"));
  }

  @AfterEach
  void stop() {
    embeddings.close();
    sim.close();
  }

  static String base64(float... values) {
    ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      buffer.putFloat(v);
    }
    return Base64.getEncoder().encodeToString(buffer.array());
  }

  @Test
  void base64VectorsAreDecodedAndReturnedInInputOrder() throws Exception {
    sim.respondAlways(
        RawReply.json(
                200,
                "{\"object\":\"list\",\"data\":["
                    + "{\"object\":\"embedding\",\"index\":1,\"embedding\":\""
                    + base64(0.5f, -1.25f, 3e-8f)
                    + "\"},{\"object\":\"embedding\",\"index\":0,\"embedding\":\""
                    + base64(1f, 2f, Float.MIN_VALUE)
                    + "\"}],\"model\":\"text-embedding-3-small\","
                    + "\"usage\":{\"prompt_tokens\":8,\"total_tokens\":8}}")
            .header("x-request-id", "req-e"));

    EmbeddingResult result =
        embeddings
            .embed(
                new EmbeddingRequest(
                    "text-embedding-3-small", List.of("first", "second"), 3, Map.of()))
            .get(10, TimeUnit.SECONDS);

    assertThat(result.vectors()).hasSize(2);
    assertThat(result.vectors().get(0)).containsExactly(1f, 2f, Float.MIN_VALUE);
    assertThat(result.vectors().get(1)).containsExactly(0.5f, -1.25f, 3e-8f);
    assertThat(result.usage().inputTokens()).isEqualTo(8);
    assertThat(result.model()).isEqualTo("text-embedding-3-small");
    assertThat(result.requestId()).isEqualTo("req-e");
    RecordedRequest sent = sim.lastRequest();
    JsonNode body = Json.MAPPER.readTree(sent.body());
    assertThat(sent.path()).isEqualTo("/v1/embeddings");
    assertThat(sent.route()).isEqualTo(Route.EMBEDDINGS);
    assertThat(body.get("model").asText()).isEqualTo("text-embedding-3-small");
    assertThat(body.get("input")).hasSize(2);
    assertThat(body.get("encoding_format").asText()).isEqualTo("base64");
    assertThat(body.get("dimensions").asInt()).isEqualTo(3);
  }

  @Test
  void plainFloatArraysFromCompatibleServersAreAcceptedToo() throws Exception {
    sim.respondAlways(
        RawReply.json(
            200, "{\"data\":[{\"index\":0,\"embedding\":[0.25,-0.5]}],\"model\":\"nomic\"}"));

    EmbeddingResult result =
        embeddings
            .embed(new EmbeddingRequest("nomic", List.of("x"), null, Map.of()))
            .get(10, TimeUnit.SECONDS);

    assertThat(result.vectors().get(0)).containsExactly(0.25f, -0.5f);
    assertThat(Json.MAPPER.readTree(sim.lastRequest().body()).has("dimensions")).isFalse();
  }

  @Test
  void aWrongNumberOfVectorsIsAnInvalidResponse() {
    sim.respondAlways(
        RawReply.json(200, "{\"data\":[{\"index\":0,\"embedding\":\"" + base64(1f) + "\"}]}"));

    Throwable t =
        catchThrowable(
            () ->
                embeddings
                    .embed(new EmbeddingRequest("m", List.of("a", "b"), null, Map.of()))
                    .join());

    assertThat(t).hasCauseInstanceOf(InvalidResponseException.class);
  }

  @Test
  void duplicateIndexesAndBrokenBase64AreInvalidResponses() {
    sim.respondAlways(
        RawReply.json(
            200,
            "{\"data\":[{\"index\":0,\"embedding\":\""
                + base64(1f)
                + "\"},{\"index\":0,\"embedding\":\""
                + base64(2f)
                + "\"}]}"));
    assertThat(
            catchThrowable(
                () ->
                    embeddings
                        .embed(new EmbeddingRequest("m", List.of("a", "b"), null, Map.of()))
                        .join()))
        .hasCauseInstanceOf(InvalidResponseException.class);

    sim.respondAlways(RawReply.json(200, "{\"data\":[{\"index\":0,\"embedding\":\"AAA\"}]}"));
    assertThat(
            catchThrowable(
                () ->
                    embeddings
                        .embed(new EmbeddingRequest("m", List.of("a"), null, Map.of()))
                        .join()))
        .hasCauseInstanceOf(InvalidResponseException.class);
  }

  @Test
  void theSimulatorsOwnBase64VectorsDecodeToExactlyItsFloats() throws Exception {
    EmbeddingResult result =
        embeddings
            .embed(
                new EmbeddingRequest(
                    "text-embedding-3-small", List.of("alpha", "beta", "alpha"), 8, Map.of()))
            .get(10, TimeUnit.SECONDS);

    assertThat(result.vectors()).hasSize(3);
    assertThat(result.vectors().get(0)).containsExactly(LlmSimulator.embeddingOf("alpha", 8));
    assertThat(result.vectors().get(1)).containsExactly(LlmSimulator.embeddingOf("beta", 8));
    assertThat(result.vectors().get(2)).containsExactly(result.vectors().get(0));
    assertThat(result.usage().inputTokens()).isPositive();
    assertThat(sim.lastRequest().header("authorization")).isEqualTo("Bearer sk-abcdef123456");
  }

  @Test
  void theEmbeddingBackendReportsTheEmbeddingModel() {
    assertThat(embeddings.info().defaultModel()).isEqualTo("text-embedding-3-small");
  }
}
