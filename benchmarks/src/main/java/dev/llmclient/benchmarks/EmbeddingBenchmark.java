package dev.llmclient.benchmarks;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmclient.api.EmbedderClient;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.api.spi.Tracer;
import dev.llmclient.core.LlmClients;
import dev.llmclient.testkit.simulator.LlmSimulator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.io.CloseMode;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost per embedded text of a 1,000-text {@code createBatch} through the whole stack ({@code
 * LlmClients.embedder()} on the OpenAI provider: checks, line-break rule, planning, the limiter,
 * the retry and deadline bookkeeping, the JSON body, base64 decoding, fitting) against the
 * simulator on loopback with no latency. {@code rawHttpClient5} is the floor: the same request and
 * the same base64 decoding with httpclient5 and Jackson alone. Both include the simulator's own
 * work of computing the vectors, so compare the two rows, not either with zero.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar EmbeddingBenchmark -f 1 -wi 3 -i 5}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EmbeddingBenchmark {

  /** Texts per batch; the per-text figures divide by it. */
  static final int BATCH = 1000;

  private static final String KEY = "bench-key";
  private static final String MODEL = "text-embedding-3-small";

  /** The vector length requested with {@code dimensions}. */
  @Param({"256", "1536"})
  public int dimensions;

  private LlmSimulator sim;
  private EmbedderClient embedder;
  private CloseableHttpAsyncClient raw;
  private URI embeddingsUri;
  private List<String> texts;
  private final ObjectMapper mapper = new ObjectMapper();

  /** Starts the simulator, the embedder and the raw client. */
  @Setup(Level.Trial)
  public void setUp() {
    sim = LlmSimulator.builder().apiKey(KEY).maxRecordedRequests(1).start();
    embedder =
        LlmClients.embedder()
            .provider("openai")
            .settings(
                ProviderSettings.of(
                    Map.of(
                        "OPENAI_API_KEY",
                        KEY,
                        "OPENAI_BASE_URL",
                        sim.openAiBaseUri().toString(),
                        "EMBEDDING_MODEL",
                        MODEL,
                        "EMBEDDING_DIM",
                        Integer.toString(dimensions))))
            .tracer(Tracer.noop())
            .build();
    raw = HttpAsyncClients.createDefault();
    raw.start();
    embeddingsUri = URI.create(sim.openAiBaseUri() + "/embeddings");
    texts =
        IntStream.range(0, BATCH)
            .mapToObj(i -> "Entity " + i + ": a person who worked with Charles Babbage in London")
            .toList();
  }

  /** Closes everything. */
  @TearDown(Level.Trial)
  public void tearDown() {
    embedder.close();
    raw.close(CloseMode.GRACEFUL);
    sim.close();
  }

  /**
   * One 1,000-text batch through {@code EmbedderClient.createBatch}.
   *
   * @return the vectors
   */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public List<float[]> embedderCreateBatch() {
    return embedder.createBatch(texts);
  }

  /**
   * The floor: the same request with httpclient5 and Jackson, decoding the same base64 vectors.
   *
   * @return the vectors
   * @throws Exception when the exchange fails
   */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public List<float[]> rawHttpClient5() throws Exception {
    ByteArrayOutputStream body = new ByteArrayOutputStream(64 * BATCH);
    try (JsonGenerator g = mapper.getFactory().createGenerator(body)) {
      g.writeStartObject();
      g.writeStringField("model", MODEL);
      g.writeArrayFieldStart("input");
      for (String t : texts) {
        g.writeString(t);
      }
      g.writeEndArray();
      g.writeNumberField("dimensions", dimensions);
      g.writeStringField("encoding_format", "base64");
      g.writeEndObject();
    }
    SimpleHttpResponse response;
    try {
      response =
          raw.execute(
                  SimpleRequestBuilder.post(embeddingsUri)
                      .addHeader("Authorization", "Bearer " + KEY)
                      .setBody(body.toByteArray(), ContentType.APPLICATION_JSON)
                      .build(),
                  null)
              .get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("the simulator failed", e.getCause());
    }
    if (response.getCode() != 200) {
      throw new IllegalStateException("HTTP " + response.getCode() + ": " + response.getBodyText());
    }
    JsonNode data;
    try {
      data = mapper.readTree(response.getBodyBytes()).path("data");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<float[]> vectors = new ArrayList<>(data.size());
    for (JsonNode item : data) {
      byte[] bytes = Base64.getDecoder().decode(item.path("embedding").asText());
      float[] v = new float[bytes.length / 4];
      ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
      vectors.add(v);
    }
    if (vectors.size() != BATCH) {
      throw new IllegalStateException("expected " + BATCH + " vectors, got " + vectors.size());
    }
    return vectors;
  }
}
