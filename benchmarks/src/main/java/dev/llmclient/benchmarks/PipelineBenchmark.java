package dev.llmclient.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmRequest;
import dev.llmclient.api.LlmResponse;
import dev.llmclient.api.Message;
import dev.llmclient.api.Usage;
import dev.llmclient.api.spi.BackendInfo;
import dev.llmclient.api.spi.ChatBackend;
import dev.llmclient.api.spi.ChatCompletion;
import dev.llmclient.api.spi.ChatCompletionRequest;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.api.spi.RateLimitInfo;
import dev.llmclient.api.spi.Tracer;
import dev.llmclient.core.LlmClients;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The pipeline's own cost per call over a zero-latency in-memory backend: everything between {@code
 * LlmClient.generate} and {@code ChatBackend.complete} and back (copy and cleaning, model
 * resolution, schema lookup, span and deadline bookkeeping, parsing, schema validation and
 * mapping). {@code rawJacksonMapping} is the floor: only parsing and mapping the same answer.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar PipelineBenchmark -f 1 -wi 3 -i 5 -prof
 * gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PipelineBenchmark {

  /** The answer's shape: a small extraction result. */
  public record Entity(String name, String type, List<String> aliases) {}

  /** The answer's shape: entities and a summary. */
  public record Extraction(List<Entity> entities, String summary) {}

  static final String ANSWER =
      "{\"entities\":[{\"name\":\"Ada Lovelace\",\"type\":\"PERSON\",\"aliases\":[\"Ada\"]},"
          + "{\"name\":\"Charles Babbage\",\"type\":\"PERSON\",\"aliases\":[]},"
          + "{\"name\":\"London\",\"type\":\"PLACE\",\"aliases\":[]}],"
          + "\"summary\":\"Ada Lovelace worked with Charles Babbage in London.\"}";

  /** A backend that answers at once with the same completion and keeps nothing. */
  static final class InstantBackend implements ChatBackend {
    private static final BackendInfo INFO =
        new BackendInfo("bench", "openai", URI.create("https://127.0.0.1:1"), "bench-model", null);
    private final CompletableFuture<ChatCompletion> answer =
        CompletableFuture.completedFuture(
            new ChatCompletion(
                ANSWER,
                null,
                "stop",
                Usage.of(120, 60),
                "bench-model",
                "id",
                "req",
                RateLimitInfo.NONE));

    @Override
    public BackendInfo info() {
      return INFO;
    }

    @Override
    public CompletableFuture<ChatCompletion> complete(ChatCompletionRequest request) {
      return answer;
    }

    @Override
    public void close() {}
  }

  private LlmClient client;
  private LlmRequest<Extraction> structured;
  private LlmRequest<Map<String, Object>> jsonObject;
  private final ObjectMapper mapper = new ObjectMapper();

  /** Builds the client and the two requests. */
  @Setup(Level.Trial)
  public void setUp() {
    client =
        LlmClients.builder()
            .backend(new InstantBackend())
            .settings(ProviderSettings.empty())
            .tracer(Tracer.noop())
            .build();
    List<Message> messages =
        List.of(
            Message.system("Extract every person, company and place the text names."),
            Message.user("Ada Lovelace worked with Charles Babbage in London in 1843."));
    structured = LlmRequest.builder().messages(messages).responseType(Extraction.class).build();
    jsonObject = LlmRequest.builder().messages(messages).build();
  }

  /** Closes the client. */
  @TearDown(Level.Trial)
  public void tearDown() {
    client.close();
  }

  /**
   * A structured call: strict schema, validation and mapping to a record.
   *
   * @return the answer
   */
  @Benchmark
  public LlmResponse<Extraction> structuredCall() {
    return client.generate(structured);
  }

  /**
   * A JSON-object call: no schema, the answer as a map.
   *
   * @return the answer
   */
  @Benchmark
  public LlmResponse<Map<String, Object>> jsonObjectCall() {
    return client.generate(jsonObject);
  }

  /**
   * The floor: Jackson parsing and mapping the same answer, nothing else.
   *
   * @return the mapped answer
   */
  @Benchmark
  public Extraction rawJacksonMapping() {
    try {
      return mapper.readValue(ANSWER, Extraction.class);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
