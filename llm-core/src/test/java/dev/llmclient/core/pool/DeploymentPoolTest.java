package dev.llmclient.core.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmclient.api.AuthenticationException;
import dev.llmclient.api.ErrorContext;
import dev.llmclient.api.InvalidRequestException;
import dev.llmclient.api.Message;
import dev.llmclient.api.RateLimitException;
import dev.llmclient.api.ServerException;
import dev.llmclient.api.Usage;
import dev.llmclient.api.spi.ChatCompletion;
import dev.llmclient.api.spi.ChatCompletionRequest;
import dev.llmclient.api.spi.RateLimitInfo;
import dev.llmclient.api.spi.Span;
import dev.llmclient.api.spi.SpanKind;
import dev.llmclient.api.spi.SpanStatus;
import dev.llmclient.api.spi.Tracer;
import dev.llmclient.core.ManualScheduler;
import dev.llmclient.core.PriceTable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class DeploymentPoolTest {

  private final ManualScheduler scheduler = new ManualScheduler();

  private DeploymentPoolBuilder builder() {
    return DeploymentPool.builder().clock(scheduler.clock()).scheduler(scheduler);
  }

  private static ChatCompletionRequest request() {
    return ChatCompletionRequest.of("gpt-4o", List.of(Message.user("Say hello in JSON")));
  }

  private static String from(CompletableFuture<ChatCompletion> f) {
    assertThat(f).isDone();
    String content = f.join().content();
    return content.substring(content.indexOf(':') + 2, content.length() - 2);
  }

  private static Throwable failure(CompletableFuture<ChatCompletion> f) {
    assertThat(f).isCompletedExceptionally();
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

  // ---- routing ------------------------------------------------------------------------------

  @Test
  void tierTwoServesOnlyWhileNoTierOneMemberCan() {
    FakeMember primary = new FakeMember("primary");
    FakeMember fallback = new FakeMember("fallback");
    DeploymentPool pool =
        builder()
            .member(DeploymentMember.builder("primary", primary).requestsPerMinute(60).build())
            .member(DeploymentMember.builder("fallback", fallback).tier(2).build())
            .budgetWindow(Duration.ofSeconds(1))
            .budgetUtilisation(1.0)
            .build();

    // 60 rpm over a 1 s window: one call per second on the primary
    assertThat(from(pool.complete(request()))).isEqualTo("primary");
    assertThat(from(pool.complete(request()))).isEqualTo("fallback");
    assertThat(from(pool.complete(request()))).isEqualTo("fallback");
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(from(pool.complete(request()))).isEqualTo("primary");
    assertThat(primary.calls()).isEqualTo(2);
    assertThat(fallback.calls()).isEqualTo(2);
  }

  @Test
  void equalMembersShareTheLoadAndTheHeavierWeightTakesMore() {
    FakeMember a = new FakeMember("a").hold(true);
    FakeMember b = new FakeMember("b").hold(true);
    DeploymentPool pool =
        builder()
            .member(DeploymentMember.builder("a", a).weight(3).build())
            .member(DeploymentMember.builder("b", b).weight(1).build())
            .build();

    for (int i = 0; i < 40; i++) {
      pool.complete(request());
    }

    assertThat(a.calls() + b.calls()).isEqualTo(40);
    assertThat(a.calls()).isBetween(28, 32);
    assertThat(pool.stats().get(0).inFlight()).isEqualTo(a.calls());
  }

  @Test
  void theDefaultDeploymentIsSentAsEachMembersOwnDeploymentName() {
    FakeMember east = new FakeMember("east", "gpt-4o-east");
    FakeMember west = new FakeMember("west", "gpt-4o-west");
    DeploymentPool pool =
        builder()
            .member("east", east)
            .member(DeploymentMember.builder("west", west).tier(2).build())
            .build();
    east.failAlways(new ServerException("down"));

    assertThat(pool.info().defaultModel()).isEqualTo("gpt-4o-east");
    pool.complete(ChatCompletionRequest.of("gpt-4o-east", List.of(Message.user("json"))));

    assertThat(east.requests().get(0).model()).isEqualTo("gpt-4o-east");
    assertThat(west.requests().get(0).model()).isEqualTo("gpt-4o-west");
  }

  // ---- failover -----------------------------------------------------------------------------

  @Test
  void aRetryableFailureMovesTheSameRequestToAnotherMember() {
    FakeMember a = new FakeMember("a").thenFail(new ServerException("500 from a"));
    FakeMember b = new FakeMember("b");
    List<DeploymentRoute> routes = Collections.synchronizedList(new ArrayList<>());
    DeploymentPool pool =
        builder()
            .member(DeploymentMember.builder("a", a).weight(1000).build())
            .member("b", b)
            .onRoute(routes::add)
            .build();

    CompletableFuture<ChatCompletion> f = pool.complete(request());

    assertThat(from(f)).isEqualTo("b");
    assertThat(a.calls()).isEqualTo(1);
    assertThat(b.requests()).containsExactly(a.requests().get(0));
    assertThat(routes)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.member()).isEqualTo("b");
              assertThat(r.failedMembers()).containsExactly("a");
            });
    assertThat(pool.memberFor(f.join().requestId())).contains("b");
    assertThat(f.join().servedBy()).isEqualTo("b");
    assertThat(pool.stats().get(0).failovers()).isEqualTo(1);
  }

  @Test
  void whenEveryMemberFailedTheLastFailureReachesTheClientForItsRetryPolicy() {
    FakeMember a = new FakeMember("a").thenFail(new ServerException("500 from a"));
    FakeMember b = new FakeMember("b").thenFail(new ServerException("503 from b"));
    DeploymentPool pool = builder().member("a", a).member("b", b).build();

    Throwable t = failure(pool.complete(request()));

    assertThat(t).isInstanceOf(ServerException.class);
    assertThat(a.calls() + b.calls()).isEqualTo(2);
    // the client's retry calls the pool again, and both members are tried afresh
    assertThat(from(pool.complete(request()))).isIn("a", "b");
  }

  @Test
  void aNonRetryableFailureIsReturnedWithoutTryingAnotherMember() {
    FakeMember a = new FakeMember("a").thenFail(new InvalidRequestException("400 bad request"));
    FakeMember b = new FakeMember("b");
    DeploymentPool pool =
        builder()
            .member(DeploymentMember.builder("a", a).weight(1000).build())
            .member("b", b)
            .build();

    assertThat(failure(pool.complete(request()))).isInstanceOf(InvalidRequestException.class);
    assertThat(b.calls()).isZero();
  }

  @Test
  void a429CoolsItsMemberDownUntilRetryAfter() {
    FakeMember a = new FakeMember("a").thenFail(throttled(Duration.ofSeconds(5)));
    FakeMember b = new FakeMember("b");
    DeploymentPool pool =
        builder()
            .member(DeploymentMember.builder("a", a).weight(1000).build())
            .member("b", b)
            .build();

    assertThat(from(pool.complete(request()))).isEqualTo("b");
    scheduler.advance(Duration.ofMillis(4_900));
    assertThat(pool.stats().get(0).coolingUntil()).isNotNull();
    assertThat(from(pool.complete(request()))).isEqualTo("b");
    assertThat(a.calls()).isEqualTo(1);

    scheduler.advance(Duration.ofMillis(100));
    assertThat(from(pool.complete(request()))).isEqualTo("a");
    assertThat(pool.stats().get(0).coolingUntil()).isNull();
    assertThat(pool.stats().get(0).rateLimited()).isEqualTo(1);
    assertThat(pool.stats().get(0).breakerState()).isEqualTo("CLOSED");
  }

  @Test
  void whenEveryMemberCoolsDownTheCallWaitsForTheFirstToRecover() {
    FakeMember a = new FakeMember("a").thenFail(throttled(Duration.ofSeconds(2)));
    FakeMember b = new FakeMember("b").thenFail(throttled(Duration.ofSeconds(3)));
    DeploymentPool pool = builder().member("a", a).member("b", b).build();

    // both refuse the first call: the client gets the 429 and will retry
    assertThat(failure(pool.complete(request()))).isInstanceOf(RateLimitException.class);
    CompletableFuture<ChatCompletion> waiting = pool.complete(request());
    assertThat(waiting).isNotDone();

    scheduler.advance(Duration.ofSeconds(2));
    assertThat(from(waiting)).isEqualTo("a");
    assertThat(pool.stats().get(0).budgetWaits()).isEqualTo(1);
  }

  // ---- breakers -----------------------------------------------------------------------------

  @Test
  void aFailingMembersBreakerOpensHalfOpensAfterItsWaitAndClosesWhenProbesSucceed() {
    FakeMember a = new FakeMember("a").failAlways(new ServerException("503"));
    FakeMember b = new FakeMember("b");
    RecordingTracer tracer = new RecordingTracer();
    DeploymentPool pool =
        builder()
            .member(DeploymentMember.builder("a", a).weight(1000).build())
            .member("b", b)
            .circuitBreaker(
                CircuitBreakerPolicy.builder()
                    .window(4)
                    .minimumCalls(4)
                    .openDuration(Duration.ofSeconds(30))
                    .probeCalls(1)
                    .build())
            .tracer(tracer)
            .build();

    for (int i = 0; i < 4; i++) {
      assertThat(from(pool.complete(request()))).isEqualTo("b");
    }
    assertThat(pool.stats().get(0).breakerState()).isEqualTo("OPEN");
    assertThat(pool.stats().get(0).openUntil())
        .isEqualTo(scheduler.clock().instant().plusSeconds(30));
    assertThat(tracer.events).contains("llmclient.pool.breaker a CLOSED->OPEN");

    // open: calls go to b without touching a
    for (int i = 0; i < 5; i++) {
      assertThat(from(pool.complete(request()))).isEqualTo("b");
    }
    assertThat(a.calls()).isEqualTo(4);

    // after the wait one probe goes through; it succeeds and the breaker closes
    scheduler.advance(Duration.ofSeconds(30).plusMillis(1));
    a.failAlways(null);
    assertThat(from(pool.complete(request()))).isEqualTo("a");
    assertThat(a.calls()).isEqualTo(5);
    assertThat(pool.stats().get(0).breakerState()).isEqualTo("CLOSED");
    assertThat(tracer.events)
        .contains(
            "llmclient.pool.breaker a OPEN->HALF_OPEN",
            "llmclient.pool.breaker a HALF_OPEN->CLOSED");
  }

  @Test
  void aFailedProbeOpensTheBreakerAgain() {
    FakeMember a = new FakeMember("a").failAlways(new ServerException("503"));
    FakeMember b = new FakeMember("b");
    DeploymentPool pool =
        builder()
            .member(DeploymentMember.builder("a", a).weight(1000).build())
            .member("b", b)
            .circuitBreaker(
                CircuitBreakerPolicy.builder()
                    .window(2)
                    .minimumCalls(2)
                    .openDuration(Duration.ofSeconds(10))
                    .probeCalls(1)
                    .build())
            .build();
    pool.complete(request());
    pool.complete(request());
    assertThat(pool.stats().get(0).breakerState()).isEqualTo("OPEN");

    scheduler.advance(Duration.ofSeconds(10).plusMillis(1));
    assertThat(from(pool.complete(request()))).isEqualTo("b");

    assertThat(a.calls()).isEqualTo(3);
    assertThat(pool.stats().get(0).breakerState()).isEqualTo("OPEN");
    assertThat(pool.stats().get(0).openUntil())
        .isEqualTo(scheduler.clock().instant().plusSeconds(10));
  }

  @Test
  void aMemberThatAnswersTooSlowlyIsBrokenOffLikeAFailingOne() {
    FakeMember slow = new FakeMember("slow").hold(true);
    FakeMember b = new FakeMember("b");
    DeploymentPool pool =
        builder()
            .member(DeploymentMember.builder("slow", slow).weight(1000).build())
            .member(DeploymentMember.builder("b", b).tier(2).build())
            .circuitBreaker(
                CircuitBreakerPolicy.builder()
                    .window(2)
                    .minimumCalls(2)
                    .slowCallDuration(Duration.ofSeconds(5))
                    .slowCallRateThreshold(50)
                    .build())
            .build();
    CompletableFuture<ChatCompletion> first = pool.complete(request());
    CompletableFuture<ChatCompletion> second = pool.complete(request());

    scheduler.advance(Duration.ofSeconds(6));
    slow.release();

    assertThat(from(first)).isEqualTo("slow");
    assertThat(from(second)).isEqualTo("slow");
    assertThat(pool.stats().get(0).breakerState()).isEqualTo("OPEN");
    assertThat(from(pool.complete(request()))).isEqualTo("b");
  }

  @Test
  void withEveryBreakerOpenACallFailsFastNamingTheMembersAndWhenTheyReopen() {
    FakeMember a = new FakeMember("a").failAlways(new ServerException("503"));
    FakeMember b = new FakeMember("b").failAlways(new ServerException("502"));
    DeploymentPool pool =
        builder()
            .member("a", a)
            .member("b", b)
            .circuitBreaker(
                CircuitBreakerPolicy.builder()
                    .window(2)
                    .minimumCalls(2)
                    .openDuration(Duration.ofSeconds(60))
                    .probeCalls(1)
                    .build())
            .build();
    pool.complete(request());
    pool.complete(request());
    scheduler.advance(Duration.ofSeconds(1));

    Throwable t = failure(pool.complete(request()));

    assertThat(t).isInstanceOf(DeploymentUnavailableException.class);
    DeploymentUnavailableException e = (DeploymentUnavailableException) t;
    assertThat(e.isRetryable()).isFalse();
    assertThat(e.openUntil()).containsOnlyKeys("a", "b");
    assertThat(e.getMessage())
        .contains("a open until 2026-01-01T00:01:00Z", "b open until 2026-01-01T00:01:00Z");
    assertThat(a.calls() + b.calls()).isEqualTo(4);
  }

  @Test
  void authenticationFailuresCountAgainstTheBreakerButThrottlingDoesNot() {
    FakeMember a = new FakeMember("a").failAlways(throttled(Duration.ofMillis(1)));
    FakeMember b = new FakeMember("b").failAlways(new AuthenticationException("401"));
    DeploymentPool pool =
        builder()
            .member("a", a)
            .member("b", b)
            .circuitBreaker(CircuitBreakerPolicy.builder().window(2).minimumCalls(2).build())
            .defaultCooldown(Duration.ZERO)
            .build();
    for (int i = 0; i < 3; i++) {
      pool.complete(request());
      scheduler.advance(Duration.ofMillis(2));
    }

    assertThat(pool.stats().get(0).breakerState()).isEqualTo("CLOSED");
    assertThat(pool.stats().get(1).breakerState()).isEqualTo("OPEN");
  }

  // ---- budget -------------------------------------------------------------------------------

  @Test
  void callsOverBudgetWaitWithoutSendingAndGoOutAsTheWindowRefills() {
    FakeMember a = new FakeMember("a");
    DeploymentPool pool =
        builder()
            .member(DeploymentMember.builder("a", a).requestsPerMinute(120).build())
            .budgetWindow(Duration.ofSeconds(1))
            .budgetUtilisation(1.0)
            .build();

    List<CompletableFuture<ChatCompletion>> calls = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      calls.add(pool.complete(request()));
      scheduler.advance(Duration.ofMillis(100));
    }
    assertThat(a.calls()).isEqualTo(2);
    assertThat(calls.get(2)).isNotDone();

    scheduler.advance(Duration.ofMillis(500)); // t = 1.0 s: the first send leaves the window
    assertThat(a.calls()).isEqualTo(3);
    scheduler.advance(Duration.ofMillis(100));
    assertThat(a.calls()).isEqualTo(4);
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(calls).allSatisfy(f -> assertThat(f).isCompleted());
    assertThat(pool.stats().get(0).budgetWaits()).isEqualTo(3);
  }

  @Test
  void aCallThatWouldWaitLongerThanMaxWaitFailsWithARetryableRateLimit() {
    FakeMember a = new FakeMember("a");
    DeploymentPool pool =
        builder()
            .member(DeploymentMember.builder("a", a).requestsPerMinute(6).build())
            .budgetWindow(Duration.ofSeconds(10))
            .budgetUtilisation(1.0)
            .maxWait(Duration.ofSeconds(2))
            .build();
    pool.complete(request());

    Throwable t = failure(pool.complete(request()));

    assertThat(t).isInstanceOf(RateLimitException.class);
    assertThat(((RateLimitException) t).retryAfter()).isEqualTo(Duration.ofSeconds(10));
    assertThat(t.getMessage()).contains("maxWait", "PT2S");
    assertThat(a.calls()).isEqualTo(1);
  }

  @Test
  void theQueueIsBounded() {
    FakeMember a = new FakeMember("a");
    DeploymentPool pool =
        builder()
            .member(DeploymentMember.builder("a", a).requestsPerMinute(6).build())
            .budgetWindow(Duration.ofSeconds(10))
            .budgetUtilisation(1.0)
            .maxQueued(2)
            .build();
    pool.complete(request());
    CompletableFuture<ChatCompletion> second = pool.complete(request());
    CompletableFuture<ChatCompletion> third = pool.complete(request());

    Throwable t = failure(pool.complete(request()));

    assertThat(t).isInstanceOf(RateLimitException.class).hasMessageContaining("maxQueued");
    assertThat(second).isNotDone();
    assertThat(third).isNotDone();
    scheduler.advance(Duration.ofSeconds(20));
    assertThat(from(second)).isEqualTo("a");
    assertThat(from(third)).isEqualTo("a");
  }

  @Test
  void aCancelledWaitingCallLeavesTheQueueAndIsNeverSent() {
    FakeMember a = new FakeMember("a");
    DeploymentPool pool =
        builder()
            .member(DeploymentMember.builder("a", a).requestsPerMinute(6).build())
            .budgetWindow(Duration.ofSeconds(10))
            .build();
    pool.complete(request());
    CompletableFuture<ChatCompletion> waiting = pool.complete(request());

    waiting.cancel(true);
    scheduler.advance(Duration.ofSeconds(20));

    assertThat(a.calls()).isEqualTo(1);
  }

  @Test
  void theTokenBudgetCountsThePromptEstimateAndOutputCapAndIsCorrectedByReportedUsage() {
    FakeMember a = new FakeMember("a").usage(Usage.of(10, 5));
    DeploymentPool pool =
        builder()
            .member(DeploymentMember.builder("a", a).tokensPerMinute(600).build())
            .budgetWindow(Duration.ofSeconds(1))
            .budgetUtilisation(1.0)
            .build();
    // 400 chars = 100 tokens + 3 + 4 = 107 estimated, plus the cap of 50: 157 of 10 per window
    String prompt = "x".repeat(400);
    ChatCompletionRequest big =
        new ChatCompletionRequest(
            "gpt-4o",
            List.of(Message.user(prompt)),
            null,
            50,
            dev.llmclient.api.spi.ResponseFormat.jsonObject(),
            null,
            null,
            null,
            Map.of());
    assertThat(DeploymentBudget.estimatePromptTokens(big)).isEqualTo(107);

    pool.complete(big);
    // the server reported 10 input tokens: the entry now counts 10 + 50 = 60 of the 10 allowed,
    // so the next request waits for the window in any case
    CompletableFuture<ChatCompletion> next = pool.complete(big);
    assertThat(next).isNotDone();
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(next).isCompleted();
    assertThat(a.calls()).isEqualTo(2);
  }

  @Test
  void limitsAreLearnedFromHeadersAndRemainingZeroHoldsTheMemberUntilItsReset() {
    FakeMember a =
        new FakeMember("a")
            .rateLimit(new RateLimitInfo(0L, 5000L, 120L, 100_000L, Duration.ofSeconds(3), null));
    FakeMember b = new FakeMember("b");
    DeploymentPool pool =
        builder()
            .member(DeploymentMember.builder("a", a).weight(1000).build())
            .member("b", b)
            .build();

    assertThat(from(pool.complete(request()))).isEqualTo("a");
    assertThat(pool.stats().get(0).requestsPerMinute()).isEqualTo(120);
    assertThat(pool.stats().get(0).tokensPerMinute()).isEqualTo(100_000);
    assertThat(from(pool.complete(request()))).isEqualTo("b");
    scheduler.advance(Duration.ofSeconds(3));
    assertThat(from(pool.complete(request()))).isEqualTo("a");
  }

  // ---- cost and lifecycle -------------------------------------------------------------------

  @Test
  void eachMembersAnswersArePricedFromThePriceTable() {
    FakeMember a = new FakeMember("a").usage(Usage.of(1_000_000, 0));
    DeploymentPool pool =
        builder()
            .member("a", a)
            .prices(PriceTable.builder().price("gpt-4o", 2.5, 10.0).build())
            .build();

    pool.complete(request());
    pool.complete(request());

    assertThat(pool.stats().get(0).cost()).isEqualTo(5.0);
    assertThat(pool.stats().get(0).usage().inputTokens()).isEqualTo(2_000_000);
    assertThat(pool.totalCost()).isEqualTo(5.0);
  }

  @Test
  void closingThePoolClosesEveryMemberAndFailsWaitingCalls() {
    FakeMember a = new FakeMember("a");
    FakeMember b = new FakeMember("b");
    DeploymentPool pool =
        builder()
            .member(DeploymentMember.builder("a", a).requestsPerMinute(6).build())
            .member(DeploymentMember.builder("b", b).tier(2).requestsPerMinute(6).build())
            .build();
    pool.complete(request());
    pool.complete(request());
    CompletableFuture<ChatCompletion> waiting = pool.complete(request());

    pool.close();

    assertThat(a.closed).isTrue();
    assertThat(b.closed).isTrue();
    assertThat(failure(waiting)).hasMessageContaining("closed");
    assertThat(failure(pool.complete(request()))).hasMessageContaining("closed");
  }

  @Test
  void theBuilderRejectsDuplicateNamesAndOutOfRangeValues() {
    FakeMember a = new FakeMember("a");
    assertThatThrownBy(() -> DeploymentPool.builder().build())
        .hasMessageContaining("at least one member");
    assertThatThrownBy(() -> DeploymentPool.builder().member("a", a).member("a", a).build())
        .hasMessageContaining("unique name");
    assertThatThrownBy(() -> DeploymentMember.builder("a", a).tier(0).build())
        .hasMessageContaining("tier of member a must be 1 to 9");
    assertThatThrownBy(() -> DeploymentPool.builder().member("a", a).budgetUtilisation(1.5).build())
        .hasMessageContaining("budgetUtilisation");
  }

  // ---- tracing ------------------------------------------------------------------------------

  @Test
  void theSpanNamesTheAnsweringMemberTheFailoversAndTheBudgetWait() {
    FakeMember a = new FakeMember("a").thenFail(new ServerException("500 from a"));
    FakeMember b = new FakeMember("b");
    RecordingTracer tracer = new RecordingTracer();
    DeploymentPool pool =
        builder()
            .member(DeploymentMember.builder("a", a).weight(1000).build())
            .member(DeploymentMember.builder("b", b).requestsPerMinute(60).build())
            .budgetWindow(Duration.ofSeconds(1))
            .budgetUtilisation(1.0)
            .tracer(tracer)
            .build();

    assertThat(from(pool.complete(request()))).isEqualTo("b");

    assertThat(tracer.names).containsExactly("llmclient.pool.route");
    assertThat(tracer.events).containsExactly("llmclient.pool.failover a->b");
    assertThat(tracer.attributes)
        .containsEntry("llmclient.pool.member", "b")
        .containsEntry("llmclient.pool.failovers", 1L)
        .containsEntry("llmclient.pool.budget_wait_ms", 0L);

    // a fails again; b has spent its budget for this second, so the failed-over call waits
    a.thenFail(new ServerException("500 from a"));
    tracer.events.clear();
    CompletableFuture<ChatCompletion> waiting = pool.complete(request());
    assertThat(waiting).isNotDone();
    scheduler.advance(Duration.ofSeconds(1));

    assertThat(from(waiting)).isEqualTo("b");
    assertThat(tracer.events)
        .containsExactly("llmclient.pool.budget_wait", "llmclient.pool.failover a->b");
    assertThat(tracer.attributes).containsEntry("llmclient.pool.budget_wait_ms", 1000L);
  }

  /** Records pool span events as "name member from->to" strings. */
  static final class RecordingTracer implements Tracer {
    final List<String> events = Collections.synchronizedList(new ArrayList<>());
    final Map<String, Object> attributes = new java.util.concurrent.ConcurrentHashMap<>();
    final List<String> names = Collections.synchronizedList(new ArrayList<>());

    @Override
    public Span startSpan(String name, SpanKind kind) {
      names.add(name);
      return new Span() {
        @Override
        public Span setAttribute(String key, @Nullable Object value) {
          if (value != null) {
            attributes.put(key, value);
          }
          return this;
        }

        @Override
        public void addEvent(String event, Map<String, ?> a) {
          if (event.equals("llmclient.pool.breaker")) {
            events.add(
                event
                    + " "
                    + a.get("llmclient.pool.member")
                    + " "
                    + a.get("llmclient.pool.breaker.from")
                    + "->"
                    + a.get("llmclient.pool.breaker.to"));
          } else if (event.equals("llmclient.pool.failover")) {
            events.add(
                event + " " + a.get("llmclient.pool.from") + "->" + a.get("llmclient.pool.member"));
          } else {
            events.add(event);
          }
        }

        @Override
        public void recordException(Throwable exception) {}

        @Override
        public void setStatus(SpanStatus status, @Nullable String description) {}

        @Override
        public Span startChild(String childName, SpanKind childKind) {
          return Span.noop();
        }

        @Override
        public Map<String, String> propagationHeaders() {
          return Map.of();
        }

        @Override
        public void end() {}
      };
    }
  }
}
