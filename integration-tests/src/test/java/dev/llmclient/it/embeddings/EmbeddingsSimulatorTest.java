package dev.llmclient.it.embeddings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmclient.api.EmbedderClient;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.api.spi.Tracer;
import dev.llmclient.core.LlmClients;
import dev.llmclient.core.RetryPolicy;
import dev.llmclient.core.TokenUsageTracker;
import dev.llmclient.testkit.simulator.Fault;
import dev.llmclient.testkit.simulator.LlmSimulator;
import dev.llmclient.testkit.simulator.RawReply;
import dev.llmclient.testkit.simulator.RecordedRequest;
import dev.llmclient.testkit.simulator.Route;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Embeddings end to end: {@code LlmClients.embedder()} over the real OpenAI and Azure providers
 * against the simulator on loopback. Graphiti parity (tests/embedder/test_openai.py) plus what
 * Graphiti got wrong: equal lengths on both providers, renormalised truncation, split batches in
 * order, a rate-limited part retried.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class EmbeddingsSimulatorTest {

  private static final String KEY = "sim-key";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static LlmSimulator sim;

  @BeforeAll
  static void startSimulator() {
    sim = LlmSimulator.builder().apiKey(KEY).start();
  }

  @AfterAll
  static void stopSimulator() {
    sim.close();
  }

  @BeforeEach
  void resetSimulator() {
    sim.reset();
  }

  private static EmbedderClient openAi(Map<String, String> extra) {
    Map<String, String> settings = new HashMap<>(extra);
    settings.put("OPENAI_API_KEY", KEY);
    settings.put("OPENAI_BASE_URL", sim.openAiBaseUri().toString());
    return LlmClients.embedder()
        .provider("openai")
        .settings(ProviderSettings.of(settings))
        .tracer(Tracer.noop())
        .build();
  }

  private static EmbedderClient azure(String deployment, Map<String, String> extra) {
    Map<String, String> settings = new HashMap<>(extra);
    settings.put("AZURE_OPENAI_API_KEY", KEY);
    settings.put("AZURE_OPENAI_ENDPOINT", sim.azureEndpoint().toString());
    settings.put("AZURE_OPENAI_EMBEDDING_DEPLOYMENT_NAME", deployment);
    return LlmClients.embedder()
        .provider("azure")
        .settings(ProviderSettings.of(settings))
        .tracer(Tracer.noop())
        .build();
  }

  private static List<String> texts(int n) {
    return IntStream.range(0, n).mapToObj(i -> "entity " + i + " of the graph").toList();
  }

  private static void assertUnitLength(float[] v) {
    double sum = 0;
    for (float f : v) {
      sum += (double) f * f;
    }
    assertThat(Math.sqrt(sum)).isCloseTo(1.0, within(1e-5));
  }

  private static void assertSameDirection(float[] actual, float[] expected) {
    assertThat(actual).hasSameSizeAs(expected);
    for (int i = 0; i < expected.length; i++) {
      assertThat(actual[i]).isCloseTo(expected[i], within(1e-5f));
    }
  }

  // ---- Graphiti parity -----------------------------------------------------------------------

  @Test
  void createSendsOneRequestWithTheDefaultModelAndTheInputAsIs() {
    try (EmbedderClient embedder = openAi(Map.of("EMBEDDING_DIM", "1024"))) {
      float[] v = embedder.create("Ada Lovelace");

      assertThat(sim.requests(Route.EMBEDDINGS)).hasSize(1);
      RecordedRequest sent = sim.lastRequest();
      assertThat(sent.path()).isEqualTo("/v1/embeddings");
      assertThat(sent.json().path("model").asText()).isEqualTo("text-embedding-3-small");
      assertThat(sent.json().path("input").get(0).asText()).isEqualTo("Ada Lovelace");
      assertThat(sent.json().path("dimensions").asInt()).isEqualTo(1024);
      assertThat(v).containsExactly(LlmSimulator.embeddingOf("Ada Lovelace", 1024));
    }
  }

  @Test
  void createBatchSendsOneRequestAndReturnsOneVectorPerInput() {
    try (EmbedderClient embedder = openAi(Map.of("EMBEDDING_DIM", "1024"))) {
      List<float[]> vectors = embedder.createBatch(List.of("Alice", "Bob", "Carol"));

      assertThat(sim.requests(Route.EMBEDDINGS)).hasSize(1);
      assertThat(sim.lastRequest().json().path("input")).hasSize(3);
      assertThat(vectors).hasSize(3).allSatisfy(v -> assertThat(v).hasSize(1024));
      assertThat(vectors.get(1)).containsExactly(LlmSimulator.embeddingOf("Bob", 1024));
    }
  }

  @Test
  void anEmptyBatchSendsNothing() {
    try (EmbedderClient embedder = openAi(Map.of())) {
      assertThat(embedder.createBatch(List.of())).isEmpty();
    }
    assertThat(sim.requests()).isEmpty();
  }

  // ---- dimensions the same on both providers -------------------------------------------------

  @Test
  void azureAndOpenAiGiveEqualVectorsForTheSameSettings() {
    Map<String, String> settings = Map.of("EMBEDDING_DIM", "256");
    List<String> inputs = List.of("Graphiti", "knowledge\ngraph");
    List<float[]> fromOpenAi;
    List<float[]> fromAzure;
    try (EmbedderClient embedder = openAi(settings)) {
      fromOpenAi = embedder.createBatch(inputs);
    }
    try (EmbedderClient embedder = azure("text-embedding-3-small", settings)) {
      fromAzure = embedder.createBatch(inputs);
    }
    RecordedRequest azureRequest = sim.lastRequest();
    assertThat(azureRequest.path())
        .isEqualTo("/openai/deployments/text-embedding-3-small/embeddings");
    assertThat(azureRequest.json().path("dimensions").asInt()).isEqualTo(256);
    // Graphiti's helper rule: the line break went out as a space on both.
    assertThat(azureRequest.json().path("input").get(1).asText()).isEqualTo("knowledge graph");

    assertThat(fromOpenAi).hasSize(2);
    assertThat(fromAzure).hasSize(2);
    for (int i = 0; i < 2; i++) {
      assertThat(fromAzure.get(i)).hasSize(256).containsExactly(fromOpenAi.get(i));
    }
  }

  @Test
  void aModelWithoutTheDimensionsParameterIsTruncatedToUnitLengthOnBothProviders() {
    Map<String, String> settings = Map.of("EMBEDDING_DIM", "100");
    float[] fromOpenAi;
    float[] fromAzure;
    try (EmbedderClient embedder =
        openAi(Map.of("EMBEDDING_DIM", "100", "EMBEDDING_MODEL", "text-embedding-ada-002"))) {
      fromOpenAi = embedder.create("Ada Lovelace");
    }
    assertThat(sim.lastRequest().json().has("dimensions")).isFalse();
    try (EmbedderClient embedder = azure("ada-deployment", settings)) {
      fromAzure = embedder.create("Ada Lovelace");
    }
    assertThat(sim.lastRequest().json().has("dimensions")).isFalse();

    assertThat(fromOpenAi).hasSize(100);
    assertThat(fromAzure).hasSize(100);
    assertUnitLength(fromOpenAi);
    assertUnitLength(fromAzure);
    // The server's own 100-value vector is the renormalised prefix: the same direction.
    assertSameDirection(fromOpenAi, LlmSimulator.embeddingOf("Ada Lovelace", 100));
    assertSameDirection(fromAzure, fromOpenAi);
  }

  // ---- batching and retries ------------------------------------------------------------------

  @Test
  void orderIsKeptAcrossSplitBatches() {
    List<String> inputs = texts(5000);
    TokenUsageTracker usage = new TokenUsageTracker();
    List<float[]> vectors;
    try (EmbedderClient embedder =
        LlmClients.embedder()
            .provider("openai")
            .settings(
                ProviderSettings.of(
                    Map.of(
                        "OPENAI_API_KEY",
                        KEY,
                        "OPENAI_BASE_URL",
                        sim.openAiBaseUri().toString(),
                        "EMBEDDING_DIM",
                        "16")))
            .tracer(Tracer.noop())
            .tokenUsageTracker(usage)
            .build()) {
      vectors = embedder.createBatch(inputs);
    }
    List<RecordedRequest> sent = sim.requests(Route.EMBEDDINGS);
    assertThat(sent)
        .extracting(r -> r.json().path("input").size())
        .containsExactlyInAnyOrder(2048, 2048, 904);
    assertThat(vectors).hasSize(5000);
    for (int i = 0; i < inputs.size(); i++) {
      assertThat(vectors.get(i)).containsExactly(LlmSimulator.embeddingOf(inputs.get(i), 16));
    }
    assertThat(usage.usage("embeddings").callCount()).isEqualTo(1);
    assertThat(usage.usage("embeddings").inputTokens()).isPositive();
  }

  @Test
  void aRateLimitedPartIsRetriedAndTheResultIsComplete() {
    sim.addFault(Fault.rateLimited(Duration.ofMillis(50)).times(1).onRoutes(Route.EMBEDDINGS));
    List<String> inputs = texts(5000);
    List<float[]> vectors;
    try (EmbedderClient embedder =
        LlmClients.embedder()
            .provider("azure")
            .settings(
                ProviderSettings.of(
                    Map.of(
                        "AZURE_OPENAI_API_KEY",
                        KEY,
                        "AZURE_OPENAI_ENDPOINT",
                        sim.azureEndpoint().toString(),
                        "AZURE_OPENAI_EMBEDDING_DEPLOYMENT_NAME",
                        "text-embedding-3-small",
                        "EMBEDDING_DIM",
                        "8")))
            .tracer(Tracer.noop())
            .retryPolicy(RetryPolicy.builder().maxRetries(2).build())
            .build()) {
      vectors = embedder.createBatch(inputs);
    }
    assertThat(sim.counters().responses(429)).isEqualTo(1);
    assertThat(sim.requests(Route.EMBEDDINGS)).hasSize(4);
    assertThat(vectors).hasSize(5000).doesNotContainNull();
    for (int i : new int[] {0, 2047, 2048, 4095, 4096, 4999}) {
      assertThat(vectors.get(i)).containsExactly(LlmSimulator.embeddingOf(inputs.get(i), 8));
    }
  }

  // ---- wire encodings ------------------------------------------------------------------------

  @Test
  void base64AndFloatReplyEncodingsGiveTheSameVectors() {
    float[] viaBase64;
    try (EmbedderClient embedder = openAi(Map.of("EMBEDDING_DIM", "64"))) {
      viaBase64 = embedder.create("Ada Lovelace");
    }
    assertThat(sim.lastRequest().json().path("encoding_format").asText()).isEqualTo("base64");

    // The providers always ask for base64; a server may still answer with number arrays (as one
    // that ignores encoding_format does). The rule answers in the float encoding with the
    // simulator's own vectors, so the float reply path is exercised end to end.
    List<String> floatReplies = new CopyOnWriteArrayList<>();
    sim.respond(
        r -> r.route() == Route.EMBEDDINGS,
        r -> {
          String body = floatEncodedEmbeddings(r.json());
          floatReplies.add(body);
          return RawReply.json(200, body);
        });
    float[] viaFloat;
    try (EmbedderClient embedder = openAi(Map.of("EMBEDDING_DIM", "64"))) {
      viaFloat = embedder.create("Ada Lovelace");
    }
    assertThat(floatReplies).hasSize(1);
    JsonNode sentBack = readTree(floatReplies.get(0)).path("data").get(0).path("embedding");
    assertThat(sentBack.isArray()).isTrue();
    assertThat(sentBack).hasSize(64).allSatisfy(n -> assertThat(n.isNumber()).isTrue());
    assertThat(sim.requests(Route.EMBEDDINGS)).hasSize(2);
    assertThat(sim.lastRequest().json().path("dimensions").asInt()).isEqualTo(64);
    assertThat(viaFloat).containsExactly(viaBase64);
    assertThat(viaFloat).containsExactly(LlmSimulator.embeddingOf("Ada Lovelace", 64));
  }

  /**
   * The simulator's embeddings reply for {@code request} in {@code encoding_format: float}: one
   * number array per input, from {@link LlmSimulator#embeddingOf(String, int)}.
   */
  private static String floatEncodedEmbeddings(JsonNode request) {
    int dims = request.path("dimensions").asInt();
    ObjectNode body = JSON.createObjectNode().put("object", "list");
    ArrayNode data = body.putArray("data");
    JsonNode input = request.path("input");
    List<String> inputs = new ArrayList<>();
    if (input.isTextual()) {
      inputs.add(input.asText());
    } else {
      input.forEach(item -> inputs.add(item.asText()));
    }
    for (int i = 0; i < inputs.size(); i++) {
      ObjectNode item = data.addObject().put("object", "embedding").put("index", i);
      ArrayNode vector = item.putArray("embedding");
      for (float f : LlmSimulator.embeddingOf(inputs.get(i), dims)) {
        vector.add(f);
      }
    }
    body.put("model", request.path("model").asText());
    // One token per input: the count is not under test here.
    body.putObject("usage").put("prompt_tokens", inputs.size()).put("total_tokens", inputs.size());
    return body.toString();
  }

  private static JsonNode readTree(String json) {
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new AssertionError("The float reply is not JSON: " + json, e);
    }
  }
}
