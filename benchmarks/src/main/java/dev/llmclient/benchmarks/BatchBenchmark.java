package dev.llmclient.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmclient.api.LlmClient;
import dev.llmclient.api.spi.BatchBackend;
import dev.llmclient.api.spi.BatchFile;
import dev.llmclient.api.spi.BatchResult;
import dev.llmclient.api.spi.BatchResults;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.core.LlmClients;
import dev.llmclient.core.batch.BatchRunner;
import dev.llmclient.openai.OpenAiProvider;
import dev.llmclient.testkit.simulator.LlmSimulator;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The client-side cost of a file batch of {@code records} requests, in three timed steps: prepare
 * every request as the online path does and write the JSONL parts ({@code prepareAndWrite}), upload
 * the parts as streamed multipart bodies to the simulator on loopback ({@code upload}), and stream
 * an output file of as many answers back, typing each line and mapping its answer to the record
 * type ({@code mapBack}). Records per second = {@code records} / the score.
 *
 * <p>Run: {@code java -Xmx512m -jar benchmarks/target/benchmarks.jar BatchBenchmark -f 1 -wi 1 -i
 * 3} (a fixed, small heap shows that memory does not grow with the record count).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(1)
public class BatchBenchmark {

  /** Requests per submission. */
  @Param({"100000"})
  public int records;

  private LlmSimulator sim;
  private LlmClient llm;
  private BatchBackend backend;
  private Path dir;
  private List<dev.llmclient.core.batch.BatchPart> parts;
  private final List<String> outputFileIds = new java.util.ArrayList<>();

  /** Lines per stored output file: the simulator takes uploads of at most 32 MB. */
  private static final int LINES_PER_OUTPUT_FILE = 25_000;

  private final ObjectMapper mapper = new ObjectMapper();

  /** Starts the simulator and clients, and stores an output file of {@code records} answers. */
  @Setup
  public void setUp() throws IOException {
    sim = LlmSimulator.builder().apiKey("bench-key").start();
    Map<String, String> s =
        Map.of(
            "OPENAI_BASE_URL", sim.openAiBaseUri().toString(),
            "OPENAI_API_KEY", "bench-key",
            "MODEL_NAME", "gpt-4o-mini");
    llm = LlmClients.builder().provider("openai").settings(ProviderSettings.of(s)).build();
    backend = new OpenAiProvider().createBatchBackend(ProviderSettings.of(s));
    dir = Files.createTempDirectory("llm-batch-bench");
    for (int from = 0; from < records; from += LINES_PER_OUTPUT_FILE) {
      outputFileIds.add(storeOutput(from, Math.min(records, from + LINES_PER_OUTPUT_FILE)));
    }
  }

  private String storeOutput(int from, int to) throws IOException {
    Path output = dir.resolve("output-" + from + ".jsonl");
    try (BufferedWriter w = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
      BatchRecords.writeOutputLines(w, from, to);
    }
    BatchFile uploaded = backend.upload(output).join();
    return uploaded.id();
  }

  /**
   * Prepares every request and writes the input parts.
   *
   * @return the parts
   */
  @Benchmark
  public int prepareAndWrite() {
    parts =
        BatchRunner.builder(llm, backend)
            .workDirectory(dir.resolve("in"))
            .maxFileBytes(16L * 1024 * 1024)
            .build()
            .writeInputFiles(BatchRecords.requests(records));
    return parts.size();
  }

  /**
   * Prepares, writes and uploads every part.
   *
   * @return the bytes uploaded
   */
  @Benchmark
  public long prepareWriteAndUpload() {
    prepareAndWrite();
    long bytes = 0;
    for (dev.llmclient.core.batch.BatchPart p : parts) {
      bytes += backend.upload(p.inputFile()).join().bytes();
    }
    return bytes;
  }

  /**
   * Streams the output file back, typing every line and mapping every answer.
   *
   * @return the ages, summed (so nothing is optimised away)
   */
  @Benchmark
  public long mapBack() throws IOException {
    long sum = 0;
    for (String fileId : outputFileIds) {
      try (BatchResults results = backend.results(fileId).join()) {
        while (results.hasNext()) {
          BatchResult r = results.next();
          sum += mapper.readValue(r.completion().content(), BatchRecords.Person.class).age();
        }
      }
    }
    return sum;
  }

  /** Closes everything and removes the files. */
  @TearDown
  public void tearDown() throws IOException {
    backend.close();
    llm.close();
    sim.close();
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
