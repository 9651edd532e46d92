package dev.llmclient.it.embeddings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.sun.net.httpserver.HttpServer;
import dev.llmclient.api.EmbedderClient;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.api.spi.Tracer;
import dev.llmclient.core.LlmClients;
import dev.llmclient.core.RetryPolicy;
import dev.llmclient.core.TokenUsageTracker;
import dev.llmclient.testkit.simulator.Fault;
import dev.llmclient.testkit.simulator.LlmSimulator;
import dev.llmclient.testkit.simulator.RecordedRequest;
import dev.llmclient.testkit.simulator.Route;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
    return openAi(extra, sim.openAiBaseUri());
  }

  private static EmbedderClient openAi(Map<String, String> extra, URI baseUri) {
    Map<String, String> settings = new HashMap<>(extra);
    settings.put("OPENAI_API_KEY", KEY);
    settings.put("OPENAI_BASE_URL", baseUri.toString());
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
  void base64AndFloatReplyEncodingsGiveTheSameVectors() throws IOException {
    float[] viaBase64;
    try (EmbedderClient embedder = openAi(Map.of("EMBEDDING_DIM", "64"))) {
      viaBase64 = embedder.create("Ada Lovelace");
    }
    assertThat(sim.lastRequest().json().path("encoding_format").asText()).isEqualTo("base64");

    float[] viaFloat;
    try (FloatEncodingProxy proxy = new FloatEncodingProxy(sim.baseUri());
        EmbedderClient embedder = openAi(Map.of("EMBEDDING_DIM", "64"), proxy.openAiBaseUri())) {
      viaFloat = embedder.create("Ada Lovelace");
      assertThat(proxy.rewritten).isEqualTo(1);
    }
    assertThat(sim.lastRequest().json().path("encoding_format").asText()).isEqualTo("float");
    assertThat(viaFloat).containsExactly(viaBase64);
  }

  /**
   * A loopback proxy that asks the simulator for {@code encoding_format: float}: the providers
   * always ask for base64, and this is how the float reply path gets exercised end to end.
   */
  static final class FloatEncodingProxy implements AutoCloseable {
    private final HttpServer server;
    private final HttpClient client = HttpClient.newHttpClient();
    volatile int rewritten;

    FloatEncodingProxy(URI target) throws IOException {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext(
          "/",
          exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
              String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
              String changed =
                  body.replace("\"encoding_format\":\"base64\"", "\"encoding_format\":\"float\"");
              if (!changed.equals(body)) {
                rewritten++;
              }
              URI uri = target.resolve(exchange.getRequestURI().toString());
              HttpRequest.Builder forward =
                  HttpRequest.newBuilder(uri)
                      .POST(HttpRequest.BodyPublishers.ofString(changed))
                      .header("Content-Type", "application/json");
              String auth = exchange.getRequestHeaders().getFirst("Authorization");
              if (auth != null) {
                forward.header("Authorization", auth);
              }
              HttpResponse<byte[]> reply =
                  client.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
              exchange.getResponseHeaders().add("Content-Type", "application/json");
              exchange.sendResponseHeaders(reply.statusCode(), reply.body().length);
              try (OutputStream out = exchange.getResponseBody()) {
                out.write(reply.body());
              }
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              exchange.sendResponseHeaders(502, -1);
            } finally {
              exchange.close();
            }
          });
      server.start();
    }

    URI openAiBaseUri() {
      return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }
}
