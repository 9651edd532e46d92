package dev.llmclient.testkit.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LlmSimulatorRoutesTest {

  private LlmSimulator sim;
  private SimHttp http;

  @BeforeEach
  void start() {
    sim =
        LlmSimulator.builder()
            .apiKey("key-1")
            .bearerToken("entra-token")
            .deployment("gpt-4o", "text-embedding-3-small")
            .seed(7)
            .start();
    http = new SimHttp(sim);
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  @Test
  void openAiChatCompletionAnswersWithTheServiceShapeAndHeaders() {
    SimHttp.Response r =
        http.post(
            "/v1/chat/completions",
            SimHttp.chat("gpt-4o", "Say hello"),
            "authorization",
            "Bearer key-1");

    assertThat(r.status()).isEqualTo(200);
    JsonNode body = r.json();
    assertThat(body.path("object").asText()).isEqualTo("chat.completion");
    assertThat(body.path("id").asText()).startsWith("chatcmpl-");
    assertThat(body.path("model").asText()).isEqualTo("gpt-4o");
    JsonNode choice = body.path("choices").get(0);
    assertThat(choice.path("message").path("role").asText()).isEqualTo("assistant");
    assertThat(choice.path("message").path("content").asText()).isNotBlank();
    assertThat(choice.path("finish_reason").asText()).isEqualTo("stop");
    assertThat(body.path("usage").path("prompt_tokens").asInt()).isPositive();
    assertThat(body.path("usage").path("total_tokens").asInt())
        .isEqualTo(
            body.path("usage").path("prompt_tokens").asInt()
                + body.path("usage").path("completion_tokens").asInt());
    assertThat(r.header("x-request-id")).isNotBlank();
    assertThat(r.header("apim-request-id")).isEqualTo(r.header("x-request-id"));
    assertThat(r.header("x-ratelimit-remaining-requests")).isNotBlank();
    assertThat(r.header("x-ratelimit-remaining-tokens")).isNotBlank();
    assertThat(r.header("x-ratelimit-limit-requests")).isNotBlank();
    assertThat(r.header("content-type")).startsWith("application/json");
  }

  @Test
  void sameSeedAndRequestGiveTheSameContentAndAnotherPromptDoesNot() {
    String a1 =
        content(
            http.post(
                "/v1/chat/completions",
                SimHttp.chat("gpt-4o", "one"),
                "authorization",
                "Bearer key-1"));
    String a2 =
        content(
            http.post(
                "/v1/chat/completions",
                SimHttp.chat("gpt-4o", "one"),
                "authorization",
                "Bearer key-1"));
    String b =
        content(
            http.post(
                "/v1/chat/completions",
                SimHttp.chat("gpt-4o", "two"),
                "authorization",
                "Bearer key-1"));

    assertThat(a1).isEqualTo(a2).isNotEqualTo(b);
    try (LlmSimulator other = LlmSimulator.builder().seed(8).start()) {
      String c =
          content(new SimHttp(other).post("/v1/chat/completions", SimHttp.chat("gpt-4o", "one")));
      assertThat(c).isNotEqualTo(a1);
    }
  }

  @Test
  void azureDeploymentRouteTakesApiKeyAndApiVersionAndAddsFilterResults() {
    SimHttp.Response r =
        http.post(
            "/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21",
            "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
            "api-key",
            "key-1");

    assertThat(r.status()).isEqualTo(200);
    assertThat(
            r.json()
                .path("prompt_filter_results")
                .get(0)
                .path("content_filter_results")
                .has("hate"))
        .isTrue();
    assertThat(
            r.json()
                .path("choices")
                .get(0)
                .path("content_filter_results")
                .path("violence")
                .path("filtered")
                .asBoolean(true))
        .isFalse();
    assertThat(r.header("apim-request-id")).isNotBlank();
    assertThat(r.header("x-ratelimit-remaining-requests")).isNotBlank();
    RecordedRequest recorded = sim.lastRequest();
    assertThat(recorded.style()).isEqualTo(ApiStyle.AZURE);
    assertThat(recorded.deployment()).isEqualTo("gpt-4o");
    assertThat(recorded.queryParameter("api-version")).isEqualTo("2024-10-21");
    assertThat(recorded.header("API-KEY")).isEqualTo("key-1");
  }

  @Test
  void azureAcceptsAnEntraIdBearerToken() {
    SimHttp.Response r =
        http.post(
            "/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21",
            "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
            "authorization",
            "Bearer entra-token");

    assertThat(r.status()).isEqualTo(200);
  }

  @Test
  void azureV1RouteTakesTheDeploymentFromTheModelField() {
    SimHttp.Response r =
        http.post("/openai/v1/chat/completions", SimHttp.chat("gpt-4o", "hi"), "api-key", "key-1");

    assertThat(r.status()).isEqualTo(200);
    assertThat(sim.lastRequest().style()).isEqualTo(ApiStyle.AZURE_V1);
    assertThat(sim.lastRequest().deployment()).isEqualTo("gpt-4o");
  }

  @Test
  void modelsListsTheDeployments() {
    SimHttp.Response r = http.get("/v1/models", "authorization", "Bearer key-1");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().path("object").asText()).isEqualTo("list");
    assertThat(r.json().path("data").findValuesAsText("id"))
        .containsExactly("gpt-4o", "text-embedding-3-small");
    assertThat(http.get("/openai/v1/models", "api-key", "key-1").status()).isEqualTo(200);
  }

  @Test
  void embeddingsAreDeterministicUnitVectorsOfTheRequestedSize() {
    SimHttp.Response r =
        http.post(
            "/v1/embeddings",
            "{\"model\":\"text-embedding-3-small\",\"input\":[\"alpha\",\"beta\",\"alpha\"],\"dimensions\":64}",
            "authorization",
            "Bearer key-1");

    assertThat(r.status()).isEqualTo(200);
    JsonNode data = r.json().path("data");
    assertThat(data).hasSize(3);
    float[] first = floats(data.get(0).path("embedding"));
    float[] second = floats(data.get(1).path("embedding"));
    float[] third = floats(data.get(2).path("embedding"));
    assertThat(first)
        .hasSize(64)
        .containsExactly(third)
        .containsExactly(LlmSimulator.embeddingOf("alpha", 64));
    assertThat(second).isNotEqualTo(first);
    assertThat(norm(first)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
    assertThat(data.get(2).path("index").asInt()).isEqualTo(2);
    assertThat(r.json().path("usage").path("prompt_tokens").asInt()).isPositive();
  }

  @Test
  void embeddingsInBase64AreLittleEndianFloat32OfTheSameVector() {
    SimHttp.Response r =
        http.post(
            "/openai/deployments/text-embedding-3-small/embeddings?api-version=2024-10-21",
            "{\"input\":\"alpha\",\"encoding_format\":\"base64\"}",
            "api-key",
            "key-1");

    assertThat(r.status()).isEqualTo(200);
    byte[] bytes =
        Base64.getDecoder().decode(r.json().path("data").get(0).path("embedding").asText());
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    float[] v = new float[bytes.length / 4];
    for (int i = 0; i < v.length; i++) {
      v[i] = buf.getFloat();
    }
    assertThat(v)
        .hasSize(Deployment.DEFAULT_EMBEDDING_DIMENSIONS)
        .containsExactly(
            LlmSimulator.embeddingOf("alpha", Deployment.DEFAULT_EMBEDDING_DIMENSIONS));
  }

  @Test
  void scriptedAndQueuedRepliesWinOverGeneratedContent() {
    sim.script("capital of France", "Paris");
    sim.enqueueReply("queued first");

    assertThat(
            content(
                http.post(
                    "/v1/chat/completions",
                    SimHttp.chat("gpt-4o", "What is the capital of France?"),
                    "authorization",
                    "Bearer key-1")))
        .isEqualTo("queued first");
    assertThat(
            content(
                http.post(
                    "/v1/chat/completions",
                    SimHttp.chat("gpt-4o", "What is the capital of France?"),
                    "authorization",
                    "Bearer key-1")))
        .isEqualTo("Paris");
  }

  @Test
  void recordingIsBoundedAndCountersCountRoutesAndStatuses() {
    try (LlmSimulator small = LlmSimulator.builder().maxRecordedRequests(2).start()) {
      SimHttp h = new SimHttp(small);
      for (int i = 0; i < 3; i++) {
        h.post("/v1/chat/completions", SimHttp.chat("m", "n" + i));
      }
      h.get("/v1/nothing-here");

      assertThat(small.requests()).hasSize(2);
      assertThat(small.requests().get(1).path()).isEqualTo("/v1/nothing-here");
      assertThat(small.counters().requests(Route.CHAT_COMPLETIONS)).isEqualTo(3);
      assertThat(small.counters().requests(Route.UNKNOWN)).isEqualTo(1);
      assertThat(small.counters().responses(200)).isEqualTo(3);
      assertThat(small.counters().responses(404)).isEqualTo(1);
    }
  }

  @Test
  void streamingAnswersServerSentEventsInTheChunkFormat() {
    SimHttp.Response r =
        http.post(
            "/v1/chat/completions",
            "{\"model\":\"gpt-4o\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"stream please\"}]}",
            "authorization",
            "Bearer key-1");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("content-type")).startsWith("text/event-stream");
    assertThat(r.body()).endsWith("data: [DONE]\n\n");
    String[] events = r.body().split("\n\n");
    StringBuilder text = new StringBuilder();
    String finish = null;
    JsonNode usage = null;
    for (String event : events) {
      assertThat(event).startsWith("data: ");
      String data = event.substring(6);
      if (data.equals("[DONE]")) {
        continue;
      }
      JsonNode chunk = SimHttp.MAPPER.valueToTree(parse(data));
      assertThat(chunk.path("object").asText()).isEqualTo("chat.completion.chunk");
      if (chunk.path("choices").isEmpty()) {
        usage = chunk.path("usage");
        continue;
      }
      JsonNode choice = chunk.path("choices").get(0);
      text.append(choice.path("delta").path("content").asText(""));
      if (!choice.path("finish_reason").isNull()) {
        finish = choice.path("finish_reason").asText();
      }
    }
    assertThat(text.toString()).isNotBlank();
    assertThat(finish).isEqualTo("stop");
    assertThat(usage).isNotNull();
    assertThat(usage.path("completion_tokens").asInt()).isPositive();
    // the same request without streaming yields the same text
    String whole =
        content(
            http.post(
                "/v1/chat/completions",
                "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"stream please\"}]}",
                "authorization",
                "Bearer key-1"));
    assertThat(text.toString()).isEqualTo(whole);
  }

  @Test
  void azureStreamsStartWithPromptFilterResults() {
    SimHttp.Response r =
        http.post(
            "/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21",
            "{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
            "api-key",
            "key-1");

    String first = r.body().split("\n\n")[0].substring(6);
    JsonNode chunk = SimHttp.MAPPER.valueToTree(parse(first));
    assertThat(chunk.path("choices")).isEmpty();
    assertThat(chunk.path("prompt_filter_results").get(0).path("prompt_index").asInt()).isZero();
  }

  private static JsonNode parse(String json) {
    try {
      return SimHttp.MAPPER.readTree(json);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String content(SimHttp.Response r) {
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().path("choices").get(0).path("message").path("content").asText();
  }

  private static float[] floats(JsonNode arr) {
    float[] v = new float[arr.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) arr.get(i).asDouble();
    }
    return v;
  }

  private static double norm(float[] v) {
    double s = 0;
    for (float f : v) {
      s += f * f;
    }
    return Math.sqrt(s);
  }
}
