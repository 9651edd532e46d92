package dev.llmclient.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmclient.api.CallCancelledException;
import dev.llmclient.api.EmbedderClient;
import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmRequest;
import dev.llmclient.api.LlmResponse;
import dev.llmclient.api.LlmTimeoutException;
import dev.llmclient.api.Message;
import dev.llmclient.api.ServerException;
import dev.llmclient.api.Usage;
import dev.llmclient.api.spi.EmbeddingBackend;
import dev.llmclient.api.spi.EmbeddingRequest;
import dev.llmclient.api.spi.EmbeddingResult;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.api.spi.SpanStatus;
import dev.llmclient.api.spi.Tracer;
import dev.llmclient.testkit.ScriptedEmbeddingBackend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Giving up on a call stops it: cancelling its future (or {@code orTimeout} on it), or interrupting
 * the thread blocked in {@code generate()}/{@code create()}, cancels the exchange, the pending
 * retry or re-ask and the deadline timer, so nothing more is sent; the span ends and the usage so
 * far is recorded. Virtual time except where {@code orTimeout} needs the JDK's own timer.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CancellationTest {

  private static final String PROMPT = "cancel-me";

  private final PendingChatBackend backend = new PendingChatBackend();
  private final ManualScheduler scheduler = new ManualScheduler();
  private final RecordingTracer tracer = new RecordingTracer();
  private final TokenUsageTracker tracker = new TokenUsageTracker();

  private LlmClient client() {
    return LlmClients.builder()
        .backend(backend)
        .settings(ProviderSettings.empty())
        .tracer(tracer)
        .tokenUsageTracker(tracker)
        .clock(scheduler.clock())
        .scheduler(scheduler)
        .random(() -> 0.0)
        .build();
  }

  private static LlmRequest<Map<String, Object>> request() {
    return LlmRequest.builder().addMessage(Message.user("q")).promptName(PROMPT).build();
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean() && System.nanoTime() < until) {
      Thread.sleep(5);
    }
    assertThat(condition.getAsBoolean()).as("reached within 10 s").isTrue();
  }

  private void assertSpanEndedWith(Class<? extends Throwable> reason) {
    RecordingTracer.RecordedSpan span = tracer.only();
    assertThat(span.ends).isEqualTo(1);
    assertThat(span.status).isEqualTo(SpanStatus.ERROR);
    assertThat(span.exceptions).singleElement().isInstanceOf(reason);
  }

  // ---- chat ----------------------------------------------------------------------------------

  @Test
  void asyncCallsShareTheClientsOneDeadlineTimerAndLeaveNoneBehind() {
    LlmClient client = client();
    List<CompletableFuture<LlmResponse<Map<String, Object>>>> calls = new java.util.ArrayList<>();
    for (int i = 0; i < 50; i++) {
      calls.add(client.generateAsync(request()));
    }
    assertThat(scheduler.requestedDelays())
        .as("one timer for 50 calls, due at the first one's deadline")
        .containsExactly(Duration.ofMinutes(10));
    calls.forEach(f -> f.cancel(true));
    assertThat(scheduler.pending()).isEqualTo(1);

    CompletableFuture<LlmResponse<Map<String, Object>>> late = client.generateAsync(request());
    scheduler.advance(Duration.ofMinutes(10));
    assertThat(late)
        .as("started at the same virtual instant, so due with the first")
        .isCompletedExceptionally();
    assertThat(scheduler.pending()).isZero();
  }

  @Test
  void closingTheClientCancelsItsDeadlineTimerOnASchedulerItDoesNotOwn() {
    LlmClient client = client();
    CompletableFuture<LlmResponse<Map<String, Object>>> f = client.generateAsync(request());
    assertThat(scheduler.pending()).isEqualTo(1);

    client.close();

    assertThat(f).isCompletedExceptionally();
    assertThat(scheduler.pending()).isZero();
  }

  @Test
  void theClientsTimerFailsEachCallAtItsOwnDeadline() {
    LlmClient client = client();
    CompletableFuture<LlmResponse<Map<String, Object>>> first = client.generateAsync(request());
    scheduler.advance(Duration.ofMinutes(4));
    CompletableFuture<LlmResponse<Map<String, Object>>> second = client.generateAsync(request());
    assertThat(scheduler.requestedDelays()).hasSize(1);

    scheduler.advance(Duration.ofMinutes(6));
    assertThat(first).isCompletedExceptionally();
    assertThat(second).as("4 minutes younger").isNotDone();
    assertThat(scheduler.pending()).as("set again for the second call").isEqualTo(1);

    scheduler.advance(Duration.ofMinutes(4).minusNanos(1));
    assertThat(second).isNotDone();
    scheduler.advance(Duration.ofNanos(1));
    assertThatThrownBy(second::join).hasCauseInstanceOf(LlmTimeoutException.class);
    assertThat(scheduler.pending()).isZero();
  }

  @Test
  void cancellingTheFutureCancelsTheExchangeAndTheDeadlineTimer() {
    CompletableFuture<LlmResponse<Map<String, Object>>> f = client().generateAsync(request());
    assertThat(backend.count()).isEqualTo(1);
    assertThat(scheduler.pending()).as("the deadline timer").isEqualTo(1);

    assertThat(f.cancel(true)).isTrue();

    assertThat(backend.exchange(0)).isCancelled();
    assertNoTimerLeftBehind();
    assertSpanEndedWith(CancellationException.class);
    assertThat(tracker.usage(PROMPT).callCount()).isEqualTo(1);
  }

  @Test
  void cancellingDuringTheWaitForARetryMeansTheRetryIsNeverSent() {
    CompletableFuture<LlmResponse<Map<String, Object>>> f = client().generateAsync(request());
    backend.exchange(0).completeExceptionally(new ServerException("503"));
    assertThat(scheduler.pending()).as("the deadline timer and the retry").isEqualTo(2);

    f.cancel(true);

    assertThat(scheduler.pending()).as("the retry is cancelled").isLessThanOrEqualTo(1);
    assertNoTimerLeftBehind();
    scheduler.advance(Duration.ofMinutes(15));
    assertThat(backend.count()).isEqualTo(1);
  }

  @Test
  void cancellingWhileAReAskIsInFlightCancelsItAndRecordsTheUsageSoFar() {
    CompletableFuture<LlmResponse<Map<String, Object>>> f = client().generateAsync(request());
    backend.exchange(0).complete(PendingChatBackend.answer("not json", Usage.of(10, 5)));
    assertThat(backend.count()).as("the re-ask").isEqualTo(2);

    f.cancel(true);

    assertThat(backend.exchange(1)).isCancelled();
    scheduler.advance(Duration.ofMinutes(15));
    assertThat(backend.count()).isEqualTo(2);
    assertThat(tracker.usage(PROMPT).inputTokens()).isEqualTo(10);
    assertThat(tracker.usage(PROMPT).outputTokens()).isEqualTo(5);
  }

  @Test
  void orTimeoutOnTheFutureCancelsTheCallLikeCancel() throws Exception {
    CompletableFuture<LlmResponse<Map<String, Object>>> f =
        client().<Map<String, Object>>generateAsync(request()).orTimeout(50, TimeUnit.MILLISECONDS);

    ExecutionException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
    assertThat(e).hasCauseInstanceOf(TimeoutException.class);

    await(() -> backend.exchange(0).isCancelled());
    await(() -> tracer.only().ends == 1);
    assertSpanEndedWith(TimeoutException.class);
  }

  @Test
  void completingTheFutureFromOutsideAlsoStopsTheCall() {
    CompletableFuture<LlmResponse<Map<String, Object>>> f = client().generateAsync(request());

    f.completeExceptionally(new IllegalStateException("the caller gave up"));

    assertThat(backend.exchange(0)).isCancelled();
    assertNoTimerLeftBehind();
  }

  @Test
  void anInterruptedBlockingGenerateCancelsTheCallKeepsTheFlagAndThrowsATypedException()
      throws Exception {
    LlmClient client = client();
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    AtomicBoolean stillInterrupted = new AtomicBoolean();
    Thread caller =
        new Thread(
            () -> {
              try {
                client.generate(request());
              } catch (Throwable t) {
                stillInterrupted.set(Thread.currentThread().isInterrupted());
                thrown.set(t);
              }
            },
            "blocked-caller");
    caller.setDaemon(true);
    caller.start();
    await(() -> backend.count() == 1);

    caller.interrupt();
    caller.join(10_000);

    assertThat(caller.isAlive()).as("the caller stopped waiting").isFalse();
    assertThat(thrown.get())
        .isInstanceOf(CallCancelledException.class)
        .hasMessageContaining("interrupted")
        .hasMessageContaining("cancelled");
    assertThat(((CallCancelledException) thrown.get()).isRetryable()).isFalse();
    assertThat(stillInterrupted).isTrue();
    assertThat(backend.exchange(0)).isCancelled();
    assertSpanEndedWith(CancellationException.class);
  }

  // ---- embeddings ----------------------------------------------------------------------------

  /** Embedding requests that stay pending until the test completes or fails them. */
  private static final class PendingEmbeddings implements EmbeddingBackend {
    final List<CompletableFuture<EmbeddingResult>> exchanges = new ArrayList<>();

    @Override
    public dev.llmclient.api.spi.BackendInfo info() {
      return ScriptedEmbeddingBackend.INFO;
    }

    @Override
    public synchronized CompletableFuture<EmbeddingResult> embed(EmbeddingRequest request) {
      CompletableFuture<EmbeddingResult> f = new CompletableFuture<>();
      exchanges.add(f);
      return f;
    }

    synchronized int count() {
      return exchanges.size();
    }

    synchronized CompletableFuture<EmbeddingResult> exchange(int i) {
      return exchanges.get(i);
    }

    @Override
    public void close() {}
  }

  private final PendingEmbeddings embeddings = new PendingEmbeddings();

  private EmbedderClient embedder() {
    return LlmClients.embedder()
        .backend(embeddings)
        .settings(ProviderSettings.empty())
        .tracer(Tracer.noop())
        .clock(scheduler.clock())
        .scheduler(scheduler)
        .random(() -> 0.0)
        .build();
  }

  @Test
  void cancellingAnEmbeddingCallCancelsItsRequestAndItsRetry() {
    EmbedderClient embedder = embedder();
    CompletableFuture<List<float[]>> batch = embedder.createBatchAsync(List.of("a"));
    embeddings.exchange(0).completeExceptionally(new ServerException("503"));
    assertThat(scheduler.pending()).as("the deadline timer and the retry").isEqualTo(2);

    batch.cancel(true);

    assertThat(scheduler.pending()).as("the retry is cancelled").isLessThanOrEqualTo(1);
    scheduler.advance(Duration.ofMinutes(15));
    assertThat(scheduler.pending()).as("the client's timer is not set again").isZero();
    assertThat(embeddings.count()).isEqualTo(1);

    CompletableFuture<float[]> single = embedder.createAsync("b");
    assertThat(embeddings.count()).isEqualTo(2);
    single.cancel(true);
    assertThat(embeddings.exchange(1)).isCancelled();
    assertNoTimerLeftBehind();
  }

  @Test
  void anInterruptedBlockingCreateCancelsTheRequestAndThrowsATypedException() throws Exception {
    EmbedderClient embedder = embedder();
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    AtomicBoolean stillInterrupted = new AtomicBoolean();
    Thread caller =
        new Thread(
            () -> {
              try {
                embedder.create("a");
              } catch (Throwable t) {
                stillInterrupted.set(Thread.currentThread().isInterrupted());
                thrown.set(t);
              }
            },
            "blocked-caller");
    caller.setDaemon(true);
    caller.start();
    await(() -> embeddings.count() == 1);

    caller.interrupt();
    caller.join(10_000);

    assertThat(caller.isAlive()).isFalse();
    assertThat(thrown.get()).isInstanceOf(CallCancelledException.class);
    assertThat(stillInterrupted).isTrue();
    assertThat(embeddings.exchange(0)).isCancelled();
  }

  /**
   * No timer of the call is left behind: at most the client's one deadline timer is pending, and
   * when it runs at the deadline it finds no call and is not set again (before the client kept one
   * timer, this was "nothing pending": each call's own timer, cancelled).
   */
  private void assertNoTimerLeftBehind() {
    assertThat(scheduler.pending())
        .as("at most the client's one deadline timer")
        .isLessThanOrEqualTo(1);
    scheduler.advance(Duration.ofMinutes(11)); // past the 10-minute default deadline
    assertThat(scheduler.pending()).as("the client's timer is not set again").isZero();
  }
}
