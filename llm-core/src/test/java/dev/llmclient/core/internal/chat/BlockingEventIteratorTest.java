package dev.llmclient.core.internal.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmclient.api.CallCancelledException;
import dev.llmclient.api.LlmConnectionException;
import dev.llmclient.api.LlmException;
import dev.llmclient.api.StreamEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The blocking iterator of {@code LlmStream.iterator()} on its own: its window of demand, its end,
 * its failures (after events, while the iterating thread waits), an interrupt, and the threads it
 * refuses to block.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BlockingEventIteratorTest {

  /** Records what the iterator asks of its subscription. */
  static final class RecordingSubscription implements Flow.Subscription {
    final List<Long> requests = new ArrayList<>();
    final CountDownLatch cancelled = new CountDownLatch(1);

    @Override
    public synchronized void request(long n) {
      requests.add(n);
    }

    @Override
    public void cancel() {
      cancelled.countDown();
    }

    synchronized long requested() {
      return requests.stream().mapToLong(Long::longValue).sum();
    }
  }

  private final BlockingEventIterator events = new BlockingEventIterator();
  private final RecordingSubscription subscription = new RecordingSubscription();

  private static StreamEvent.TextDelta text(int i) {
    return new StreamEvent.TextDelta("t" + i);
  }

  @Test
  void asksForAWindowAndTopsItUpAsEventsAreTaken() {
    events.onSubscribe(subscription);
    assertThat(subscription.requests).containsExactly(32L);

    for (int i = 0; i < 40; i++) {
      events.onNext(text(i));
    }
    for (int i = 0; i < 15; i++) {
      assertThat(events.next()).isEqualTo(text(i));
    }
    assertThat(subscription.requests).as("no refill before half the window").containsExactly(32L);
    assertThat(events.next()).isEqualTo(text(15));
    assertThat(subscription.requests).containsExactly(32L, 16L);
    for (int i = 16; i < 32; i++) {
      assertThat(events.hasNext()).isTrue();
      assertThat(events.next()).isEqualTo(text(i));
    }
    assertThat(subscription.requests).containsExactly(32L, 16L, 16L);
    assertThat(subscription.requested() - 32)
        .as("never more outstanding than the window")
        .isLessThanOrEqualTo(32);
  }

  @Test
  void hasNextKeepsTheEventUntilNextTakesIt() {
    events.onSubscribe(subscription);
    events.onNext(text(1));
    events.onComplete();

    assertThat(events.hasNext()).isTrue();
    assertThat(events.hasNext()).isTrue();
    assertThat(events.next()).isEqualTo(text(1));
    assertThat(events.hasNext()).isFalse();
    assertThat(events.hasNext()).as("still ended").isFalse();
    assertThatThrownBy(events::next)
        .isInstanceOf(NoSuchElementException.class)
        .hasMessageContaining("ended");
  }

  @Test
  void aFailureAfterEventsComesAfterThemAndEndsTheIteration() {
    events.onSubscribe(subscription);
    events.onNext(text(1));
    events.onNext(text(2));
    LlmConnectionException broken = new LlmConnectionException("The stream broke after 2 event(s)");
    events.onError(broken);

    assertThat(events.next()).isEqualTo(text(1));
    assertThat(events.next()).isEqualTo(text(2));
    assertThatThrownBy(events::hasNext).isSameAs(broken);
    assertThat(events.hasNext()).as("thrown once, then ended").isFalse();
  }

  @Test
  void anErrorIsThrownAsItIs() {
    events.onSubscribe(subscription);
    AssertionError error = new AssertionError("a subscriber's bug");
    events.onError(error);

    assertThatThrownBy(events::next).isSameAs(error);
  }

  @Test
  void aCheckedFailureIsWrappedAsAnLlmException() {
    events.onSubscribe(subscription);
    Exception checked = new java.io.IOException("socket closed");
    events.onError(checked);

    assertThatThrownBy(events::hasNext)
        .isInstanceOf(LlmException.class)
        .hasMessageContaining("The stream failed")
        .hasCause(checked);
  }

  @Test
  void aThreadWaitingForTheNextEventIsWokenByIt() throws Exception {
    events.onSubscribe(subscription);
    CompletableFuture<StreamEvent> taken = CompletableFuture.supplyAsync(events::next);
    waitUntilWaiting(taken);

    events.onNext(text(7));

    assertThat(taken.get(10, TimeUnit.SECONDS)).isEqualTo(text(7));
  }

  @Test
  void closingTheStreamWhileTheThreadWaitsFailsItsHasNext() throws Exception {
    events.onSubscribe(subscription);
    CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(events::hasNext);
    waitUntilWaiting(waiting);

    // what PipelineStream.close() makes the relay signal: the call failed, cancelled
    CallCancelledException closed =
        new CallCancelledException("The stream was closed before it finished");
    events.onError(closed);

    assertThatThrownBy(() -> waiting.get(10, TimeUnit.SECONDS)).hasCause(closed);
  }

  @Test
  void anInterruptWhileWaitingCancelsTheStreamAndKeepsTheFlag() throws Exception {
    events.onSubscribe(subscription);
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    AtomicReference<Boolean> flagAfter = new AtomicReference<>();
    Thread iterating =
        new Thread(
            () -> {
              try {
                events.hasNext();
              } catch (RuntimeException e) {
                thrown.set(e);
              }
              flagAfter.set(Thread.currentThread().isInterrupted());
            },
            "iterating");
    iterating.start();
    waitUntilParked(iterating);

    iterating.interrupt();
    iterating.join(10_000);

    assertThat(thrown.get())
        .isInstanceOf(CallCancelledException.class)
        .hasMessageContaining("interrupted")
        .hasCauseInstanceOf(InterruptedException.class);
    assertThat(flagAfter.get()).as("the interrupt flag is set again").isTrue();
    assertThat(subscription.cancelled.await(10, TimeUnit.SECONDS))
        .as("the subscription was cancelled")
        .isTrue();
  }

  @Test
  void anInterruptBeforeTheSubscriptionArrivesStillFailsTyped() throws Exception {
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread iterating =
        new Thread(
            () -> {
              try {
                events.hasNext();
              } catch (RuntimeException e) {
                thrown.set(e);
              }
            },
            "iterating");
    iterating.start();
    waitUntilParked(iterating);

    iterating.interrupt();
    iterating.join(10_000);

    assertThat(thrown.get()).isInstanceOf(CallCancelledException.class);
  }

  @Test
  void refusesToWaitOnAThreadThatDeliversAnswers() throws Exception {
    events.onSubscribe(subscription);
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread io =
        new Thread(
            () -> {
              try {
                events.hasNext();
              } catch (RuntimeException e) {
                thrown.set(e);
              }
            },
            "llmclient-io-test-1");
    io.start();
    io.join(10_000);

    assertThat(thrown.get())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("LlmStream.iterator().hasNext()")
        .hasMessageContaining("llmclient-io-test-1");
  }

  /** Waits until the future's thread is parked in the iterator (it has spun and gone to sleep). */
  private static void waitUntilWaiting(CompletableFuture<?> future) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < until && !future.isDone() && !someThreadParkedInTake()) {
      Thread.sleep(5);
    }
    assertThat(future).as("still waiting for an event").isNotDone();
  }

  private static void waitUntilParked(Thread thread) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < until && thread.getState() != Thread.State.WAITING) {
      Thread.sleep(5);
    }
    assertThat(thread.getState()).isEqualTo(Thread.State.WAITING);
  }

  private static boolean someThreadParkedInTake() {
    for (StackTraceElement[] stack : Thread.getAllStackTraces().values()) {
      for (StackTraceElement frame : stack) {
        if (frame.getClassName().equals(BlockingEventIterator.class.getName())
            && frame.getMethodName().equals("hasNext")
            && stack.length > 0
            && stack[0].getMethodName().equals("park")) {
          return true;
        }
      }
    }
    return false;
  }
}
