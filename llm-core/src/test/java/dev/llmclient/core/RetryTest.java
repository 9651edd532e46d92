package dev.llmclient.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmclient.api.AuthenticationException;
import dev.llmclient.api.ConflictException;
import dev.llmclient.api.ContentFilterException;
import dev.llmclient.api.ContextLengthExceededException;
import dev.llmclient.api.ErrorContext;
import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmConnectionException;
import dev.llmclient.api.LlmException;
import dev.llmclient.api.LlmRequest;
import dev.llmclient.api.LlmResponse;
import dev.llmclient.api.LlmTimeoutException;
import dev.llmclient.api.Message;
import dev.llmclient.api.NotFoundException;
import dev.llmclient.api.RateLimitException;
import dev.llmclient.api.ServerException;
import dev.llmclient.api.spi.BackendInfo;
import dev.llmclient.api.spi.ChatBackend;
import dev.llmclient.api.spi.ChatCompletion;
import dev.llmclient.api.spi.ChatCompletionRequest;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.testkit.ScriptedChatBackend;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Transport retries on virtual time: nothing sleeps, every wait is read off the scheduler. */
class RetryTest {

  private final ScriptedChatBackend backend = new ScriptedChatBackend();
  private final ManualScheduler scheduler = new ManualScheduler();
  private final RecordingTracer tracer = new RecordingTracer();

  private LlmClient client(RetryPolicy policy) {
    return client(policy, backend);
  }

  private LlmClient client(RetryPolicy policy, ChatBackend chat) {
    return LlmClients.builder()
        .backend(chat)
        .settings(ProviderSettings.empty())
        .tracer(tracer)
        .retryPolicy(policy)
        .clock(scheduler.clock())
        .scheduler(scheduler)
        .random(() -> 0.0)
        .build();
  }

  private static CompletableFuture<LlmResponse<Map<String, Object>>> call(LlmClient client) {
    return client.generateAsync(LlmRequest.builder().addMessage(Message.user("q")).build());
  }

  private static RateLimitException rateLimited(@Nullable Duration retryAfter) {
    return new RateLimitException(
        "429 from the server", new ErrorContext("fake", 429, "req-429"), retryAfter, null);
  }

  /** The waits the pipeline scheduled, without the deadline timer that comes first. */
  private List<Duration> retryWaits() {
    List<Duration> all = scheduler.requestedDelays();
    return all.subList(1, all.size());
  }

  @Test
  void aServerWaitInSecondsIsHonouredExactlyAndNothingRunsBeforeIt() {
    backend.enqueueFailure(rateLimited(Duration.ofSeconds(2))).enqueueContent("{\"ok\":true}");

    CompletableFuture<LlmResponse<Map<String, Object>>> f = call(client(RetryPolicy.getDefault()));

    assertThat(f).isNotDone();
    scheduler.advance(Duration.ofMillis(1999));
    assertThat(backend.requests()).hasSize(1);
    scheduler.advance(Duration.ofMillis(1));
    assertThat(f).isCompleted();
    assertThat(f.join().attempts()).isEqualTo(2);
    assertThat(retryWaits()).containsExactly(Duration.ofSeconds(2));
  }

  @Test
  void aServiceUnavailableWithRetryAfterWaitsAsLongAsTheServerAsked() {
    backend
        .enqueueFailure(
            new dev.llmclient.api.ServerException(
                "503 from the server",
                new ErrorContext("fake", 503, "req-503"),
                Duration.ofSeconds(3),
                null))
        .enqueueContent("{}");

    CompletableFuture<?> f = call(client(RetryPolicy.getDefault()));
    scheduler.advance(Duration.ofMillis(2999));
    assertThat(backend.requests()).hasSize(1);
    scheduler.advance(Duration.ofMillis(1));

    assertThat(f).isCompleted();
    assertThat(retryWaits()).containsExactly(Duration.ofSeconds(3));
  }

  @Test
  void aMillisecondServerWaitIsHonoured() {
    backend.enqueueFailure(rateLimited(Duration.ofMillis(1500))).enqueueContent("{}");

    CompletableFuture<?> f = call(client(RetryPolicy.getDefault()));
    scheduler.advance(Duration.ofMillis(1500));

    assertThat(f).isCompleted();
    assertThat(retryWaits()).containsExactly(Duration.ofMillis(1500));
  }

  @Test
  void aZeroServerWaitRetriesAtOnce() {
    backend.enqueueFailure(rateLimited(Duration.ZERO)).enqueueContent("{}");

    CompletableFuture<?> f = call(client(RetryPolicy.getDefault()));
    scheduler.advance(Duration.ZERO);

    assertThat(f).isCompleted();
    assertThat(retryWaits()).containsExactly(Duration.ZERO);
  }

  @Test
  void aServerWaitAtTheCapIsHonoured() {
    backend.enqueueFailure(rateLimited(Duration.ofSeconds(60))).enqueueContent("{}");

    CompletableFuture<?> f = call(client(RetryPolicy.getDefault()));
    scheduler.advance(Duration.ofSeconds(60));

    assertThat(f).isCompleted();
  }

  @Test
  void aServerWaitLongerThanTheCapFailsAtOnceWithTheRateLimitAndItsWait() {
    RateLimitException tooLong = rateLimited(Duration.ofSeconds(61));
    backend.enqueueFailure(tooLong);

    CompletableFuture<?> f = call(client(RetryPolicy.getDefault()));

    assertThat(f).isCompletedExceptionally();
    assertThatThrownBy(f::join).isInstanceOf(CompletionException.class).cause().isSameAs(tooLong);
    assertThat(tooLong.retryAfter()).isEqualTo(Duration.ofSeconds(61));
    assertThat(backend.requests()).hasSize(1);
  }

  @Test
  void withoutAServerWaitTheBackoffIsExponentialFromHalfASecond() {
    backend
        .enqueueFailure(new ServerException("503"))
        .enqueueFailure(rateLimited(null))
        .enqueueContent("{}");

    CompletableFuture<?> f = call(client(RetryPolicy.getDefault()));
    scheduler.advance(Duration.ofMillis(500));
    assertThat(backend.requests()).hasSize(2);
    scheduler.advance(Duration.ofSeconds(1));

    assertThat(f).isCompleted();
    assertThat(retryWaits()).containsExactly(Duration.ofMillis(500), Duration.ofSeconds(1));
  }

  @Test
  void theBackoffIsCappedAtMaxBackoff() {
    for (int i = 0; i < 6; i++) {
      backend.enqueueFailure(new ServerException("500"));
    }
    backend.enqueueContent("{}");

    CompletableFuture<?> f = call(client(RetryPolicy.builder().maxRetries(6).build()));
    scheduler.advance(Duration.ofSeconds(60));

    assertThat(f).isCompleted();
    assertThat(retryWaits())
        .containsExactly(
            Duration.ofMillis(500),
            Duration.ofSeconds(1),
            Duration.ofSeconds(2),
            Duration.ofSeconds(4),
            Duration.ofSeconds(8),
            Duration.ofSeconds(8));
  }

  @Test
  void jitterOnlyShortensTheWaitWithinItsShare() {
    RetryPolicy policy = RetryPolicy.getDefault();

    assertThat(policy.backoff(0, 0.0)).isEqualTo(Duration.ofMillis(500));
    assertThat(policy.backoff(0, 0.5)).isEqualTo(Duration.ofMillis(375));
    assertThat(policy.backoff(1, 0.999)).isBetween(Duration.ofMillis(500), Duration.ofMillis(501));
    assertThat(policy.backoff(10, 0.0)).isEqualTo(Duration.ofSeconds(8));
  }

  @Test
  void whenRetriesAreSpentTheLastFailureIsThrownUnchanged() {
    ServerException last = new ServerException("third 503");
    backend
        .enqueueFailure(new ServerException("first"))
        .enqueueFailure(new ServerException("second"))
        .enqueueFailure(last);
    LlmClient client = client(RetryPolicy.getDefault());

    CompletableFuture<?> f = call(client);
    scheduler.advance(Duration.ofSeconds(10));

    assertThatThrownBy(f::join).cause().isSameAs(last);
    assertThat(backend.requests()).hasSize(3);
    assertThat(tracer.only().children).hasSize(3);
    assertThat(tracer.only().attributes).containsEntry("llmclient.attempts", 3L);
  }

  @Test
  void aRetryThatWouldPassTheDeadlineFailsWithATimeoutCarryingTheCause() {
    RateLimitException second = rateLimited(Duration.ofSeconds(4));
    backend.enqueueFailure(rateLimited(Duration.ofSeconds(4))).enqueueFailure(second);

    CompletableFuture<?> f =
        call(client(RetryPolicy.builder().deadline(Duration.ofSeconds(5)).build()));
    scheduler.advance(Duration.ofSeconds(4));

    assertThat(f).isCompletedExceptionally();
    assertThatThrownBy(f::join)
        .cause()
        .isExactlyInstanceOf(LlmTimeoutException.class)
        .hasMessageContaining("deadline of PT5S")
        .hasMessageContaining("RetryPolicy.deadline")
        .cause()
        .isSameAs(second);
    assertThat(backend.requests()).hasSize(2);
  }

  @Test
  void aRequestThatHangsIsEndedByTheDeadlineAndCancelled() {
    CompletableFuture<ChatCompletion> hanging = new CompletableFuture<>();
    ChatBackend stuck = backendAnswering(() -> hanging);

    CompletableFuture<?> f =
        call(client(RetryPolicy.builder().deadline(Duration.ofSeconds(30)).build(), stuck));
    scheduler.advance(Duration.ofSeconds(29));
    assertThat(f).isNotDone();
    scheduler.advance(Duration.ofSeconds(1));

    assertThatThrownBy(f::join)
        .cause()
        .isExactlyInstanceOf(LlmTimeoutException.class)
        .hasMessageContaining("did not finish within its deadline of PT30S");
    assertThat(hanging).isCancelled();
  }

  static Stream<LlmException> neverRetried() {
    return Stream.of(
        new AuthenticationException("401"),
        new NotFoundException("404"),
        new dev.llmclient.api.InvalidRequestException("400"),
        new ContextLengthExceededException("too long"),
        new ContentFilterException(
            "filtered", ErrorContext.NONE, ContentFilterException.Side.PROMPT, List.of(), null));
  }

  @ParameterizedTest
  @MethodSource("neverRetried")
  void clientErrorsAreNeverRetried(LlmException error) {
    backend.enqueueFailure(error);

    CompletableFuture<?> f = call(client(RetryPolicy.getDefault()));
    scheduler.advance(Duration.ofMinutes(1));

    assertThatThrownBy(f::join).cause().isSameAs(error);
    assertThat(backend.requests()).hasSize(1);
  }

  static Stream<LlmException> transient_() {
    return Stream.of(
        new LlmTimeoutException("408"),
        new ConflictException("409"),
        new ServerException("502"),
        new LlmConnectionException("reset"),
        rateLimited(null));
  }

  @ParameterizedTest
  @MethodSource("transient_")
  void transientFailuresAreRetried(LlmException error) {
    backend.enqueueFailure(error).enqueueContent("{}");

    CompletableFuture<LlmResponse<Map<String, Object>>> f = call(client(RetryPolicy.getDefault()));
    scheduler.advance(Duration.ofSeconds(1));

    assertThat(f.join().attempts()).isEqualTo(2);
  }

  @Test
  void eachRetryIsAnEventOnTheOuterSpanWithItsWait() {
    backend.enqueueFailure(rateLimited(Duration.ofMillis(700))).enqueueContent("{}");

    call(client(RetryPolicy.getDefault()));
    scheduler.advance(Duration.ofSeconds(1));

    RecordingTracer.RecordedSpan span = tracer.only();
    assertThat(span.events).containsExactly("llmclient.retry");
    assertThat(span.eventAttributes.get(0))
        .containsEntry("llmclient.wait_ms", 700L)
        .containsEntry("llmclient.attempt", 1L)
        .containsEntry("error.type", RateLimitException.class.getName());
    assertThat(span.children.get(0).attributes)
        .containsEntry("error.type", RateLimitException.class.getName());
    assertThat(span.children.get(0).exceptions).hasSize(1);
  }

  @Test
  void closingTheClientFailsACallWaitingForItsRetry() {
    backend.enqueueFailure(new ServerException("503"));
    LlmClient client = client(RetryPolicy.getDefault());

    CompletableFuture<?> f = call(client);
    client.close();

    assertThatThrownBy(f::join).cause().isExactlyInstanceOf(LlmConnectionException.class);
    scheduler.advance(Duration.ofSeconds(5));
    assertThat(backend.requests()).hasSize(1);
  }

  @Test
  void aReAskStartsAFreshRetryBudget() {
    backend
        .enqueueFailure(new ServerException("1"))
        .enqueueFailure(new ServerException("2"))
        .enqueueContent("not json")
        .enqueueFailure(new ServerException("3"))
        .enqueueFailure(new ServerException("4"))
        .enqueueContent("{\"ok\":1}");

    CompletableFuture<LlmResponse<Map<String, Object>>> f = call(client(RetryPolicy.getDefault()));
    scheduler.advance(Duration.ofSeconds(10));

    LlmResponse<Map<String, Object>> r = f.join();
    assertThat(r.attempts()).isEqualTo(6);
    assertThat(r.reasks()).isEqualTo(1);
  }

  @Test
  void retryPolicyValidationSaysWhatIsAllowed() {
    assertThatThrownBy(() -> RetryPolicy.builder().maxRetries(-1).build())
        .hasMessage("maxRetries must be 0 to 20, got -1");
    assertThatThrownBy(() -> RetryPolicy.builder().jitter(1.5).build())
        .hasMessage("jitter must be between 0.0 and 1.0, got 1.5");
    assertThatThrownBy(() -> RetryPolicy.builder().deadline(Duration.ZERO).build())
        .hasMessage("deadline must be positive, got PT0S");
    assertThat(RetryPolicy.getDefault().toBuilder().maxRetries(3).build().maxRetries())
        .isEqualTo(3);
  }

  private static ChatBackend backendAnswering(Supplier<CompletableFuture<ChatCompletion>> answer) {
    return new ChatBackend() {
      @Override
      public BackendInfo info() {
        return ScriptedChatBackend.INFO;
      }

      @Override
      public CompletableFuture<ChatCompletion> complete(ChatCompletionRequest request) {
        return answer.get();
      }

      @Override
      public void close() {}
    };
  }
}
