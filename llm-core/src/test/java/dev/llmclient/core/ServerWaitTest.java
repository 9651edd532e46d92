package dev.llmclient.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmclient.api.ErrorContext;
import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmRequest;
import dev.llmclient.api.LlmResponse;
import dev.llmclient.api.LlmTimeoutException;
import dev.llmclient.api.Message;
import dev.llmclient.api.RateLimitException;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.core.internal.runtime.TransportRetries;
import dev.llmclient.testkit.ScriptedChatBackend;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A server's wait of a second or more gets jitter on top (never less than asked, never past the
 * deadline), and no wait or deadline, however long, overflows the arithmetic on it. Virtual time;
 * the random is injected.
 */
class ServerWaitTest {

  private final ScriptedChatBackend backend = new ScriptedChatBackend();
  private final ManualScheduler scheduler = new ManualScheduler();

  private LlmClient client(RetryPolicy policy, double random) {
    return LlmClients.builder()
        .backend(backend)
        .settings(ProviderSettings.empty())
        .retryPolicy(policy)
        .clock(scheduler.clock())
        .scheduler(scheduler)
        .random(() -> random)
        .build();
  }

  private static CompletableFuture<LlmResponse<Map<String, Object>>> call(LlmClient client) {
    return client.generateAsync(LlmRequest.builder().addMessage(Message.user("q")).build());
  }

  private static RateLimitException rateLimited(Duration retryAfter) {
    return new RateLimitException(
        "429 from the server", new ErrorContext("fake", 429, "req-429"), retryAfter, null);
  }

  /** The waits the pipeline scheduled, without the deadline timer that comes first. */
  private List<Duration> retryWaits() {
    List<Duration> all = scheduler.requestedDelays();
    return all.subList(1, all.size());
  }

  @Test
  void aServerWaitIsLengthenedByItsJitterShareAndNothingIsSentBeforeTheServersWait() {
    backend.enqueueFailure(rateLimited(Duration.ofSeconds(2))).enqueueContent("{}");

    CompletableFuture<?> f = call(client(RetryPolicy.getDefault(), 0.5));

    assertThat(retryWaits()).containsExactly(Duration.ofMillis(2_100));
    scheduler.advance(Duration.ofMillis(2_099));
    assertThat(backend.requests()).hasSize(1);
    scheduler.advance(Duration.ofMillis(1));
    assertThat(f).isCompleted();
  }

  @Test
  void clientsThrottledTogetherWaitDifferentTimesAllAtLeastTheServersWait() {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    Duration asked = Duration.ofSeconds(1);
    Set<Duration> waits = new HashSet<>();
    for (double random : new double[] {0.0, 0.2, 0.4, 0.6, 0.8, 0.999}) {
      TransportRetries.Decision d =
          TransportRetries.decide(
              RetryPolicy.getDefault(),
              rateLimited(asked),
              0,
              now,
              now.plus(Duration.ofMinutes(10)),
              random);
      Duration wait = ((TransportRetries.Retry) d).delay();
      assertThat(wait).isBetween(asked, asked.plusMillis(100));
      waits.add(wait);
    }
    assertThat(waits).hasSize(6);
  }

  @Test
  void aSubSecondServerWaitIsHonouredExactlyWhateverTheRandom() {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    for (double random : new double[] {0.0, 0.5, 0.999}) {
      TransportRetries.Decision d =
          TransportRetries.decide(
              RetryPolicy.getDefault(),
              rateLimited(Duration.ofMillis(999)),
              0,
              now,
              now.plus(Duration.ofMinutes(10)),
              random);
      assertThat(((TransportRetries.Retry) d).delay()).isEqualTo(Duration.ofMillis(999));
    }
  }

  @Test
  void jitterNeverCarriesARetryPastTheDeadline() {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");

    TransportRetries.Decision d =
        TransportRetries.decide(
            RetryPolicy.getDefault(),
            rateLimited(Duration.ofMillis(4_900)),
            0,
            now,
            now.plusSeconds(5),
            0.999);

    assertThat(((TransportRetries.Retry) d).delay()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void aServerWaitLongerThanAnyInstantWithAnUnboundedCapEndsAsATimeoutNotAnOverflow() {
    RetryPolicy unbounded =
        RetryPolicy.builder().maxRetryAfter(Duration.ofSeconds(Long.MAX_VALUE)).build();
    RateLimitException forever = rateLimited(Duration.ofSeconds(Long.MAX_VALUE));
    backend.enqueueFailure(forever);

    CompletableFuture<?> f = call(client(unbounded, 0.999));

    assertThat(f).isCompletedExceptionally();
    assertThatThrownBy(f::join)
        .cause()
        .isExactlyInstanceOf(LlmTimeoutException.class)
        .hasMessageContaining("would pass its deadline")
        .cause()
        .isSameAs(forever);
    assertThat(backend.requests()).hasSize(1);
  }

  @Test
  void aDeadlineOfBillionsOfYearsIsHeldAtTheLatestInstantInsteadOfOverflowing() {
    RetryPolicy patient =
        RetryPolicy.builder()
            .deadline(Duration.ofSeconds(Long.MAX_VALUE))
            .maxRetryAfter(Duration.ofDays(365L * 1_000))
            .build();
    backend.enqueueFailure(rateLimited(Duration.ofDays(365L * 200))).enqueueContent("{}");

    CompletableFuture<LlmResponse<Map<String, Object>>> f = call(client(patient, 0.0));
    scheduler.advance(Duration.ofDays(365L * 200).minusSeconds(1));
    assertThat(f).isNotDone();
    scheduler.advance(Duration.ofSeconds(1));

    assertThat(f).isCompleted();
    assertThat(f.join().attempts()).isEqualTo(2);
    assertThat(scheduler.requestedDelays()).allMatch(d -> !d.isNegative());
  }
}
