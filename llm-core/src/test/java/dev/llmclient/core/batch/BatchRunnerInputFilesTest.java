package dev.llmclient.core.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmConfigurationException;
import dev.llmclient.api.LlmRequest;
import dev.llmclient.api.Message;
import dev.llmclient.api.spi.BackendInfo;
import dev.llmclient.api.spi.BatchBackend;
import dev.llmclient.api.spi.BatchFile;
import dev.llmclient.api.spi.BatchJob;
import dev.llmclient.api.spi.BatchPage;
import dev.llmclient.api.spi.BatchResults;
import dev.llmclient.api.spi.ChatCompletionRequest;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.api.spi.Tracer;
import dev.llmclient.core.LlmClients;
import dev.llmclient.testkit.ScriptedChatBackend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The input-file side of {@link BatchRunner}: how requests become JSONL parts (split at the smaller
 * of the runner's and the service's limits), which submissions and settings are refused before
 * anything is written or sent, and what each refusal says.
 */
class BatchRunnerInputFilesTest {

  record City(String name) {}

  record River(String name, int lengthKm) {}

  /**
   * A batch service that only writes input lines (one small JSON object per request); the write
   * path must never upload or create anything, so every remote operation fails the test.
   */
  static final class LineOnlyBackend implements BatchBackend {
    final int maxRequests;
    final long maxBytes;
    final List<String> ids = Collections.synchronizedList(new ArrayList<>());

    LineOnlyBackend(int maxRequests, long maxBytes) {
      this.maxRequests = maxRequests;
      this.maxBytes = maxBytes;
    }

    @Override
    public BackendInfo info() {
      return ScriptedChatBackend.INFO;
    }

    @Override
    public int maxRequestsPerFile() {
      return maxRequests;
    }

    @Override
    public long maxFileBytes() {
      return maxBytes;
    }

    @Override
    public byte[] inputLine(String customId, ChatCompletionRequest request) {
      ids.add(customId);
      List<Message> messages = request.messages();
      return ("{\"custom_id\":\""
              + customId
              + "\",\"model\":\""
              + request.model()
              + "\",\"text\":\""
              + messages.get(messages.size() - 1).content()
              + "\"}\n")
          .getBytes(StandardCharsets.UTF_8);
    }

    private static <T> CompletableFuture<T> notOnTheWritePath(String what) {
      throw new AssertionError("writing input files must not " + what);
    }

    @Override
    public CompletableFuture<BatchFile> upload(Path jsonl) {
      return notOnTheWritePath("upload");
    }

    @Override
    public CompletableFuture<BatchJob> create(String inputFileId, Map<String, String> metadata) {
      return notOnTheWritePath("create a batch");
    }

    @Override
    public CompletableFuture<BatchJob> retrieve(String batchId) {
      return notOnTheWritePath("poll");
    }

    @Override
    public CompletableFuture<BatchJob> cancel(String batchId) {
      return notOnTheWritePath("cancel");
    }

    @Override
    public CompletableFuture<BatchPage> list(@Nullable String after, int limit) {
      return notOnTheWritePath("list");
    }

    @Override
    public CompletableFuture<BatchResults> results(String fileId) {
      return notOnTheWritePath("download");
    }

    @Override
    public void close() {}
  }

  @TempDir Path dir;

  final LlmClient llm =
      LlmClients.builder()
          .backend(new ScriptedChatBackend())
          .settings(ProviderSettings.empty())
          .tracer(Tracer.noop())
          .build();

  @AfterEach
  void close() {
    llm.close();
  }

  static <T> LlmRequest<T> ask(String text, Class<T> type) {
    return LlmRequest.builder().addMessage(Message.user(text)).responseType(type).build();
  }

  static <T> Iterator<Map.Entry<String, LlmRequest<T>>> one(String id, LlmRequest<T> request) {
    return List.of(entry(id, request)).iterator();
  }

  static <T> Map.Entry<String, LlmRequest<T>> entry(String id, LlmRequest<T> request) {
    return new AbstractMap.SimpleImmutableEntry<>(id, request);
  }

  static Iterator<Map.Entry<String, LlmRequest<City>>> cities(int n) {
    return IntStream.range(0, n)
        .mapToObj(i -> entry("r" + i, ask("city " + i, City.class)))
        .iterator();
  }

  BatchRunner runner(BatchBackend backend) {
    return BatchRunner.builder(llm, backend).workDirectory(dir.resolve("work")).build();
  }

  static List<String> lines(BatchPart part) throws IOException {
    return Files.readAllLines(part.inputFile(), StandardCharsets.UTF_8);
  }

  @Test
  void theServicesSmallerRequestLimitSplitsThePartsInOrder() throws IOException {
    LineOnlyBackend backend = new LineOnlyBackend(2, BatchBackend.MAX_FILE_BYTES);
    BatchRunner runner =
        BatchRunner.builder(llm, backend)
            .workDirectory(dir.resolve("work"))
            .maxRequestsPerFile(1000)
            .build();

    List<BatchPart> parts = runner.writeInputFiles(cities(5));

    assertThat(parts).extracting(BatchPart::index).containsExactly(0, 1, 2);
    assertThat(parts).extracting(BatchPart::requests).containsExactly(2L, 2L, 1L);
    for (BatchPart p : parts) {
      assertThat(p.bytes()).isEqualTo(Files.size(p.inputFile()));
      assertThat(p.inputFileId()).isNull();
      assertThat(p.batchId()).isNull();
      assertThat(p.inputFile().getParent()).isEqualTo(dir.resolve("work"));
    }
    assertThat(lines(parts.get(0)))
        .containsExactly(
            "{\"custom_id\":\"r0\",\"model\":\""
                + ScriptedChatBackend.INFO.defaultModel()
                + "\",\"text\":\"city 0\"}",
            "{\"custom_id\":\"r1\",\"model\":\""
                + ScriptedChatBackend.INFO.defaultModel()
                + "\",\"text\":\"city 1\"}");
    assertThat(lines(parts.get(2))).singleElement().asString().contains("\"r4\"");
  }

  @Test
  void theRunnersSmallerRequestLimitWinsOverTheServices() {
    BatchRunner runner =
        BatchRunner.builder(llm, new LineOnlyBackend(1000, BatchBackend.MAX_FILE_BYTES))
            .workDirectory(dir)
            .maxRequestsPerFile(3)
            .build();

    assertThat(runner.writeInputFiles(cities(7)))
        .extracting(BatchPart::requests)
        .containsExactly(3L, 3L, 1L);
  }

  @Test
  void aFileNeverGrowsPastTheByteLimitAndAPartFitsAsManyLinesAsItCan() throws IOException {
    String filler = "x".repeat(280);
    BatchRunner runner =
        BatchRunner.builder(llm, new LineOnlyBackend(1000, BatchBackend.MAX_FILE_BYTES))
            .workDirectory(dir)
            .maxFileBytes(1024)
            .build();

    List<BatchPart> parts =
        runner.writeInputFiles(
            IntStream.range(0, 7)
                .mapToObj(i -> entry("r" + i, ask(filler, City.class)))
                .iterator());

    // each line is 330 bytes, so three fit in 1 KiB and a fourth would not
    assertThat(parts).extracting(BatchPart::requests).containsExactly(3L, 3L, 1L);
    for (BatchPart p : parts) {
      assertThat(Files.size(p.inputFile())).isEqualTo(p.bytes()).isLessThanOrEqualTo(1024);
      assertThat(lines(p)).hasSize((int) p.requests());
    }
  }

  @Test
  void aSingleRequestLargerThanAFileMayBeIsRefusedByItsId() {
    BatchRunner runner = runner(new LineOnlyBackend(1000, 2048));

    assertThatThrownBy(
            () ->
                runner.writeInputFiles(
                    List.of(
                            entry("small", ask("hi", City.class)),
                            entry("huge", ask("y".repeat(4000), City.class)))
                        .iterator()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("The request 'huge' alone is larger than a batch file may be");
  }

  @Test
  void idsMustBeOneTo512Characters() {
    BatchRunner runner = runner(new LineOnlyBackend(1000, BatchBackend.MAX_FILE_BYTES));
    String longest = "i".repeat(BatchRunner.MAX_ID_LENGTH);

    assertThat(runner.writeInputFiles(one(longest, ask("a", City.class))))
        .singleElement()
        .extracting(BatchPart::requests)
        .isEqualTo(1L);
    assertThatThrownBy(() -> runner.writeInputFiles(one("", ask("a", City.class))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("A batch request id must be 1 to 512 characters, got one of 0");
    assertThatThrownBy(() -> runner.writeInputFiles(one(longest + "i", ask("a", City.class))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("A batch request id must be 1 to 512 characters, got one of 513");
  }

  @Test
  void noRequestAtAllIsRefused() {
    BatchRunner runner = runner(new LineOnlyBackend(1000, BatchBackend.MAX_FILE_BYTES));

    assertThatThrownBy(() -> runner.writeInputFiles(Collections.emptyIterator()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("A batch needs at least one request");
  }

  @Test
  void requestsOfOneTypeShareASubmissionButTwoTypesOrTypedAndUntypedDoNot() {
    LineOnlyBackend backend = new LineOnlyBackend(1000, BatchBackend.MAX_FILE_BYTES);
    BatchRunner runner = runner(backend);

    assertThat(runner.writeInputFiles(cities(3)))
        .singleElement()
        .extracting(BatchPart::requests)
        .isEqualTo(3L);

    List<Map.Entry<String, LlmRequest<?>>> mixed = new ArrayList<>();
    mixed.add(anyEntry("city", ask("Oslo", City.class)));
    mixed.add(anyEntry("river", ask("Glomma", River.class)));
    assertThatThrownBy(() -> runner.writeInputFiles(raw(mixed)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "All requests of one batch submission must share one answer type or schema; request"
                + " 'river' differs. Submit each type separately.");

    List<Map.Entry<String, LlmRequest<?>>> untyped = new ArrayList<>();
    untyped.add(anyEntry("city", ask("Oslo", City.class)));
    untyped.add(anyEntry("map", LlmRequest.builder().addMessage(Message.user("Oslo")).build()));
    assertThatThrownBy(() -> runner.writeInputFiles(raw(untyped)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("request 'map' differs");
  }

  static Map.Entry<String, LlmRequest<?>> anyEntry(String id, LlmRequest<?> request) {
    return new AbstractMap.SimpleImmutableEntry<>(id, request);
  }

  /** A submission of mixed answer types, as a caller with raw types could pass one. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static Iterator<Map.Entry<String, LlmRequest<Object>>> raw(
      List<Map.Entry<String, LlmRequest<?>>> entries) {
    return (Iterator) entries.iterator();
  }

  @Test
  void aWorkDirectoryThatCannotBeCreatedIsAnIoFailureNamingIt() throws IOException {
    Path file = Files.writeString(dir.resolve("not-a-directory"), "x");
    BatchRunner runner =
        BatchRunner.builder(llm, new LineOnlyBackend(1000, BatchBackend.MAX_FILE_BYTES))
            .workDirectory(file.resolve("work"))
            .build();

    assertThatThrownBy(() -> runner.writeInputFiles(cities(1)))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessage("Cannot write the batch input files in " + file.resolve("work"))
        .hasCauseInstanceOf(IOException.class);
  }

  @Test
  void aRunnerNeedsAWorkDirectoryAndAClientBuiltByLlmClients() {
    LineOnlyBackend backend = new LineOnlyBackend(1000, BatchBackend.MAX_FILE_BYTES);
    assertThatThrownBy(() -> BatchRunner.builder(llm, backend).build())
        .isInstanceOf(LlmConfigurationException.class)
        .hasMessageContaining("call workDirectory(path)");

    LlmClient foreign =
        (LlmClient)
            Proxy.newProxyInstance(
                LlmClient.class.getClassLoader(),
                new Class<?>[] {LlmClient.class},
                (proxy, method, args) -> {
                  throw new AssertionError("the runner must not call a foreign client");
                });
    assertThatThrownBy(() -> BatchRunner.builder(foreign, backend).workDirectory(dir).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("BatchRunner needs a client built by LlmClients")
        .hasMessageContaining(foreign.getClass().getName());
  }

  @Test
  void builderSettingsOutsideTheirRangeAreRefusedAndTheirEdgesAccepted() {
    BatchRunner.Builder b =
        BatchRunner.builder(llm, new LineOnlyBackend(1000, BatchBackend.MAX_FILE_BYTES));

    assertThatThrownBy(() -> b.maxRequestsPerFile(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxRequestsPerFile must be at least 1, got 0");
    assertThatThrownBy(() -> b.maxFileBytes(1023))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxFileBytes must be at least 1024, got 1023");
    Duration second = Duration.ofSeconds(1);
    assertThatThrownBy(() -> b.pollInterval(Duration.ZERO, second))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("poll intervals must be positive with first <= max");
    assertThatThrownBy(() -> b.pollInterval(Duration.ofSeconds(-1), second))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.pollInterval(Duration.ofSeconds(2), second))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.quotaRetries(Duration.ofSeconds(-1), 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("backoff and retries must not be negative");
    assertThatThrownBy(() -> b.quotaRetries(second, -1))
        .isInstanceOf(IllegalArgumentException.class);
    Map<String, String> fifteen = new HashMap<>();
    IntStream.range(0, 15).forEach(i -> fifteen.put("k" + i, "v"));
    assertThatThrownBy(() -> b.metadata(fifteen))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("at most 14 metadata pairs, got 15");
    assertThatThrownBy(() -> b.onProgress(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> b.onPart(null)).isInstanceOf(NullPointerException.class);

    fifteen.remove("k0");
    BatchRunner runner =
        b.workDirectory(dir)
            .maxRequestsPerFile(1)
            .maxFileBytes(1024)
            .pollInterval(second, second)
            .quotaRetries(Duration.ZERO, 0)
            .metadata(fifteen)
            .onProgress(jobs -> {})
            .onPart(part -> {})
            .build();
    assertThat(runner.pollInterval).isEqualTo(second);
    assertThat(runner.maxPollInterval).isEqualTo(second);
    assertThat(runner.quotaBackoff).isZero();
    assertThat(runner.maxQuotaRetries).isZero();
    assertThat(runner.metadata).hasSize(14);
    assertThat(runner.onProgress).isNotNull();
    assertThat(runner.onPart).isNotNull();
    assertThat(runner.writeInputFiles(cities(2)))
        .extracting(BatchPart::requests)
        .containsExactly(1L, 1L);
  }
}
