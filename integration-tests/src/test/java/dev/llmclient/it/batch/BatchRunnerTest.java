package dev.llmclient.it.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmclient.api.BatchQuotaExceededException;
import dev.llmclient.api.BatchRequestNotRunException;
import dev.llmclient.api.InvalidResponseException;
import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmRequest;
import dev.llmclient.api.Message;
import dev.llmclient.api.ServerException;
import dev.llmclient.api.spi.BatchBackend;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.core.LlmClients;
import dev.llmclient.core.batch.BatchHandle;
import dev.llmclient.core.batch.BatchOutcome;
import dev.llmclient.core.batch.BatchPart;
import dev.llmclient.core.batch.BatchRunner;
import dev.llmclient.core.batch.BatchSummary;
import dev.llmclient.it.faults.TestClients;
import dev.llmclient.it.secrets.Canary;
import dev.llmclient.openai.OpenAiProvider;
import dev.llmclient.testkit.simulator.Fault;
import dev.llmclient.testkit.simulator.LlmSimulator;
import dev.llmclient.testkit.simulator.RecordedRequest;
import dev.llmclient.testkit.simulator.Route;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library's batch runner end to end against the simulator through provider-openai: requests
 * prepared exactly as online, split at the limits, answers checked and mapped back by id, partial
 * failures typed, the quota refusal resubmitted, and re-attaching to running batches.
 */
@Timeout(120)
class BatchRunnerTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private LlmSimulator sim;
  private LlmClient llm;
  private BatchBackend batches;

  @BeforeEach
  void start() {
    sim = LlmSimulator.builder().apiKey(Canary.API_KEY).deployment(TestClients.MODEL).start();
    Map<String, String> s =
        TestClients.settings(
            TestClients.Api.OPENAI, sim.baseUri(), TestClients.MODEL, Canary.API_KEY);
    llm =
        LlmClients.builder()
            .provider("openai")
            .settings(ProviderSettings.of(s))
            .retryPolicy(TestClients.fastRetries())
            .build();
    batches = new OpenAiProvider().createBatchBackend(ProviderSettings.of(s));
  }

  @AfterEach
  void stop() {
    batches.close();
    llm.close();
    sim.close();
  }

  private BatchRunner.Builder runner() {
    return BatchRunner.builder(llm, batches)
        .workDirectory(dir)
        .pollInterval(Duration.ofMillis(50), Duration.ofMillis(200));
  }

  private static LlmRequest<TestClients.City> request(int i) {
    return LlmRequest.builder()
        .messages(
            List.of(
                Message.system("Extract the city.\u200B"),
                Message.user("Record " + i + ": Lyon, 500000 people")))
        .responseType(TestClients.City.class)
        .maxTokens(400)
        .build();
  }

  private static List<LlmRequest<TestClients.City>> requests(int n) {
    return IntStream.range(0, n).mapToObj(BatchRunnerTest::request).toList();
  }

  private static Set<String> ids(List<? extends BatchOutcome<?>> outcomes) {
    Set<String> ids = new HashSet<>();
    outcomes.forEach(o -> assertThat(ids.add(o.customId())).as("no duplicate").isTrue());
    return ids;
  }

  @Test
  void eachLineCarriesExactlyTheBodyTheOnlinePathSends() throws IOException {
    llm.generate(request(3));
    String online = sim.requests(Route.CHAT_COMPLETIONS).get(0).body();

    List<BatchPart> parts =
        runner().build().writeInputFiles(List.of(Map.entry("rec-3", request(3))).iterator());

    JsonNode line = JSON.readTree(Files.readAllLines(parts.get(0).inputFile()).get(0));
    assertThat(line.path("custom_id").asText()).isEqualTo("rec-3");
    assertThat(line.get("body")).isEqualTo(JSON.readTree(online));
    assertThat(line.get("body").toString()).doesNotContain("\u200B");
  }

  @Test
  void splitsAtTheRequestLimitAndMapsEveryTypedAnswerBack() {
    BatchHandle<TestClients.City> handle =
        runner().maxRequestsPerFile(100).build().submit(requests(250));

    assertThat(handle.parts()).extracting(BatchPart::requests).containsExactly(100L, 100L, 50L);
    assertThat(sim.requests(Route.BATCHES).stream().map(RecordedRequest::method))
        .containsOnly("POST");
    List<BatchOutcome<TestClients.City>> outcomes = handle.await();

    assertThat(outcomes).hasSize(250);
    assertThat(ids(outcomes))
        .isEqualTo(new HashSet<>(IntStream.range(0, 250).mapToObj(Integer::toString).toList()));
    assertThat(outcomes).allSatisfy(o -> assertThat(o.succeeded()).isTrue());
    assertThat(outcomes.get(0).response().value()).isInstanceOf(TestClients.City.class);
  }

  @Test
  void textAnswersRunThroughABatchAsOnlineAndComeBackAsText() throws IOException {
    LlmRequest<String> text =
        LlmRequest.builder()
            .messages(List.of(Message.user("Describe Lyon in one sentence.")))
            .responseType(String.class)
            .maxTokens(100)
            .build();
    llm.generate(text);
    String online = sim.requests(Route.CHAT_COMPLETIONS).get(0).body();
    List<BatchPart> parts =
        runner().build().writeInputFiles(List.of(Map.entry("t-0", text)).iterator());
    JsonNode line = JSON.readTree(Files.readAllLines(parts.get(0).inputFile()).get(0));
    assertThat(line.get("body")).isEqualTo(JSON.readTree(online));
    assertThat(line.get("body").has("response_format")).isFalse();

    List<BatchOutcome<String>> outcomes =
        runner().build().submit(IntStream.range(0, 5).mapToObj(i -> text).toList()).await();

    assertThat(outcomes).hasSize(5);
    assertThat(outcomes)
        .allSatisfy(
            o -> {
              assertThat(o.succeeded()).as(String.valueOf(o)).isTrue();
              assertThat(o.response().value()).isInstanceOf(String.class).isNotBlank();
            });
  }

  @Test
  void textAndJsonAnswersCannotShareOneSubmission() {
    LlmRequest<String> text =
        LlmRequest.builder()
            .messages(List.of(Message.user("Describe Lyon.")))
            .responseType(String.class)
            .build();
    LlmRequest<Map<String, Object>> json =
        LlmRequest.builder().messages(List.of(Message.user("Lyon as JSON."))).build();

    @SuppressWarnings("unchecked")
    LlmRequest<Object> t = (LlmRequest<Object>) (LlmRequest<?>) text;
    @SuppressWarnings("unchecked")
    LlmRequest<Object> j = (LlmRequest<Object>) (LlmRequest<?>) json;

    assertThatThrownBy(
            () ->
                runner()
                    .build()
                    .writeInputFiles(List.of(Map.entry("t", t), Map.entry("j", j)).iterator()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must share one answer type or schema");
  }

  @Test
  void splitsAtTheByteLimitToo() {
    BatchHandle<TestClients.City> handle =
        runner().maxFileBytes(4 * 1024).build().submit(requests(30));

    assertThat(handle.parts()).hasSizeGreaterThan(1);
    assertThat(handle.parts()).allSatisfy(p -> assertThat(p.bytes()).isLessThanOrEqualTo(4096));
    assertThat(handle.parts().stream().mapToLong(BatchPart::requests).sum()).isEqualTo(30);
    assertThat(handle.await()).hasSize(30);
  }

  @Test
  void serviceFailuresAndInvalidAnswersAreTypedOneOutcomePerRequest() {
    sim.addFault(Fault.status(500).everyNth(7).onRoutes(Route.BATCH_REQUEST));
    sim.addFault(
        Fault.of(Fault.Kind.INVALID_AGAINST_SCHEMA).everyNth(5).onRoutes(Route.BATCH_REQUEST));
    List<BatchOutcome<TestClients.City>> outcomes = new ArrayList<>();

    BatchSummary summary = runner().build().submit(requests(70)).await(outcomes::add);

    assertThat(ids(outcomes)).hasSize(70);
    assertThat(summary.requests()).isEqualTo(70);
    long server = outcomes.stream().filter(o -> o.error() instanceof ServerException).count();
    long invalid =
        outcomes.stream().filter(o -> o.error() instanceof InvalidResponseException).count();
    assertThat(server).isEqualTo(10);
    assertThat(invalid).isPositive();
    assertThat(summary.failed()).isEqualTo(server + invalid);
    assertThat(summary.succeeded()).isEqualTo(70 - server - invalid);
    assertThat(summary.usage().inputTokens()).isPositive();
  }

  @Test
  void anExpiredBatchStillGivesEveryRequestOneOutcome() {
    List<BatchOutcome<TestClients.City>> outcomes =
        runner()
            .metadata(Map.of("simulator.outcome", "expire"))
            .build()
            .submit(requests(20))
            .await();

    assertThat(ids(outcomes)).hasSize(20);
    assertThat(outcomes.stream().filter(BatchOutcome::succeeded).count()).isBetween(1L, 19L);
    assertThat(outcomes.stream().filter(o -> !o.succeeded()))
        .allSatisfy(o -> assertThat(o.error()).isInstanceOf(BatchRequestNotRunException.class));
  }

  @Test
  void aBatchRefusedForTheQuotaIsResubmittedWithBackoffThenGivenUpTyped() {
    List<BatchOutcome<TestClients.City>> outcomes = new ArrayList<>();
    BatchSummary summary =
        runner()
            .metadata(Map.of("simulator.outcome", "token_limit", "simulator.phase_ms", "20"))
            .quotaRetries(Duration.ofMillis(30), 2)
            .build()
            .submit(requests(4))
            .await(outcomes::add);

    assertThat(summary.quotaRefusals()).isEqualTo(3);
    assertThat(sim.requests(Route.BATCHES).stream().filter(r -> r.method().equals("POST")).count())
        .isEqualTo(3);
    assertThat(outcomes).hasSize(4);
    assertThat(outcomes)
        .allSatisfy(
            o -> {
              assertThat(o.error()).isInstanceOf(BatchQuotaExceededException.class);
              assertThat(o.error().isRetryable()).isTrue();
            });
  }

  @Test
  void reattachingToRunningBatchesDeliversEveryOutcomeOnce() {
    BatchHandle<TestClients.City> first =
        runner()
            .maxRequestsPerFile(10)
            .metadata(Map.of("simulator.phase_ms", "300"))
            .build()
            .submit(requests(25));
    List<BatchPart> kept = first.parts();
    assertThat(kept).allSatisfy(p -> assertThat(p.batchId()).isNotNull());

    BatchHandle<TestClients.City> again = runner().build().attach(kept, request(0));
    List<BatchOutcome<TestClients.City>> outcomes = again.await();

    assertThat(ids(outcomes)).hasSize(25);
    assertThat(sim.requests(Route.FILES).stream().filter(r -> r.method().equals("POST")).count())
        .as("nothing uploaded twice")
        .isEqualTo(3);
  }
}
