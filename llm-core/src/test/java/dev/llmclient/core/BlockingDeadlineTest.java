package dev.llmclient.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmRequest;
import dev.llmclient.api.LlmResponse;
import dev.llmclient.api.LlmTimeoutException;
import dev.llmclient.api.Message;
import dev.llmclient.api.Usage;
import dev.llmclient.api.spi.ProviderSettings;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A blocking {@code generate()} keeps its deadline on the caller's own wait: it schedules nothing
 * on the client's scheduler (no timer to set and cancel, so the scheduler's thread is not woken per
 * call), and still ends a call that outlives its deadline with a typed timeout that cancels the
 * exchange. The scheduler here never runs anything, so only the caller's wait can end the call.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BlockingDeadlineTest {

  private final PendingChatBackend backend = new PendingChatBackend();
  private final ManualScheduler scheduler = new ManualScheduler();

  private LlmClient client(Duration deadline) {
    return LlmClients.builder()
        .backend(backend)
        .settings(ProviderSettings.empty())
        .retryPolicy(RetryPolicy.builder().deadline(deadline).build())
        .scheduler(scheduler)
        .random(() -> 0.0)
        .build();
  }

  private static LlmRequest<Map<String, Object>> request() {
    return LlmRequest.builder().addMessage(Message.user("q")).build();
  }

  @Test
  void aBlockingCallThatOutlivesItsDeadlineFailsTypedAndCancelsItsExchange() {
    LlmClient client = client(Duration.ofMillis(300));
    long start = System.nanoTime();

    Throwable thrown = catchThrowable(() -> client.generate(request()));

    long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(thrown)
        .isExactlyInstanceOf(LlmTimeoutException.class)
        .hasMessageContaining("did not finish within its deadline of PT0.3S (1 attempt)")
        .hasMessageContaining("RetryPolicy.deadline");
    assertThat(waitedMillis).as("not before the deadline").isGreaterThanOrEqualTo(300);
    assertThat(backend.exchange(0)).isCancelled();
    assertThat(scheduler.requestedDelays()).as("no timer was scheduled").isEmpty();
  }

  @Test
  void aBlockingCallThatAnswersSchedulesNothing() throws Exception {
    LlmClient client = client(Duration.ofMinutes(10));
    Thread answerer =
        new Thread(
            () -> {
              while (backend.count() == 0) {
                Thread.onSpinWait();
              }
              backend
                  .exchange(0)
                  .complete(PendingChatBackend.answer("{\"ok\":true}", Usage.of(3, 2)));
            });
    answerer.setDaemon(true);
    answerer.start();

    LlmResponse<Map<String, Object>> response = client.generate(request());

    answerer.join(10_000);
    assertThat(response.value()).containsEntry("ok", true);
    assertThat(scheduler.requestedDelays()).as("no timer was scheduled").isEmpty();
    assertThat(scheduler.pending()).isZero();
  }
}
