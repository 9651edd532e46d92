package dev.llmclient.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmclient.api.LlmClient;
import dev.llmclient.api.spi.BatchBackend;
import dev.llmclient.api.spi.BatchResults;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.core.LlmClients;
import dev.llmclient.core.batch.BatchPart;
import dev.llmclient.core.batch.BatchRunner;
import dev.llmclient.openai.OpenAiProvider;
import java.io.BufferedWriter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Shows that a file batch's client-side memory does not grow with its record count: prepares and
 * writes {@code records} requests, uploads every part, and streams as many answers back (typed and
 * mapped), against a simulator in another JVM (which holds the files), then prints each step's time
 * and the heap's peak use. Run it with a heap far smaller than the records would need if they were
 * held, at two record counts; both finishing, with the same peak, is the claim.
 *
 * <pre>
 * java -Xmx3g -cp benchmarks/target/benchmarks.jar dev.llmclient.testkit.simulator.SimulatorMain \
 *     --port 18080 --api-key bench-key &amp;
 * java -Xmx48m -cp benchmarks/target/benchmarks.jar dev.llmclient.benchmarks.BatchMemoryProbe \
 *     http://127.0.0.1:18080/v1 1000000
 * </pre>
 */
public final class BatchMemoryProbe {

  /** The simulator takes uploads of at most 32 MB, so outputs are stored in parts. */
  private static final int LINES_PER_OUTPUT_FILE = 25_000;

  private BatchMemoryProbe() {}

  /**
   * Runs the probe.
   *
   * @param args the simulator's OpenAI base URL, and the record count
   * @throws Exception when a step fails
   */
  public static void main(String[] args) throws Exception {
    String baseUrl = args[0];
    int records = Integer.parseInt(args[1]);
    Map<String, String> s =
        Map.of(
            "OPENAI_BASE_URL", baseUrl, "OPENAI_API_KEY", "bench-key", "MODEL_NAME", "gpt-4o-mini");
    Path dir = Files.createTempDirectory("llm-batch-memory");
    ObjectMapper mapper = new ObjectMapper();
    try (LlmClient llm =
            LlmClients.builder().provider("openai").settings(ProviderSettings.of(s)).build();
        BatchBackend backend = new OpenAiProvider().createBatchBackend(ProviderSettings.of(s))) {
      long t0 = System.nanoTime();
      List<BatchPart> parts =
          BatchRunner.builder(llm, backend)
              .workDirectory(dir.resolve("in"))
              .maxFileBytes(16L * 1024 * 1024)
              .build()
              .writeInputFiles(BatchRecords.requests(records));
      long t1 = System.nanoTime();
      long uploaded = 0;
      for (BatchPart p : parts) {
        uploaded += backend.upload(p.inputFile()).join().bytes();
        Files.delete(p.inputFile());
      }
      long t2 = System.nanoTime();
      List<String> outputs = new ArrayList<>();
      for (int from = 0; from < records; from += LINES_PER_OUTPUT_FILE) {
        Path output = writeOutput(dir, from, Math.min(records, from + LINES_PER_OUTPUT_FILE));
        outputs.add(backend.upload(output).join().id());
        Files.delete(output);
      }
      long t3 = System.nanoTime();
      long ages = 0;
      long mapped = 0;
      for (String id : outputs) {
        try (BatchResults results = backend.results(id).join()) {
          while (results.hasNext()) {
            ages +=
                mapper
                    .readValue(results.next().completion().content(), BatchRecords.Person.class)
                    .age();
            mapped++;
          }
        }
      }
      long t4 = System.nanoTime();
      if (mapped != records || ages != 36L * records) {
        throw new IllegalStateException("mapped " + mapped + " of " + records + " answers");
      }
      System.out.printf(
          "records %,d: %d parts, %,d bytes uploaded; prepare+write %d ms, upload %d ms,"
              + " map back %d ms (storing the outputs: %d ms)%n"
              + "heap: max %d MB, peak used %d MB%n",
          records,
          parts.size(),
          uploaded,
          (t1 - t0) / 1_000_000,
          (t2 - t1) / 1_000_000,
          (t4 - t3) / 1_000_000,
          (t3 - t2) / 1_000_000,
          Runtime.getRuntime().maxMemory() >> 20,
          peakHeapUsed() >> 20);
    } finally {
      try (var files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** The sum of the heap pools' peak use since the JVM started. */
  private static long peakHeapUsed() {
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    return peak;
  }

  private static Path writeOutput(Path dir, int from, int to) throws IOException {
    Path output = dir.resolve("output-" + from + ".jsonl");
    try (BufferedWriter w = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
      BatchRecords.writeOutputLines(w, from, to);
    }
    return output;
  }
}
