package dev.llmclient.core.internal.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmclient.api.CallCancelledException;
import dev.llmclient.api.LlmException;
import dev.llmclient.api.RateLimitException;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * How a blocking caller sees each outcome of a call's future: failures as they were raised (an
 * unchecked exception or error as is, a checked one wrapped and typed), a cancelled future as a
 * typed cancellation, and a deadline that has already passed ended before the wait.
 */
class AwaitOutcomesTest {

  @Test
  void anUncheckedFailureIsThrownAsItWasRaisedNotWrapped() {
    RateLimitException limited = new RateLimitException("slow down");
    CompletableFuture<String> f = new CompletableFuture<>();
    f.completeExceptionally(new CompletionException(limited));

    assertThatThrownBy(() -> ClientRuntime.await(f)).isSameAs(limited);
  }

  @Test
  void anErrorIsThrownAsItIs() {
    StackOverflowError error = new StackOverflowError("deep");

    assertThatThrownBy(() -> ClientRuntime.await(CompletableFuture.failedFuture(error)))
        .isSameAs(error);
  }

  @Test
  void aCheckedFailureIsWrappedInAnLlmExceptionThatKeepsIt() {
    IOException io = new IOException("disk gone");

    assertThatThrownBy(() -> ClientRuntime.await(CompletableFuture.failedFuture(io)))
        .isExactlyInstanceOf(LlmException.class)
        .hasMessage("The call failed: java.io.IOException: disk gone")
        .hasCause(io);
  }

  @Test
  void aCancelledFutureIsATypedCancellation() {
    CompletableFuture<String> f = new CompletableFuture<>();
    f.cancel(false);

    assertThatThrownBy(() -> ClientRuntime.await(f))
        .isInstanceOf(CallCancelledException.class)
        .hasMessage(
            "The call was cancelled while this thread waited for it: its future was cancelled");
  }

  @Test
  void aDeadlineAlreadyPassedEndsTheCallBeforeWaitingForIt() {
    CompletableFuture<String> f = new CompletableFuture<>();
    AtomicInteger ended = new AtomicInteger();

    String outcome =
        ClientRuntime.await(
            f,
            System.nanoTime() - 1,
            () -> {
              ended.incrementAndGet();
              f.complete("ended at the deadline");
            });

    assertThat(outcome).isEqualTo("ended at the deadline");
    assertThat(ended).hasValue(1);
  }

  @Test
  void anAnswerBeforeTheDeadlineNeverRunsTheDeadlineAction() {
    AtomicInteger ended = new AtomicInteger();

    String outcome =
        ClientRuntime.await(
            CompletableFuture.completedFuture("answer"),
            System.nanoTime() + 60_000_000_000L,
            ended::incrementAndGet);

    assertThat(outcome).isEqualTo("answer");
    assertThat(ended).hasValue(0);
  }
}
