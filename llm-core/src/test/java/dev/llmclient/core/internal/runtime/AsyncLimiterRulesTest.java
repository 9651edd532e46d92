package dev.llmclient.core.internal.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The concurrency limit's rules, on one thread: a free permit runs a task at once, a full limit
 * queues it in order up to the bound and refuses beyond it, accepted work (a retry) may pass the
 * bound and the queue, and a task that throws does not stop the ones behind it.
 */
class AsyncLimiterRulesTest {

  final List<String> ran = new ArrayList<>();

  Runnable task(String name) {
    return () -> ran.add(name);
  }

  @Test
  void aLimitNeedsAPermitAndABoundNotBelowZero() {
    assertThatThrownBy(() -> new AsyncLimiter(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("permits must be at least 1, got 0");
    assertThatThrownBy(() -> new AsyncLimiter(1, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxQueued must not be negative, got -1");
    AsyncLimiter unbounded = new AsyncLimiter(3);
    assertThat(unbounded.permits()).isEqualTo(3);
    assertThat(unbounded.maxQueued()).isEqualTo(Integer.MAX_VALUE);
  }

  @Test
  void tasksBeyondThePermitsWaitInOrderAndBeyondTheBoundAreRefused() {
    AsyncLimiter limiter = new AsyncLimiter(1, 2);

    assertThat(limiter.submit(task("a"))).isTrue();
    assertThat(limiter.inUse()).isEqualTo(1);
    assertThat(limiter.submit(task("b"))).isTrue();
    assertThat(limiter.submit(task("c"))).isTrue();
    assertThat(limiter.hasRoom()).isFalse();
    assertThat(limiter.submit(task("refused"))).isFalse();
    assertThat(limiter.waiting()).isEqualTo(2);
    assertThat(ran).containsExactly("a");

    limiter.release();
    assertThat(ran).containsExactly("a", "b");
    limiter.release();
    assertThat(ran).containsExactly("a", "b", "c");
    limiter.release();
    assertThat(limiter.inUse()).isZero();
    assertThat(limiter.waiting()).isZero();
    assertThat(limiter.hasRoom()).isTrue();
  }

  @Test
  void withoutAQueueATaskRunsOnlyOnAFreePermit() {
    AsyncLimiter limiter = new AsyncLimiter(1, 0);

    assertThat(limiter.hasRoom()).isTrue();
    assertThat(limiter.submit(task("a"))).isTrue();
    assertThat(limiter.hasRoom()).isFalse();
    assertThat(limiter.submit(task("b"))).isFalse();
    limiter.release();
    assertThat(ran).containsExactly("a");
  }

  @Test
  void acceptedWorkPassesTheBoundAndARetryGoesFirst() {
    AsyncLimiter limiter = new AsyncLimiter(1, 1);
    limiter.submit(task("running"));
    limiter.submit(task("queued"));

    limiter.submitAccepted(task("later part"), false);
    limiter.submitAccepted(task("retry"), true);
    assertThat(limiter.waiting()).isEqualTo(3);

    for (int i = 0; i < 4; i++) {
      limiter.release();
    }
    assertThat(ran).containsExactly("running", "retry", "queued", "later part");
    assertThat(limiter.inUse()).isZero();
  }

  @Test
  void acceptedWorkRunsAtOnceOnAFreePermit() {
    AsyncLimiter limiter = new AsyncLimiter(2, 0);

    limiter.submitAccepted(task("retry"), true);

    assertThat(ran).containsExactly("retry");
    assertThat(limiter.inUse()).isEqualTo(1);
  }

  @Test
  void aTaskThatThrowsNeitherReachesTheSubmitterNorStopsTheQueue() {
    AsyncLimiter limiter = new AsyncLimiter(1);
    limiter.submit(task("first"));
    limiter.submit(
        () -> {
          limiter.release();
          throw new IllegalStateException("a bug in a task");
        });
    limiter.submit(task("after"));

    limiter.release();

    assertThat(ran).containsExactly("first", "after");
  }
}
