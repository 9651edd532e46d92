package dev.llmclient.core.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmclient.api.ErrorContext;
import dev.llmclient.api.Message;
import dev.llmclient.api.RateLimitException;
import dev.llmclient.api.ServerException;
import dev.llmclient.api.spi.ChatCompletion;
import dev.llmclient.api.spi.ChatCompletionRequest;
import dev.llmclient.core.ManualScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * A 429 whose {@code Retry-After} is absurd (a date in the year 9999, a century, more seconds than
 * a {@code long} of nanoseconds holds) and a completion path that throws: the pool still finishes
 * every call, cools the member down for at most {@link DeploymentPoolBuilder#maxCooldown}, and
 * gives a half-open breaker its permit back.
 */
class HostileServerWaitTest {

  private final ManualScheduler scheduler = new ManualScheduler();

  private DeploymentPoolBuilder builder() {
    return DeploymentPool.builder().clock(scheduler.clock()).scheduler(scheduler);
  }

  private static ChatCompletionRequest request() {
    return ChatCompletionRequest.of("gpt-4o", List.of(Message.user("Say hello in JSON")));
  }

  private static String from(CompletableFuture<ChatCompletion> f) {
    assertThat(f).as("the call finished").isDone();
    String content = f.join().content();
    return content.substring(content.indexOf(':') + 2, content.length() - 2);
  }

  private static Throwable failure(CompletableFuture<ChatCompletion> f) {
    assertThat(f).as("the call finished").isCompletedExceptionally();
    try {
      f.join();
      throw new AssertionError("not failed");
    } catch (CompletionException e) {
      return e.getCause();
    }
  }

  private static RateLimitException throttled(Duration retryAfter) {
    return new RateLimitException("429", new ErrorContext("azure", 429, null), retryAfter, null);
  }

  /** {@code Retry-After: Fri, 31 Dec 9999 23:59:59 GMT}, as a parser turns it into a wait. */
  private Duration untilTheYear9999() {
    return Duration.between(scheduler.clock().instant(), Instant.parse("9999-12-31T23:59:59Z"));
  }

  private DeploymentPool twoMembers(FakeMember a, FakeMember b) {
    return builder()
        .member(DeploymentMember.builder("a", a).weight(1000).build())
        .member("b", b)
        .build();
  }

  @Test
  void aRetryAfterInTheYear9999FailsOverAndCoolsTheMemberForAtMostTheDefaultCap() {
    FakeMember a = new FakeMember("a").thenFail(throttled(untilTheYear9999()));
    FakeMember b = new FakeMember("b");
    DeploymentPool pool = twoMembers(a, b);
    Instant now = scheduler.clock().instant();

    assertThat(from(pool.complete(request()))).isEqualTo("b");

    assertThat(pool.stats().get(0).coolingUntil()).isEqualTo(now.plusSeconds(60));
    scheduler.advance(Duration.ofSeconds(60));
    assertThat(from(pool.complete(request()))).isEqualTo("a");
  }

  @Test
  void aRetryAfterInTheYear9999OnTheOnlyMemberFailsTheCallWithTheRateLimit() {
    RateLimitException hostile = throttled(untilTheYear9999());
    FakeMember a = new FakeMember("a").thenFail(hostile);
    DeploymentPool pool = builder().member("a", a).build();

    assertThat(failure(pool.complete(request()))).isSameAs(hostile);
  }

  @Test
  void aCenturyLongRetryAfterCoolsTheMemberForTheConfiguredMaximumOnly() {
    FakeMember a = new FakeMember("a").thenFail(throttled(Duration.ofSeconds(3_153_600_000L)));
    FakeMember b = new FakeMember("b");
    DeploymentPool pool =
        builder()
            .member(DeploymentMember.builder("a", a).weight(1000).build())
            .member("b", b)
            .maxCooldown(Duration.ofSeconds(20))
            .build();
    Instant now = scheduler.clock().instant();

    assertThat(from(pool.complete(request()))).isEqualTo("b");

    assertThat(pool.stats().get(0).coolingUntil()).isEqualTo(now.plusSeconds(20));
    scheduler.advance(Duration.ofSeconds(19));
    assertThat(from(pool.complete(request()))).isEqualTo("b");
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(from(pool.complete(request()))).isEqualTo("a");
  }

  @Test
  void aRetryAfterThatOverflowsNanosecondsStillCoolsTheMemberDown() {
    // 8,000,000,000 s fits a Duration of nanoseconds, but now + it wraps past Long.MAX_VALUE
    FakeMember a = new FakeMember("a").thenFail(throttled(Duration.ofSeconds(8_000_000_000L)));
    FakeMember b = new FakeMember("b");
    DeploymentPool pool = twoMembers(a, b);
    Instant now = scheduler.clock().instant();

    assertThat(from(pool.complete(request()))).isEqualTo("b");

    assertThat(pool.stats().get(0).coolingUntil()).isEqualTo(now.plusSeconds(60));
    assertThat(from(pool.complete(request()))).isEqualTo("b");
    assertThat(a.calls()).isEqualTo(1);
  }

  @Test
  void aHalfOpenProbeThatGetsAHostile429GivesItsPermitBack() {
    FakeMember a = new FakeMember("a").thenFail(new ServerException("503"));
    DeploymentPool pool =
        builder()
            .member("a", a)
            .circuitBreaker(
                CircuitBreakerPolicy.builder()
                    .window(1)
                    .minimumCalls(1)
                    .openDuration(Duration.ofSeconds(30))
                    .probeCalls(1)
                    .build())
            .build();
    assertThat(failure(pool.complete(request()))).isInstanceOf(ServerException.class);
    assertThat(pool.stats().get(0).breakerState()).isEqualTo("OPEN");
    scheduler.advance(Duration.ofSeconds(30).plusMillis(1));

    // the one probe the half-open breaker allows gets the hostile 429
    a.thenFail(throttled(untilTheYear9999()));
    assertThat(failure(pool.complete(request()))).isInstanceOf(RateLimitException.class);
    assertThat(pool.stats().get(0).breakerState()).isEqualTo("HALF_OPEN");

    // after the capped cool-down the permit is free again: the next probe is sent and closes it
    scheduler.advance(Duration.ofSeconds(60));
    assertThat(from(pool.complete(request()))).isEqualTo("a");
    assertThat(pool.stats().get(0).breakerState()).isEqualTo("CLOSED");
  }

  @Test
  void aListenerThatThrowsAnErrorStillLetsTheCallFinishWithItsAnswer() {
    FakeMember a = new FakeMember("a");
    DeploymentPool pool =
        builder()
            .member("a", a)
            .onRoute(
                route -> {
                  throw new AssertionError("a broken listener");
                })
            .build();

    assertThat(from(pool.complete(request()))).isEqualTo("a");
    assertThat(from(pool.complete(request()))).isEqualTo("a");
    assertThat(pool.stats().get(0).inFlight()).isZero();
  }

  @Test
  void aBackendThatCompletesWithNeitherAnswerNorFailureFailsTheCallAndTheNextOneIsServed() {
    FakeMember a = new FakeMember("a").thenAnswerNull();
    DeploymentPool pool =
        builder()
            .member(DeploymentMember.builder("a", a).requestsPerMinute(6).build())
            .budgetWindow(Duration.ofSeconds(10))
            .budgetUtilisation(1.0)
            .build();

    // one request per 10 s: the second call waits in the queue behind the first
    CompletableFuture<ChatCompletion> first = pool.complete(request());
    CompletableFuture<ChatCompletion> second = pool.complete(request());
    assertThat(failure(first)).isInstanceOf(IllegalStateException.class);
    assertThat(second).isNotDone();

    scheduler.advance(Duration.ofSeconds(10));
    assertThat(from(second)).isEqualTo("a");
  }
}
