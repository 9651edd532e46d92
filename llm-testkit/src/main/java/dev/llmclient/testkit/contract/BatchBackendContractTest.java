package dev.llmclient.testkit.contract;

import static dev.llmclient.testkit.contract.ContractSupport.await;
import static dev.llmclient.testkit.contract.ContractSupport.failure;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmclient.api.AuthenticationException;
import dev.llmclient.api.BatchRequestNotRunException;
import dev.llmclient.api.LlmException;
import dev.llmclient.api.Message;
import dev.llmclient.api.NotFoundException;
import dev.llmclient.api.ServerException;
import dev.llmclient.api.spi.BatchBackend;
import dev.llmclient.api.spi.BatchFile;
import dev.llmclient.api.spi.BatchJob;
import dev.llmclient.api.spi.BatchPage;
import dev.llmclient.api.spi.BatchResult;
import dev.llmclient.api.spi.BatchResults;
import dev.llmclient.api.spi.BatchStatus;
import dev.llmclient.api.spi.ChatCompletionRequest;
import dev.llmclient.api.spi.ResponseFormat;
import dev.llmclient.testkit.simulator.Deployment;
import dev.llmclient.testkit.simulator.Fault;
import dev.llmclient.testkit.simulator.LlmSimulator;
import dev.llmclient.testkit.simulator.RecordedRequest;
import dev.llmclient.testkit.simulator.Route;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract every {@link BatchBackend} must meet, checked against an {@link LlmSimulator}: the
 * input lines and multipart upload it sends, a batch followed through its statuses, one typed
 * result per request (answers in the output file, failures in the error file typed like online
 * failures), expired and cancelled batches with what finished, the enqueued-token quota refusal,
 * validation failures, listing, and the exception type of each API failure.
 *
 * <p>Extend it in a provider's tests: implement {@link #createBackend} to build the batch backend
 * pointed at the simulator, with {@link ContractSettings#model()} as its model or batch deployment
 * and {@link ContractSettings#apiKey()} as its key.
 *
 * <pre>{@code
 * class OpenAiBatchContractTest extends BatchBackendContractTest {
 *   @Override
 *   protected BatchBackend createBackend(LlmSimulator sim, ContractSettings s) {
 *     return new OpenAiProvider().createBatchBackend(ProviderSettings.of(Map.of(
 *         "OPENAI_BASE_URL", sim.openAiBaseUri().toString(),
 *         "OPENAI_API_KEY", s.apiKey(),
 *         "MODEL_NAME", s.model())));
 *   }
 * }
 * }</pre>
 */
public abstract class BatchBackendContractTest {

  /** The key the simulator accepts. */
  public static final String API_KEY = ChatBackendContractTest.API_KEY;

  /** The model (batch deployment) the simulator serves. */
  public static final String MODEL = "contract-batch";

  private static final Duration CALL = Duration.ofSeconds(10);
  private static final Duration BATCH = Duration.ofSeconds(20);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SCHEMA =
      "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"}},"
          + "\"required\":[\"name\"],\"additionalProperties\":false}";

  private @Nullable LlmSimulator simulator;
  private @Nullable BatchBackend backend;

  /** A temporary folder for input files. */
  @TempDir protected @Nullable Path dir;

  /** Creates the test; subclasses need no constructor. */
  protected BatchBackendContractTest() {}

  /**
   * Creates the backend under test, pointed at the simulator.
   *
   * @param simulator the running simulator
   * @param settings the key, model and timeout to use
   * @return a new backend; the kit closes it
   */
  protected abstract BatchBackend createBackend(LlmSimulator simulator, ContractSettings settings);

  /**
   * Changes the simulator before it starts; the default changes nothing.
   *
   * @param builder the builder, already given the key and the model
   */
  protected void configureSimulator(LlmSimulator.Builder builder) {}

  /**
   * The settings the backend is created with.
   *
   * @return the settings
   */
  protected ContractSettings settings() {
    return new ContractSettings(API_KEY, MODEL, ChatBackendContractTest.RESPONSE_TIMEOUT);
  }

  /**
   * The simulator of the current test.
   *
   * @return the simulator
   */
  protected final LlmSimulator simulator() {
    LlmSimulator s = simulator;
    if (s == null) {
      throw new IllegalStateException("no simulator outside a test");
    }
    return s;
  }

  @BeforeEach
  final void startSimulatorAndBackend() {
    LlmSimulator.Builder b =
        LlmSimulator.builder()
            .apiKey(API_KEY)
            .deployment(Deployment.of(MODEL))
            .deployment(Deployment.of(MODEL + "-other"));
    configureSimulator(b);
    simulator = b.start();
    backend = createBackend(simulator, settings());
  }

  @AfterEach
  final void closeBackendAndSimulator() {
    try {
      if (backend != null) {
        backend.close();
      }
    } finally {
      backend = null;
      if (simulator != null) {
        simulator.close();
      }
      simulator = null;
    }
  }

  private BatchBackend backend() {
    BatchBackend b = backend;
    if (b == null) {
      throw new IllegalStateException("no backend outside a test");
    }
    return b;
  }

  private static ChatCompletionRequest request(String model, int i) {
    return ChatCompletionRequest.builder(
            model,
            List.of(Message.system("Extract the person."), Message.user("Record " + i + ": Ada")))
        .maxOutputTokens(200)
        .responseFormat(ResponseFormat.jsonSchema("Person", SCHEMA, true))
        .build();
  }

  private Path input(int count, @Nullable String otherModelAt) {
    Path file = java.util.Objects.requireNonNull(dir).resolve("input-" + count + ".jsonl");
    try (OutputStream out = Files.newOutputStream(file)) {
      for (int i = 0; i < count; i++) {
        String model = ("r" + i).equals(otherModelAt) ? MODEL + "-other" : MODEL;
        out.write(backend().inputLine("r" + i, request(model, i)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  private BatchJob submit(int count, Map<String, String> metadata) {
    BatchFile file = await(backend().upload(input(count, null)), CALL);
    return await(backend().create(file.id(), metadata), CALL);
  }

  /** Polls until the batch ends, collecting the statuses seen. */
  private BatchJob awaitEnd(BatchJob job, Set<BatchStatus> seen) {
    long deadline = System.nanoTime() + BATCH.toNanos();
    BatchJob current = job;
    seen.add(current.status());
    while (!current.status().isTerminal()) {
      assertThat(System.nanoTime()).as("the batch ends within " + BATCH).isLessThan(deadline);
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
      current = await(backend().retrieve(job.id()), CALL);
      seen.add(current.status());
    }
    return current;
  }

  private Map<String, BatchResult> read(@Nullable String fileId) {
    Map<String, BatchResult> byId = new HashMap<>();
    if (fileId == null) {
      return byId;
    }
    try (BatchResults results = await(backend().results(fileId), CALL)) {
      results.forEachRemaining(
          r -> assertThat(byId.put(r.customId(), r)).as("one line per request").isNull());
    }
    return byId;
  }

  @Test
  void writesOneSelfContainedInputLinePerRequest() throws IOException {
    byte[] line = backend().inputLine("rec-7", request(MODEL, 7));

    assertThat(line[line.length - 1]).isEqualTo((byte) '\n');
    String text = new String(line, StandardCharsets.UTF_8);
    assertThat(text.indexOf('\n')).isEqualTo(text.length() - 1);
    JsonNode node = JSON.readTree(text);
    assertThat(node.path("custom_id").asText()).isEqualTo("rec-7");
    assertThat(node.path("method").asText()).isEqualTo("POST");
    assertThat(node.path("url").asText()).endsWith("/chat/completions");
    assertThat(node.path("body").path("model").asText()).isEqualTo(MODEL);
    assertThat(node.path("body").path("response_format").path("type").asText())
        .isEqualTo("json_schema");
    assertThat(node.path("body").has("stream")).isFalse();
  }

  @Test
  void uploadsTheFileAsMultipartWithPurposeBatch() {
    BatchFile file = await(backend().upload(input(3, null)), CALL);

    RecordedRequest wire = simulator().lastRequest();
    assertThat(wire.route()).isEqualTo(Route.FILES);
    assertThat(wire.method()).isEqualTo("POST");
    assertThat(wire.header("content-type")).startsWith("multipart/form-data; boundary=");
    assertThat(wire.body()).contains("name=\"purpose\"").contains("batch");
    assertThat(wire.body()).contains("filename=\"input-3.jsonl\"");
    assertThat(file.id()).isNotBlank();
    assertThat(file.bytes()).isPositive();
  }

  @Test
  void runsABatchThroughItsStatusesToOneTypedAnswerPerRequest() {
    BatchJob created = submit(6, Map.of("simulator.phase_ms", "300", "job", "contract"));

    assertThat(created.status()).isEqualTo(BatchStatus.VALIDATING);
    Set<BatchStatus> seen = EnumSet.noneOf(BatchStatus.class);
    BatchJob done = awaitEnd(created, seen);

    assertThat(done.status()).isEqualTo(BatchStatus.COMPLETED);
    assertThat(seen).contains(BatchStatus.VALIDATING, BatchStatus.IN_PROGRESS);
    assertThat(done.total()).isEqualTo(6);
    assertThat(done.completed()).isEqualTo(6);
    assertThat(done.failed()).isZero();
    assertThat(done.metadata()).containsEntry("job", "contract");
    Map<String, BatchResult> results = read(done.outputFileId());
    assertThat(results).hasSize(6);
    for (int i = 0; i < 6; i++) {
      BatchResult r = results.get("r" + i);
      assertThat(r.error()).isNull();
      assertThat(r.completion()).isNotNull();
      assertThat(r.completion().content()).contains("\"name\"");
      assertThat(r.completion().usage().inputTokens()).isPositive();
    }
    assertThat(simulator().requests(Route.BATCHES)).isNotEmpty();
  }

  @Test
  void failedRequestsComeBackInTheErrorFileTypedLikeOnlineFailures() {
    simulator().addFault(Fault.status(500).everyNth(3).onRoutes(Route.BATCH_REQUEST));
    BatchJob done = awaitEnd(submit(9, Map.of()), EnumSet.noneOf(BatchStatus.class));

    assertThat(done.status()).isEqualTo(BatchStatus.COMPLETED);
    assertThat(done.failed()).isEqualTo(3);
    assertThat(done.completed()).isEqualTo(6);
    Map<String, BatchResult> ok = read(done.outputFileId());
    Map<String, BatchResult> failed = read(done.errorFileId());
    assertThat(ok).hasSize(6);
    assertThat(failed).hasSize(3);
    for (BatchResult r : failed.values()) {
      assertThat(r.error()).isInstanceOf(ServerException.class);
      assertThat(r.error().httpStatus()).isEqualTo(500);
      assertThat(ok).doesNotContainKey(r.customId());
    }
  }

  @Test
  void anExpiredBatchKeepsWhatFinishedAndMarksTheRestNotRun() {
    BatchJob done =
        awaitEnd(
            submit(10, Map.of("simulator.outcome", "expire")), EnumSet.noneOf(BatchStatus.class));

    assertThat(done.status()).isEqualTo(BatchStatus.EXPIRED);
    Map<String, BatchResult> ok = read(done.outputFileId());
    Map<String, BatchResult> notRun = read(done.errorFileId());
    assertThat(ok.size() + notRun.size()).isEqualTo(10);
    assertThat(ok).isNotEmpty();
    assertThat(notRun).isNotEmpty();
    for (BatchResult r : notRun.values()) {
      assertThat(r.error()).isInstanceOf(BatchRequestNotRunException.class);
      assertThat(r.error().isRetryable()).isTrue();
      assertThat(((BatchRequestNotRunException) r.error()).code()).isEqualTo("batch_expired");
    }
  }

  @Test
  void aCancelledBatchGoesThroughCancellingToCancelled() {
    BatchJob created = submit(4, Map.of("simulator.phase_ms", "400"));
    BatchJob cancelling = await(backend().cancel(created.id()), CALL);

    assertThat(cancelling.status()).isEqualTo(BatchStatus.CANCELLING);
    BatchJob done = awaitEnd(cancelling, EnumSet.noneOf(BatchStatus.class));
    assertThat(done.status()).isEqualTo(BatchStatus.CANCELLED);
    Map<String, BatchResult> notRun = read(done.errorFileId());
    assertThat(notRun).hasSize(4);
    assertThat(notRun.values())
        .allSatisfy(r -> assertThat(r.error()).isInstanceOf(BatchRequestNotRunException.class));
  }

  @Test
  void theEnqueuedTokenQuotaRefusalIsRecognisableAndNotARequestFailure() {
    BatchJob done =
        awaitEnd(
            submit(2, Map.of("simulator.outcome", "token_limit")),
            EnumSet.noneOf(BatchStatus.class));

    assertThat(done.status()).isEqualTo(BatchStatus.FAILED);
    assertThat(done.quotaRefused()).isTrue();
    assertThat(done.errors())
        .anySatisfy(e -> assertThat(e.code()).isEqualTo("token_limit_exceeded"));
  }

  @Test
  void anInvalidInputFileFailsValidationWithTheLineNamed() {
    BatchFile file = await(backend().upload(input(3, "r1")), CALL);
    BatchJob done =
        awaitEnd(
            await(backend().create(file.id(), Map.of()), CALL), EnumSet.noneOf(BatchStatus.class));

    assertThat(done.status()).isEqualTo(BatchStatus.FAILED);
    assertThat(done.quotaRefused()).isFalse();
    assertThat(done.errors())
        .anySatisfy(
            e -> {
              assertThat(e.code()).isEqualTo("mismatched_model");
              assertThat(e.line()).isEqualTo(2);
            });
  }

  @Test
  void listsBatchesNewestFirstInPages() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(submit(1, Map.of()).id());
    }
    BatchPage first = await(backend().list(null, 2), CALL);
    BatchPage second =
        await(backend().list(first.batches().get(first.batches().size() - 1).id(), 2), CALL);

    assertThat(first.hasMore()).isTrue();
    assertThat(first.batches()).extracting(BatchJob::id).containsExactly(ids.get(2), ids.get(1));
    assertThat(second.batches()).extracting(BatchJob::id).containsExactly(ids.get(0));
    assertThat(second.hasMore()).isFalse();
  }

  @Test
  void anUnknownBatchOrFileIsANotFoundException() {
    LlmException batch = failure(backend().retrieve("batch_missing"), CALL);
    LlmException file = failure(backend().results("file-missing"), CALL);

    assertThat(batch).isInstanceOf(NotFoundException.class);
    assertThat(batch.httpStatus()).isEqualTo(404);
    assertThat(file).isInstanceOf(NotFoundException.class);
  }

  @Test
  void aWrongKeyIsAnAuthenticationExceptionWithoutTheKey() {
    try (BatchBackend wrong =
        createBackend(simulator(), settings().withApiKey("wrong-batch-key"))) {
      LlmException e = failure(wrong.upload(input(1, null)), CALL);

      assertThat(e).isInstanceOf(AuthenticationException.class);
      assertThat(e.httpStatus()).isEqualTo(401);
      assertThat(e.getMessage()).doesNotContain("wrong-batch-key");
    }
  }

  @Test
  void aServerErrorOnTheBatchesApiIsARetryableServerException() {
    BatchFile file = await(backend().upload(input(1, null)), CALL);
    simulator().addFault(Fault.status(503).times(1).onRoutes(Route.BATCHES));

    LlmException e = failure(backend().create(file.id(), Map.of()), CALL);

    assertThat(e).isInstanceOf(ServerException.class);
    assertThat(e.isRetryable()).isTrue();
  }
}
