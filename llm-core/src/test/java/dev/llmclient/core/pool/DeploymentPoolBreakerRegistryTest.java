package dev.llmclient.core.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmclient.api.Message;
import dev.llmclient.api.ServerException;
import dev.llmclient.api.spi.ChatCompletion;
import dev.llmclient.api.spi.ChatCompletionRequest;
import dev.llmclient.core.ManualScheduler;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The members' breakers live in a resilience4j registry, where they can be watched and steered. */
class DeploymentPoolBreakerRegistryTest {

  private final ManualScheduler scheduler = new ManualScheduler();
  private final CircuitBreakerRegistry registry = CircuitBreakerRegistry.ofDefaults();

  private static ChatCompletionRequest request() {
    return ChatCompletionRequest.of("gpt-4o", List.of(Message.user("Say hello in JSON")));
  }

  private static String from(CompletableFuture<ChatCompletion> f) {
    assertThat(f).isDone();
    String content = f.join().content();
    return content.substring(content.indexOf(':') + 2, content.length() - 2);
  }

  private DeploymentPool pool(FakeMember a, FakeMember b) {
    return DeploymentPool.builder()
        .clock(scheduler.clock())
        .scheduler(scheduler)
        .member(DeploymentMember.builder("a", a).weight(1000).build())
        .member("b", b)
        .circuitBreaker(
            CircuitBreakerPolicy.builder()
                .window(4)
                .minimumCalls(4)
                .openDuration(Duration.ofSeconds(30))
                .probeCalls(1)
                .build())
        .circuitBreakerRegistry(registry)
        .build();
  }

  @Test
  void eachMemberHasABreakerInTheRegistryUnderItsName() {
    List<String> added = Collections.synchronizedList(new ArrayList<>());
    registry.getEventPublisher().onEntryAdded(e -> added.add(e.getAddedEntry().getName()));

    pool(new FakeMember("a"), new FakeMember("b"));

    assertThat(added).containsExactly("a", "b");
    assertThat(registry.circuitBreaker("a").getCircuitBreakerConfig().getSlidingWindowSize())
        .isEqualTo(4);
  }

  @Test
  void aSubscriberSeesTheBreakerOpenHalfOpenAndClose() {
    FakeMember a = new FakeMember("a").failAlways(new ServerException("503"));
    FakeMember b = new FakeMember("b");
    DeploymentPool pool = pool(a, b);
    List<CircuitBreaker.StateTransition> seen = Collections.synchronizedList(new ArrayList<>());
    registry
        .circuitBreaker("a")
        .getEventPublisher()
        .onStateTransition(e -> seen.add(e.getStateTransition()));

    for (int i = 0; i < 4; i++) {
      assertThat(from(pool.complete(request()))).isEqualTo("b");
    }
    assertThat(seen).containsExactly(CircuitBreaker.StateTransition.CLOSED_TO_OPEN);

    scheduler.advance(Duration.ofSeconds(30).plusMillis(1));
    a.failAlways(null);
    assertThat(from(pool.complete(request()))).isEqualTo("a");

    assertThat(seen)
        .containsExactly(
            CircuitBreaker.StateTransition.CLOSED_TO_OPEN,
            CircuitBreaker.StateTransition.OPEN_TO_HALF_OPEN,
            CircuitBreaker.StateTransition.HALF_OPEN_TO_CLOSED);
    assertThat(pool.stats().get(0).breakerState()).isEqualTo("CLOSED");
  }

  @Test
  void aBreakerForcedOpenThroughTheRegistryKeepsCallsAwayFromItsMember() {
    FakeMember a = new FakeMember("a");
    FakeMember b = new FakeMember("b");
    DeploymentPool pool = pool(a, b);

    registry.circuitBreaker("a").transitionToForcedOpenState();

    assertThat(from(pool.complete(request()))).isEqualTo("b");
    assertThat(from(pool.complete(request()))).isEqualTo("b");
    assertThat(a.calls()).isZero();

    registry.circuitBreaker("a").transitionToClosedState();
    assertThat(from(pool.complete(request()))).isEqualTo("a");
  }

  @Test
  void poolsSharingARegistryShareWhatTheirBreakersLearned() {
    FakeMember a = new FakeMember("a").failAlways(new ServerException("503"));
    FakeMember b = new FakeMember("b").failAlways(new ServerException("502"));
    DeploymentPool first = pool(a, b);
    for (int i = 0; i < 4; i++) {
      first.complete(request());
    }
    assertThat(first.stats()).allSatisfy(s -> assertThat(s.breakerState()).isEqualTo("OPEN"));

    // a second pool over the same deployments knows at once that both are open, and (as they
    // opened just now) until when
    DeploymentPool second = pool(new FakeMember("a"), new FakeMember("b"));
    CompletableFuture<ChatCompletion> call = second.complete(request());

    assertThat(call).isCompletedExceptionally();
    assertThatThrownBy(call::join).hasCauseInstanceOf(DeploymentUnavailableException.class);
    assertThat(second.stats().get(0).openUntil())
        .isEqualTo(scheduler.clock().instant().plusSeconds(30));
  }
}
