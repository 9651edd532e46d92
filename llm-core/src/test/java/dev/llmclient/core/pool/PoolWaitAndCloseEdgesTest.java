package dev.llmclient.core.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmclient.api.Message;
import dev.llmclient.api.RateLimitException;
import dev.llmclient.api.ServerException;
import dev.llmclient.api.spi.BackendInfo;
import dev.llmclient.api.spi.ChatBackend;
import dev.llmclient.api.spi.ChatCompletion;
import dev.llmclient.api.spi.ChatCompletionRequest;
import dev.llmclient.core.ManualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The pool's edges in time and at its end: a queued call whose wait outlasts maxWait because the
 * calls ahead of it took the budget, a call failing after the pool was closed, a close that is
 * repeated or whose member fails to close, and what the pool says of itself.
 */
class PoolWaitAndCloseEdgesTest {

  /** A member whose calls stay open until the test ends them, and which counts its closes. */
  static final class OpenCalls implements ChatBackend {
    final List<CompletableFuture<ChatCompletion>> calls = new ArrayList<>();
    final AtomicInteger closes = new AtomicInteger();
    final boolean closeFails;

    OpenCalls(boolean closeFails) {
      this.closeFails = closeFails;
    }

    @Override
    public BackendInfo info() {
      return new BackendInfo("azure", "azure.ai.openai", null, "gpt-4o", null);
    }

    @Override
    public synchronized CompletableFuture<ChatCompletion> complete(ChatCompletionRequest request) {
      CompletableFuture<ChatCompletion> f = new CompletableFuture<>();
      calls.add(f);
      return f;
    }

    @Override
    public void close() {
      closes.incrementAndGet();
      if (closeFails) {
        throw new IllegalStateException("the member's connection pool would not close");
      }
    }
  }

  private final ManualScheduler scheduler = new ManualScheduler();

  private DeploymentPoolBuilder builder() {
    return DeploymentPool.builder().clock(scheduler.clock()).scheduler(scheduler);
  }

  private static ChatCompletionRequest request() {
    return ChatCompletionRequest.of("gpt-4o", List.of(Message.user("Say hello in JSON")));
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

  @Test
  void aQueuedCallWhoseBudgetWentToTheCallsAheadFailsAtMaxWaitUnsent() {
    FakeMember a = new FakeMember("a");
    DeploymentPool pool =
        builder()
            .member(DeploymentMember.builder("a", a).requestsPerMinute(60).build())
            .budgetWindow(Duration.ofSeconds(1))
            .budgetUtilisation(1.0)
            .maxWait(Duration.ofMillis(1500))
            .build();

    pool.complete(request()); // takes this second's one request
    CompletableFuture<ChatCompletion> second = pool.complete(request());
    CompletableFuture<ChatCompletion> third = pool.complete(request());
    assertThat(a.calls()).isEqualTo(1);

    scheduler.advance(Duration.ofSeconds(1)); // the second goes; the third must wait another second
    assertThat(second).isCompleted();
    assertThat(third).isNotDone();
    scheduler.advance(Duration.ofMillis(500)); // its maxWait ends first

    Throwable t = failure(third);
    assertThat(t)
        .isInstanceOf(RateLimitException.class)
        .hasMessageContaining("the call waited the pool's maxWait of PT1.5S without a member")
        .hasMessageContaining("raise DeploymentPool.builder().maxWait(...)");
    assertThat(((RateLimitException) t).isRetryable()).isTrue();
    assertThat(a.calls()).isEqualTo(2);
    pool.close();
  }

  @Test
  void aCallFailingAfterTheCloseKeepsItsOwnFailureAndIsNotFailedOver() {
    OpenCalls first = new OpenCalls(false);
    FakeMember second = new FakeMember("second");
    DeploymentPool pool =
        builder()
            .member("first", first)
            .member(DeploymentMember.builder("second", second).tier(2).build())
            .build();
    CompletableFuture<ChatCompletion> call = pool.complete(request());
    assertThat(first.calls).hasSize(1);

    pool.close();
    first.calls.get(0).completeExceptionally(new ServerException("502 from the gateway"));

    assertThat(failure(call))
        .isInstanceOf(ServerException.class)
        .hasMessage("502 from the gateway");
    assertThat(second.calls()).isZero();
  }

  @Test
  void aMemberThatFailsToCloseDoesNotKeepTheOthersOpenAndASecondCloseDoesNothing() {
    OpenCalls stubborn = new OpenCalls(true);
    OpenCalls other = new OpenCalls(false);
    DeploymentPool pool = builder().member("stubborn", stubborn).member("other", other).build();

    pool.close();
    pool.close();

    assertThat(stubborn.closes).hasValue(1);
    assertThat(other.closes).hasValue(1);
  }

  @Test
  void thePoolListsItsMembersWithTheirSettings() {
    DeploymentPool pool =
        builder()
            .member(
                DeploymentMember.builder("east", new FakeMember("east"))
                    .requestsPerMinute(600)
                    .build())
            .member(DeploymentMember.builder("west", new FakeMember("west")).tier(2).build())
            .build();

    assertThat(pool.toString())
        .startsWith("DeploymentPool[DeploymentMember[east, tier=1, weight=1, rpm=600")
        .contains("DeploymentMember[west, tier=2, weight=1, rpm=unset");
    pool.close();
  }
}
