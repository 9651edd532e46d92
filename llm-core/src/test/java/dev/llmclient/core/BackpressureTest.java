package dev.llmclient.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmclient.api.EmbedderClient;
import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmConfigurationException;
import dev.llmclient.api.LlmRequest;
import dev.llmclient.api.LlmResponse;
import dev.llmclient.api.LlmTimeoutException;
import dev.llmclient.api.Message;
import dev.llmclient.api.ServerException;
import dev.llmclient.api.TooManyCallsException;
import dev.llmclient.api.Usage;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.api.spi.Tracer;
import dev.llmclient.testkit.ScriptedEmbeddingBackend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A client runs a bounded number of calls and queues a bounded number more; beyond that a call
 * fails at once with {@link TooManyCallsException}. A call keeps its place across retries and
 * re-asks; an embedding retry queues ahead of new work. Virtual time.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BackpressureTest {

  private final PendingChatBackend backend = new PendingChatBackend();
  private final ManualScheduler scheduler = new ManualScheduler();

  private LlmClient client(int inFlight, int queued) {
    return LlmClients.builder()
        .backend(backend)
        .settings(ProviderSettings.empty())
        .config(LlmConfig.builder().maxConcurrentCalls(inFlight).maxQueuedCalls(queued).build())
        .tracer(Tracer.noop())
        .clock(scheduler.clock())
        .scheduler(scheduler)
        .random(() -> 0.0)
        .build();
  }

  private static LlmRequest<Map<String, Object>> request(String text) {
    return LlmRequest.builder().addMessage(Message.user(text)).build();
  }

  private static String sent(PendingChatBackend backend, int i) {
    var messages = backend.requests().get(i).messages();
    return messages.get(0).content();
  }

  private static void answer(CompletableFuture<dev.llmclient.api.spi.ChatCompletion> exchange) {
    exchange.complete(PendingChatBackend.answer("{}", Usage.of(1, 1)));
  }

  @Test
  void beyondTheQueueACallFailsAtOnceNamingTheLimitsToRaise() {
    LlmClient llm = client(2, 3);
    List<CompletableFuture<LlmResponse<Map<String, Object>>>> calls = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      calls.add(llm.generateAsync(request("call " + i)));
    }

    assertThat(backend.count()).as("two in flight").isEqualTo(2);
    assertThat(calls.subList(0, 5)).allSatisfy(f -> assertThat(f).isNotDone());
    assertThat(calls.get(5)).isCompletedExceptionally();
    assertThatThrownBy(calls.get(5)::join)
        .isInstanceOf(CompletionException.class)
        .cause()
        .isExactlyInstanceOf(TooManyCallsException.class)
        .hasMessageContaining("2 calls in flight and 3 waiting")
        .hasMessageContaining("LLM_MAX_QUEUED_CALLS")
        .hasMessageContaining("LLM_MAX_CONCURRENT_CALLS")
        .satisfies(e -> assertThat(((TooManyCallsException) e).isRetryable()).isFalse());

    // a finished call lets the oldest waiting one go, in order
    answer(backend.exchange(0));
    assertThat(calls.get(0)).isCompleted();
    assertThat(backend.count()).isEqualTo(3);
    assertThat(sent(backend, 2)).isEqualTo("call 2");
    assertThat(llm.generateAsync(request("call 6"))).isNotDone();
  }

  @Test
  void aRetryKeepsItsPlaceSoItIsNeverQueuedBehindNewerCalls() {
    LlmClient llm = client(1, 10);
    CompletableFuture<LlmResponse<Map<String, Object>>> first = llm.generateAsync(request("A"));
    CompletableFuture<LlmResponse<Map<String, Object>>> second = llm.generateAsync(request("B"));
    backend.exchange(0).completeExceptionally(new ServerException("503"));

    // during A's backoff B still waits: A holds the only place
    assertThat(backend.count()).isEqualTo(1);
    scheduler.advance(Duration.ofMillis(500));
    assertThat(backend.count()).isEqualTo(2);
    assertThat(sent(backend, 1)).isEqualTo("A");

    answer(backend.exchange(1));
    assertThat(first).isCompleted();
    assertThat(sent(backend, 2)).isEqualTo("B");
    answer(backend.exchange(2));
    assertThat(second).isCompleted();
  }

  @Test
  void aCallWhoseDeadlinePassesInTheQueueFailsAndIsNeverSent() {
    LlmClient llm =
        LlmClients.builder()
            .backend(backend)
            .settings(ProviderSettings.empty())
            .config(LlmConfig.builder().maxConcurrentCalls(1).build())
            .retryPolicy(RetryPolicy.builder().deadline(Duration.ofSeconds(5)).build())
            .tracer(Tracer.noop())
            .clock(scheduler.clock())
            .scheduler(scheduler)
            .build();
    llm.generateAsync(request("A"));
    CompletableFuture<LlmResponse<Map<String, Object>>> waiting = llm.generateAsync(request("B"));

    scheduler.advance(Duration.ofSeconds(5));

    assertThat(waiting).isCompletedExceptionally();
    assertThatThrownBy(waiting::join).cause().isExactlyInstanceOf(LlmTimeoutException.class);
    CompletableFuture<LlmResponse<Map<String, Object>>> next = llm.generateAsync(request("C"));
    assertThat(backend.count()).as("A timed out too, and freed its place for C").isEqualTo(2);
    assertThat(sent(backend, 1)).isEqualTo("C");
    assertThat(next).isNotDone();
  }

  @Test
  void aCancelledWaitingCallGivesItsPlaceBackAndIsNeverSent() {
    LlmClient llm = client(1, 1);
    llm.generateAsync(request("A"));
    CompletableFuture<LlmResponse<Map<String, Object>>> waiting = llm.generateAsync(request("B"));
    assertThat(llm.generateAsync(request("C"))).isCompletedExceptionally();

    waiting.cancel(true);
    answer(backend.exchange(0));

    assertThat(backend.count()).isEqualTo(1);
    llm.generateAsync(request("D"));
    assertThat(sent(backend, 1)).isEqualTo("D");
  }

  @Test
  void theLimitsComeFromTheSettingsAndAreValidated() {
    LlmConfig fromSettings =
        LlmConfig.getDefault()
            .withDefaultsFrom(
                ProviderSettings.of(
                    Map.of("LLM_MAX_CONCURRENT_CALLS", "8", "LLM_MAX_QUEUED_CALLS", "0")));
    assertThat(fromSettings.maxConcurrentCalls()).isEqualTo(8);
    assertThat(fromSettings.maxQueuedCalls()).isZero();
    assertThat(LlmConfig.getDefault().maxConcurrentCalls()).isEqualTo(256);
    assertThat(LlmConfig.getDefault().maxQueuedCalls()).isEqualTo(10_000);
    assertThatThrownBy(
            () ->
                LlmConfig.getDefault()
                    .withDefaultsFrom(ProviderSettings.of(Map.of("LLM_MAX_CONCURRENT_CALLS", "0"))))
        .isInstanceOf(LlmConfigurationException.class)
        .hasMessageContaining("maxConcurrentCalls (LLM_MAX_CONCURRENT_CALLS) must be 1 to 100000");
  }

  @Test
  void withoutAQueueOnlyTheCallsInFlightAreAccepted() {
    LlmClient llm = client(1, 0);
    CompletableFuture<LlmResponse<Map<String, Object>>> first = llm.generateAsync(request("A"));
    assertThat(llm.generateAsync(request("B"))).isCompletedExceptionally();
    answer(backend.exchange(0));
    assertThat(first).isCompleted();
    assertThat(llm.generateAsync(request("C"))).isNotDone();
    assertThat(backend.count()).isEqualTo(2);
  }

  // ---- embeddings ----------------------------------------------------------------------------

  @Test
  void anEmbeddingRetryQueuesAheadOfNewerWorkAndAFullQueueRefusesNewCalls() {
    ScriptedEmbeddingBackend embeddings = new ScriptedEmbeddingBackend().deferReplies(true);
    EmbedderClient embedder =
        LlmClients.embedder()
            .backend(embeddings)
            .settings(ProviderSettings.empty())
            .tracer(Tracer.noop())
            .clock(scheduler.clock())
            .scheduler(scheduler)
            .random(() -> 0.0)
            .config(
                EmbedderConfig.builder()
                    .dimensions(4)
                    .maxConcurrentRequests(1)
                    .maxQueuedRequests(2)
                    .build())
            .build();
    embeddings.enqueueFailure(new ServerException("503"));
    CompletableFuture<List<float[]>> a = embedder.createBatchAsync(List.of("a"));
    embeddings.completePending(); // a fails; its retry waits 500 ms
    CompletableFuture<List<float[]>> b = embedder.createBatchAsync(List.of("b"));
    CompletableFuture<List<float[]>> c = embedder.createBatchAsync(List.of("c"));
    CompletableFuture<List<float[]>> d = embedder.createBatchAsync(List.of("d"));
    assertThat(embeddings.requests()).hasSize(2); // a, then b in flight; c and d wait

    CompletableFuture<List<float[]>> refused = embedder.createBatchAsync(List.of("e"));
    assertThat(refused).isCompletedExceptionally();
    assertThatThrownBy(refused::join)
        .cause()
        .isExactlyInstanceOf(TooManyCallsException.class)
        .hasMessageContaining("EMBEDDING_MAX_QUEUED_REQUESTS");

    scheduler.advance(Duration.ofMillis(500)); // a's retry queues ahead of c and d
    embeddings.completePending(); // b answers; the retry of a goes next
    assertThat(embeddings.lastRequest().inputs()).containsExactly("a");
    embeddings.completePending();
    embeddings.completePending();
    embeddings.completePending();
    assertThat(List.of(a, b, c, d)).allSatisfy(f -> assertThat(f).isCompleted());
    assertThat(embeddings.requests().stream().map(r -> r.inputs().get(0)))
        .containsExactly("a", "b", "a", "c", "d");
  }
}
