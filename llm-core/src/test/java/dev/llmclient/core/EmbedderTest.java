package dev.llmclient.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.llmclient.api.EmbedderClient;
import dev.llmclient.api.EmbeddingBatchException;
import dev.llmclient.api.ErrorContext;
import dev.llmclient.api.InvalidRequestException;
import dev.llmclient.api.InvalidResponseException;
import dev.llmclient.api.LlmConnectionException;
import dev.llmclient.api.LlmTimeoutException;
import dev.llmclient.api.RateLimitException;
import dev.llmclient.api.ServerException;
import dev.llmclient.api.Usage;
import dev.llmclient.api.spi.BackendInfo;
import dev.llmclient.api.spi.EmbeddingRequest;
import dev.llmclient.api.spi.EmbeddingResult;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.api.spi.SpanKind;
import dev.llmclient.api.spi.SpanStatus;
import dev.llmclient.api.spi.Tracer;
import dev.llmclient.core.internal.embed.EmbeddingCacheKey;
import dev.llmclient.core.internal.embed.EmbeddingVectors;
import dev.llmclient.core.internal.runtime.CaffeineResponseCache;
import dev.llmclient.testkit.ScriptedEmbeddingBackend;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The embeddings path through the core, on a scripted backend and virtual time. */
@Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class EmbedderTest {

  private final ScriptedEmbeddingBackend backend = new ScriptedEmbeddingBackend();
  private final ManualScheduler scheduler = new ManualScheduler();

  private EmbedderClientBuilder builder() {
    return LlmClients.embedder()
        .backend(backend)
        .settings(ProviderSettings.empty())
        .tracer(Tracer.noop())
        .clock(scheduler.clock())
        .scheduler(scheduler)
        .random(() -> 0.0);
  }

  private EmbedderClient client(EmbedderConfig config) {
    return builder().config(config).build();
  }

  private static List<String> texts(int n) {
    return IntStream.range(0, n).mapToObj(i -> "text number " + i).toList();
  }

  // ---- Graphiti parity (tests/embedder/test_openai.py) ----------------------------------------

  @Test
  void createSendsOneRequestWithTheDefaultModelAndTheTextAsIs() {
    try (EmbedderClient embedder = client(EmbedderConfig.builder().dimensions(1024).build())) {
      float[] v = embedder.create("Ada Lovelace");

      assertThat(backend.requests()).hasSize(1);
      EmbeddingRequest sent = backend.lastRequest();
      assertThat(sent.model()).isEqualTo("text-embedding-3-small");
      assertThat(sent.inputs()).containsExactly("Ada Lovelace");
      assertThat(v).hasSize(1024);
    }
  }

  @Test
  void createBatchSendsTheListInOneRequestAndReturnsOneVectorPerInput() {
    try (EmbedderClient embedder = client(EmbedderConfig.builder().dimensions(1024).build())) {
      List<float[]> vectors = embedder.createBatch(List.of("a", "b", "c"));

      assertThat(backend.requests()).hasSize(1);
      assertThat(backend.lastRequest().inputs()).containsExactly("a", "b", "c");
      assertThat(vectors).hasSize(3).allSatisfy(v -> assertThat(v).hasSize(1024));
    }
  }

  @Test
  void anEmptyBatchReturnsAnEmptyListWithoutARequest() {
    try (EmbedderClient embedder = client(EmbedderConfig.getDefault())) {
      assertThat(embedder.createBatch(List.of())).isEmpty();
      assertThat(embedder.createBatchAsync(List.of()).join()).isEmpty();
    }
    assertThat(backend.requests()).isEmpty();
  }

  // ---- inputs --------------------------------------------------------------------------------

  @Test
  void resultsFollowTheInputOrder() {
    try (EmbedderClient embedder = client(EmbedderConfig.getDefault())) {
      List<String> inputs = List.of("zeta", "alpha", "mu", "alpha");
      List<float[]> vectors = embedder.createBatch(inputs);

      for (int i = 0; i < inputs.size(); i++) {
        assertThat(vectors.get(i))
            .containsExactly(ScriptedEmbeddingBackend.vectorOf(inputs.get(i), 1536));
      }
    }
  }

  @Test
  void aBlankOrNullInputIsRejectedByIndexBeforeAnyRequest() {
    try (EmbedderClient embedder = client(EmbedderConfig.getDefault())) {
      assertThatThrownBy(() -> embedder.createBatch(List.of("ok", "also ok", " \t")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("inputs[2] is blank");
      List<String> withNull = Arrays.asList("ok", null);
      assertThatThrownBy(() -> embedder.createBatch(withNull))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("inputs[1] is null");
      assertThat(embedder.createBatchAsync(withNull)).isCompletedExceptionally();
      assertThatThrownBy(() -> embedder.create(""))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("blank");
    }
    assertThat(backend.requests()).isEmpty();
  }

  @Test
  void lineBreaksBecomeSpacesAsGraphitisHelperDoes() {
    try (EmbedderClient embedder = client(EmbedderConfig.getDefault())) {
      embedder.createBatch(List.of("line one\nline two", "a\r\nb\rc"));
    }
    assertThat(backend.lastRequest().inputs()).containsExactly("line one line two", "a b c");
  }

  // ---- dimensions ----------------------------------------------------------------------------

  @Test
  void aModelThatAcceptsDimensionsIsAskedForThem() {
    try (EmbedderClient embedder = client(EmbedderConfig.builder().dimensions(256).build())) {
      float[] v = embedder.create("Ada");

      assertThat(backend.lastRequest().dimensions()).isEqualTo(256);
      assertThat(v).hasSize(256);
      assertThat(EmbeddingVectors.norm(v)).isCloseTo(1.0, within(1e-5));
    }
  }

  @Test
  void aModelWithoutTheParameterIsTruncatedAndRenormalisedOnTheClient() {
    EmbedderConfig config =
        EmbedderConfig.builder().model("text-embedding-ada-002").dimensions(256).build();
    try (EmbedderClient embedder = client(config)) {
      float[] v = embedder.create("Ada");

      assertThat(backend.lastRequest().dimensions()).isNull();
      assertThat(backend.lastRequest().model()).isEqualTo("text-embedding-ada-002");
      assertThat(v).hasSize(256);
      assertThat(EmbeddingVectors.norm(v)).isCloseTo(1.0, within(1e-5));
      float[] full = ScriptedEmbeddingBackend.vectorOf("Ada", 1536);
      assertThat(EmbeddingVectors.norm(Arrays.copyOf(full, 256))).isLessThan(0.9);
      // The renormalised prefix points the same way as the server's own shorter vector.
      float[] serverShort = ScriptedEmbeddingBackend.vectorOf("Ada", 256);
      for (int i = 0; i < 256; i++) {
        assertThat(v[i]).isCloseTo(serverShort[i], within(1e-5f));
      }
    }
  }

  @Test
  void aDeclaredCapabilityOverridesTheNameRule() {
    EmbedderConfig config =
        EmbedderConfig.builder()
            .model("emb-prod")
            .dimensions(64)
            .dimensionsParameter("emb-prod", true)
            .build();
    try (EmbedderClient embedder = client(config)) {
      embedder.create("x");
    }
    assertThat(backend.lastRequest().dimensions()).isEqualTo(64);
    assertThat(EmbedderConfig.getDefault().acceptsDimensionsParameter("text-embedding-3-large"))
        .isTrue();
    assertThat(EmbedderConfig.getDefault().acceptsDimensionsParameter("text-embedding-ada-002"))
        .isFalse();
  }

  @Test
  void withoutADimensionVectorsKeepTheModelsLength() {
    try (EmbedderClient embedder = client(EmbedderConfig.getDefault())) {
      assertThat(embedder.create("x")).hasSize(1536);
    }
    assertThat(backend.lastRequest().dimensions()).isNull();
  }

  @Test
  void vectorsShorterThanTheConfiguredDimensionFailNamingTheSetting() {
    backend.nativeDimensions(512);
    EmbedderConfig config = EmbedderConfig.builder().model("custom-model").dimensions(1024).build();
    try (EmbedderClient embedder = client(config)) {
      assertThatThrownBy(() -> embedder.createBatch(List.of("a", "b")))
          .isInstanceOf(EmbeddingBatchException.class)
          .hasMessageContaining("inputs 0 to 1")
          .hasMessageContaining("set EMBEDDING_DIM to 512 or less")
          .cause()
          .isInstanceOf(InvalidResponseException.class);
    }
  }

  @Test
  void aReplyWithTooFewVectorsFailsInsteadOfReturningAShorterList() {
    backend.enqueue(
        r -> new EmbeddingResult(List.of(new float[] {1f}), Usage.of(1, 0), null, "req-7"));
    try (EmbedderClient embedder = client(EmbedderConfig.getDefault())) {
      assertThatThrownBy(() -> embedder.createBatch(List.of("a", "b")))
          .isInstanceOf(EmbeddingBatchException.class)
          .hasMessageContaining("returned 1 vectors for 2 inputs")
          .hasMessageContaining("request-id=req-7");
    }
  }

  @Test
  void anEmptyVectorInTheReplyFailsTheCall() {
    backend.enqueue(
        r ->
            new EmbeddingResult(
                List.of(new float[] {1f, 0f}, new float[0]), Usage.of(2, 0), null, "req-8"));
    try (EmbedderClient embedder = client(EmbedderConfig.getDefault())) {
      assertThatThrownBy(() -> embedder.createBatch(List.of("a", "b")))
          .isInstanceOf(EmbeddingBatchException.class)
          .hasMessageContaining("empty vector")
          .cause()
          .isInstanceOf(InvalidResponseException.class);
    }
  }

  // ---- batching ------------------------------------------------------------------------------

  @Test
  void largeBatchesAreSplitBy2048InputsAndReassembledInOrder() {
    List<String> inputs = texts(5000);
    try (EmbedderClient embedder = client(EmbedderConfig.builder().dimensions(8).build())) {
      List<float[]> vectors = embedder.createBatch(inputs);

      assertThat(backend.requests())
          .extracting(r -> r.inputs().size())
          .containsExactly(2048, 2048, 904);
      assertThat(vectors).hasSize(5000);
      for (int i : new int[] {0, 2047, 2048, 4095, 4096, 4999}) {
        assertThat(vectors.get(i))
            .containsExactly(ScriptedEmbeddingBackend.vectorOf(inputs.get(i), 8));
      }
    }
  }

  @Test
  void theTokenBudgetSplitsRequestsAndAnOversizedTextGoesAlone() {
    // 40 characters = 10 estimated tokens each; 100 characters = 25 tokens.
    String small = "x".repeat(40);
    String big = "y".repeat(100);
    EmbedderConfig config = EmbedderConfig.builder().maxTokensPerRequest(20).build();
    try (EmbedderClient embedder = client(config)) {
      embedder.createBatch(List.of(small, small, small, big, small));
    }
    assertThat(backend.requests()).extracting(r -> r.inputs().size()).containsExactly(2, 1, 1, 1);
    assertThat(backend.requests().get(2).inputs()).containsExactly(big);
  }

  @Test
  void theCharsPerTokenEstimateIsConfigurable() {
    EmbedderConfig config =
        EmbedderConfig.builder().maxTokensPerRequest(10).charsPerToken(1.0).build();
    try (EmbedderClient embedder = client(config)) {
      embedder.createBatch(List.of("12345", "12345", "12345"));
    }
    assertThat(backend.requests()).extracting(r -> r.inputs().size()).containsExactly(2, 1);
  }

  @Test
  void noMoreThanTheConcurrencyLimitOfRequestsAreInFlight() {
    backend.deferReplies(true);
    EmbedderConfig config =
        EmbedderConfig.builder().maxInputsPerRequest(10).maxConcurrentRequests(2).build();
    try (EmbedderClient embedder = client(config)) {
      CompletableFuture<List<float[]>> first = embedder.createBatchAsync(texts(40));
      CompletableFuture<List<float[]>> second = embedder.createBatchAsync(texts(20));

      assertThat(backend.pendingCount()).isEqualTo(2);
      int rounds = 0;
      while (backend.completePending() > 0) {
        rounds++;
        assertThat(backend.pendingCount()).isLessThanOrEqualTo(2);
      }

      assertThat(first).isCompleted();
      assertThat(second).isCompleted();
      assertThat(first.join()).hasSize(40);
      assertThat(second.join()).hasSize(20);
      assertThat(backend.maxPending()).isEqualTo(2);
      assertThat(backend.requests()).hasSize(6);
      assertThat(rounds).isEqualTo(3);
    }
  }

  // ---- retries and failures ------------------------------------------------------------------

  @Test
  void aRateLimitedPartIsRetriedAndTheResultIsComplete() {
    failRequestsContaining(
        "text number 4",
        1,
        new RateLimitException(
            "slow down", new ErrorContext("fake", 429, "req-1"), Duration.ofSeconds(2), null));
    EmbedderConfig config =
        EmbedderConfig.builder().maxInputsPerRequest(3).maxConcurrentRequests(1).build();
    TokenUsageTracker usage = new TokenUsageTracker();
    try (EmbedderClient embedder = builder().config(config).tokenUsageTracker(usage).build()) {
      CompletableFuture<List<float[]>> call = embedder.createBatchAsync(texts(9));
      assertThat(call).isNotDone();
      assertThat(scheduler.requestedDelays()).contains(Duration.ofSeconds(2));

      scheduler.advance(Duration.ofSeconds(2));

      List<float[]> vectors = call.join();
      assertThat(vectors).hasSize(9).doesNotContainNull();
      for (int i = 0; i < 9; i++) {
        assertThat(vectors.get(i))
            .containsExactly(ScriptedEmbeddingBackend.vectorOf(texts(9).get(i), 1536));
      }
    }
    // 3 parts plus one retry of the second, with the same inputs.
    assertThat(backend.requests()).hasSize(4);
    assertThat(backend.requests().get(3).inputs())
        .containsExactly("text number 3", "text number 4", "text number 5");
    assertThat(usage.usage(EmbedderClientBuilder.DEFAULT_PROMPT_NAME).callCount()).isEqualTo(1);
  }

  @Test
  void aPartThatKeepsFailingFailsTheWholeCallNamingItsInputs() {
    EmbedderConfig config =
        EmbedderConfig.builder().maxInputsPerRequest(4).maxConcurrentRequests(1).build();
    failRequestsContaining(
        "text number 5", 3, new ServerException("boom", new ErrorContext("fake", 503, "r"), null));
    try (EmbedderClient embedder = client(config)) {
      CompletableFuture<List<float[]>> call = embedder.createBatchAsync(texts(10));
      scheduler.advance(Duration.ofSeconds(30));

      assertThat(call).isCompletedExceptionally();
      assertThatThrownBy(call::join)
          .cause()
          .isInstanceOfSatisfying(
              EmbeddingBatchException.class,
              e -> {
                assertThat(e.inputIndexes()).containsExactly(4, 5, 6, 7);
                assertThat(e.firstIndex()).isEqualTo(4);
                assertThat(e.lastIndex()).isEqualTo(7);
                assertThat(e.batchSize()).isEqualTo(10);
                assertThat(e.httpStatus()).isEqualTo(503);
                assertThat(e.isRetryable()).isFalse();
                assertThat(e.getCause()).isInstanceOf(ServerException.class);
                assertThat(e)
                    .hasMessageStartingWith(
                        "Embedding inputs 4 to 7 (inclusive) of a batch of 10 failed");
              });
    }
    // The other two parts succeeded, yet no shorter list came back: 2 + 1 + 2 retries.
    assertThat(backend.requests()).hasSize(5);
  }

  /** Fails the first {@code times} requests that carry this input; answers the rest. */
  private void failRequestsContaining(String input, int times, RuntimeException failure) {
    AtomicInteger left = new AtomicInteger(times);
    for (int i = 0; i < 50; i++) {
      backend.enqueue(
          r -> {
            if (r.inputs().contains(input) && left.getAndDecrement() > 0) {
              throw failure;
            }
            return deterministic(r);
          });
    }
  }

  @Test
  void aNonRetryableFailureIsNotRetried() {
    backend.enqueueFailure(
        new InvalidRequestException(
            "bad input", new ErrorContext("fake", 400, null), "input", null, null));
    try (EmbedderClient embedder = client(EmbedderConfig.getDefault())) {
      assertThatThrownBy(() -> embedder.createBatch(List.of("a", "b")))
          .isInstanceOf(EmbeddingBatchException.class)
          .cause()
          .isInstanceOf(InvalidRequestException.class);
    }
    assertThat(backend.requests()).hasSize(1);
  }

  @Test
  void createReportsTheRequestsOwnExceptionType() {
    backend.enqueueFailure(
        new InvalidRequestException(
            "bad input", new ErrorContext("fake", 400, null), "input", null, null));
    try (EmbedderClient embedder = client(EmbedderConfig.getDefault())) {
      assertThatThrownBy(() -> embedder.create("a"))
          .isExactlyInstanceOf(InvalidRequestException.class);
    }
  }

  @Test
  void theDeadlineFailsACallWhoseRequestsNeverAnswer() {
    backend.deferReplies(true);
    RetryPolicy policy = RetryPolicy.builder().deadline(Duration.ofSeconds(5)).build();
    try (EmbedderClient embedder =
        builder().retryPolicy(policy).config(EmbedderConfig.getDefault()).build()) {
      CompletableFuture<List<float[]>> call = embedder.createBatchAsync(List.of("a"));
      scheduler.advance(Duration.ofSeconds(5));

      assertThatThrownBy(call::join)
          .cause()
          .isInstanceOf(LlmTimeoutException.class)
          .hasMessageContaining("1 of 1 requests unfinished");
      // A late reply changes nothing.
      backend.completePending();
      assertThat(call).isCompletedExceptionally();
    }
  }

  @Test
  void closingFailsCallsInFlightAndClosesTheBackend() {
    backend.deferReplies(true);
    EmbedderClient embedder = client(EmbedderConfig.getDefault());
    CompletableFuture<List<float[]>> call = embedder.createBatchAsync(List.of("a"));

    embedder.close();

    assertThatThrownBy(call::join).cause().isInstanceOf(LlmConnectionException.class);
    assertThat(backend.isClosed()).isTrue();
    assertThatThrownBy(() -> embedder.create("b"))
        .isInstanceOf(LlmConnectionException.class)
        .hasMessageContaining("LlmClients.embedder()");
  }

  // ---- cache, usage, tracing -----------------------------------------------------------------

  @Test
  void aPartlyCachedBatchSendsOnlyTheMisses() {
    try (EmbedderClient embedder =
        builder().enableCache().config(EmbedderConfig.getDefault()).build()) {
      List<float[]> first = embedder.createBatch(List.of("a", "b"));
      List<float[]> second = embedder.createBatch(List.of("b", "c", "a", "d"));

      assertThat(backend.requests()).hasSize(2);
      assertThat(backend.lastRequest().inputs()).containsExactly("c", "d");
      assertThat(second.get(0)).containsExactly(first.get(1));
      assertThat(second.get(2)).containsExactly(first.get(0));
      assertThat(second.get(1)).containsExactly(ScriptedEmbeddingBackend.vectorOf("c", 1536));

      embedder.createBatch(List.of("d", "c"));
      assertThat(backend.requests()).hasSize(2);
    }
  }

  @Test
  void theCacheKeySeparatesModelsAndDimensions() {
    CaffeineResponseCache shared = new CaffeineResponseCache(100, Duration.ofMinutes(1));
    EmbedderClient a = built(builder().cache(shared), EmbedderConfig.builder().dimensions(8));
    EmbedderClient b = built(builder().cache(shared), EmbedderConfig.builder().dimensions(16));
    EmbedderClient c =
        built(builder().cache(shared), EmbedderConfig.builder().model("other").dimensions(8));

    a.create("same text");
    assertThat(b.create("same text")).hasSize(16);
    c.create("same text");
    a.create("same text");

    assertThat(backend.requests()).hasSize(3);
    assertThat(EmbeddingCacheKey.of("fake", URI.create("http://a"), "m", 8, "t"))
        .isNotEqualTo(EmbeddingCacheKey.of("fake", URI.create("http://b"), "m", 8, "t"))
        .isNotEqualTo(EmbeddingCacheKey.of("other", URI.create("http://a"), "m", 8, "t"))
        .isNotEqualTo(EmbeddingCacheKey.of("fake", URI.create("http://a"), "m", null, "t"))
        .isEqualTo(EmbeddingCacheKey.of("fake", URI.create("http://a"), "m", 8, "t"));
  }

  private static EmbedderClient built(EmbedderClientBuilder b, EmbedderConfig.Builder config) {
    return b.config(config.build()).build();
  }

  @Test
  void usageIsRecordedOncePerCallUnderThePromptName() {
    TokenUsageTracker usage = new TokenUsageTracker();
    EmbedderConfig config = EmbedderConfig.builder().maxInputsPerRequest(2).build();
    try (EmbedderClient embedder =
        builder().config(config).tokenUsageTracker(usage).promptName("embed_nodes").build()) {
      // 3 parts: 8 chars -> 2 tokens each, 5 inputs -> 10 tokens.
      embedder.createBatch(List.of("aaaaaaaa", "bbbbbbbb", "cccccccc", "dddddddd", "eeeeeeee"));
    }
    PromptTokenUsage recorded = usage.usage("embed_nodes");
    assertThat(recorded.callCount()).isEqualTo(1);
    assertThat(recorded.inputTokens()).isEqualTo(10);
    assertThat(recorded.outputTokens()).isZero();
  }

  @Test
  void everyRequestIsAClientSpanUnderOneEmbedSpan() {
    RecordingTracer tracer = new RecordingTracer();
    backend.enqueueFailure(new ServerException("boom", new ErrorContext("fake", 500, null), null));
    backend.info(
        new BackendInfo(
            "azure", "azure.ai.openai", URI.create("http://127.0.0.1:8443"), "emb-deploy", null));
    EmbedderConfig config = EmbedderConfig.builder().dimensions(32).maxInputsPerRequest(2).build();
    try (EmbedderClient embedder =
        builder().config(config).tracer(tracer).spanPrefix("graphiti").build()) {
      CompletableFuture<List<float[]>> call = embedder.createBatchAsync(List.of("a", "b", "c"));
      scheduler.advance(Duration.ofSeconds(1));
      call.join();
    }
    RecordingTracer.RecordedSpan root = tracer.only();
    assertThat(root.name).isEqualTo("graphiti.llm.embed");
    assertThat(root.kind).isEqualTo(SpanKind.INTERNAL);
    assertThat(root.status).isEqualTo(SpanStatus.OK);
    assertThat(root.ends).isEqualTo(1);
    assertThat(root.attributes)
        .containsEntry("llm.provider", "azure")
        .containsEntry("gen_ai.request.model", "emb-deploy")
        .containsEntry("llmclient.embeddings.inputs", 3L)
        .containsEntry("llmclient.embeddings.requests", 2L)
        .containsEntry("llmclient.attempts", 3L)
        .containsEntry("prompt.name", "embeddings");
    assertThat(root.events).contains("llmclient.retry");
    assertThat(root.children).hasSize(3);
    assertThat(root.children)
        .allSatisfy(
            child -> {
              assertThat(child.name).isEqualTo("embeddings emb-deploy");
              assertThat(child.kind).isEqualTo(SpanKind.CLIENT);
              assertThat(child.ends).isEqualTo(1);
              assertThat(child.attributes)
                  .containsEntry("gen_ai.operation.name", "embeddings")
                  .containsEntry("gen_ai.provider.name", "azure.ai.openai")
                  .containsEntry("gen_ai.request.model", "emb-deploy")
                  .containsEntry("server.address", "127.0.0.1")
                  .containsEntry("server.port", 8443L)
                  .containsEntry("gen_ai.embeddings.dimension.count", 32);
            });
    assertThat(root.children.get(0).status).isEqualTo(SpanStatus.ERROR);
    assertThat(root.children.get(0).attributes)
        .containsEntry("error.type", ServerException.class.getName());
    List<Object> tokens = new ArrayList<>();
    root.children.stream()
        .filter(c -> c.status == SpanStatus.OK)
        .forEach(c -> tokens.add(c.attributes.get("gen_ai.usage.input_tokens")));
    assertThat(tokens).containsExactlyInAnyOrder(2L, 1L);
    assertThat(backend.requests())
        .allSatisfy(r -> assertThat(r.headers()).containsKey("traceparent"));
  }

  @Test
  void aThrowingTracerNeverBreaksAnEmbedding() {
    try (EmbedderClient embedder =
        builder()
            .tracer(RecordingTracer.throwingEverywhere())
            .config(EmbedderConfig.getDefault())
            .build()) {
      assertThat(embedder.createBatch(List.of("a", "b"))).hasSize(2);
    }
  }

  private static EmbeddingResult deterministic(EmbeddingRequest r) {
    List<float[]> vectors =
        r.inputs().stream().map(s -> ScriptedEmbeddingBackend.vectorOf(s, 1536)).toList();
    return new EmbeddingResult(vectors, Usage.of(r.inputs().size(), 0), r.model(), "req-ok");
  }
}
