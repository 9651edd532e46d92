package dev.llmclient.core.internal.runtime;

import dev.llmclient.api.LlmTimeoutException;
import dev.llmclient.api.Usage;
import dev.llmclient.api.spi.ResponseCache;
import dev.llmclient.api.spi.SpanKind;
import dev.llmclient.api.spi.SpanStatus;
import dev.llmclient.core.TokenUsageTracker;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of one call, whatever its kind: start (cache, admission, registration, deadline),
 * exchanges with the backend (a CLIENT child span each, trace headers, exchanges cancelled when the
 * call ends), transport retries scheduled on the client's scheduler, and one end (answer, failure,
 * deadline, {@code close()} or a caller who completes the future) that cancels every timer and
 * exchange, records usage and ends the span. A kind of call ({@code GenerateCall}, {@code
 * EmbedCall}, a stream) says only what one exchange is and how its answer is checked.
 *
 * <p>The call ends exactly once, guarded by {@link #isDone()}; everything else a subclass does runs
 * one exchange callback at a time per part.
 *
 * @param <R> the answer the caller gets
 * @param <P> one unit of work sent to the backend (the whole request for chat, a batch of texts for
 *     embeddings)
 * @param <X> what the backend answers for one exchange
 */
public abstract class Call<R, P, X> {

  private static final Logger LOG = LoggerFactory.getLogger(Call.class);

  /** The client this call belongs to. */
  protected final ClientRuntime runtime;

  /** The call's span, {@code <prefix>.llm.<operation>}. */
  protected final SafeSpan span;

  private final CallFuture<R> result =
      new CallFuture<>() {
        @Override
        protected void abandoned(@Nullable Throwable reason) {
          abandon(reason);
        }
      };
  private final AtomicBoolean done = new AtomicBoolean();
  private final AtomicInteger attempts = new AtomicInteger();
  private final Set<CompletableFuture<?>> inFlight = ConcurrentHashMap.newKeySet();
  private volatile @Nullable Set<ScheduledFuture<?>> retryTimers; // made at the first retry
  private final Instant deadline;
  private final @Nullable String promptName;
  private final String model;
  private Usage usage = Usage.ZERO;
  private volatile @Nullable String answeringModel;
  private volatile boolean watched;

  /**
   * A call that has not started; its deadline runs from now.
   *
   * @param runtime the client's runtime
   * @param span the call's span, already started
   * @param promptName the name usage is recorded under, or null
   * @param model the model asked for, under which usage is recorded unless the answer names one
   */
  protected Call(ClientRuntime runtime, SafeSpan span, @Nullable String promptName, String model) {
    this.runtime = runtime;
    this.span = span;
    this.promptName = promptName;
    this.model = model;
    this.deadline = TransportRetries.after(runtime.clock().instant(), runtime.policy().deadline());
  }

  // ---- what a kind of call says ------------------------------------------------------------

  /**
   * Answers the call from the cache if it can (by calling {@link #succeed}); runs on the caller's
   * thread before anything is admitted.
   *
   * @return true when the call is answered and nothing is to be sent
   */
  protected abstract boolean answeredFromCache();

  /** Work to do once the call is known to need the backend, before it is registered. */
  protected void plan() {}

  /**
   * Hands the call's work to the client's admission limit; runs once, after registration and the
   * deadline timer.
   */
  protected abstract void admit();

  /**
   * Sends one exchange of {@code part} to the backend.
   *
   * @param part the work
   * @param attempt the exchange's CLIENT span (describe the request on it, send its trace headers)
   * @return the backend's future; null is turned into a failure naming the provider
   */
  protected abstract @Nullable CompletableFuture<X> send(P part, SafeSpan attempt);

  /**
   * The name of an exchange's CLIENT span, e.g. {@code "chat gpt-4o"}.
   *
   * @return the name
   */
  protected abstract String attemptSpanName();

  /**
   * What the backend is, for the message when it returns null, e.g. {@code "chat"}.
   *
   * @return the kind
   */
  protected abstract String backendKind();

  /**
   * An exchange ended, before its answer or failure is handled: e.g. give back its permit.
   *
   * @param part the work
   */
  protected void exchangeEnded(P part) {}

  /**
   * The backend answered one exchange; check it and go on, succeed or fail.
   *
   * @param part the work
   * @param attempt the exchange's span, to end when the answer is usable
   * @param answer the answer
   */
  protected abstract void answered(P part, SafeSpan attempt, X answer);

  /**
   * The exchange failed (its span has already recorded it); usually {@link #retryOrGiveUp}.
   *
   * @param part the work
   * @param error the failure, unwrapped
   */
  protected abstract void exchangeFailed(P part, Throwable error);

  /**
   * The failure when the deadline passes.
   *
   * @param deadline the policy's deadline
   * @param attempts the exchanges so far
   * @return the exception, saying what to raise or lower
   */
  protected abstract LlmTimeoutException timedOut(Duration deadline, int attempts);

  /**
   * Adds the kind's attributes to the call's span at its end.
   *
   * @param span the call's span, not a no-op
   * @param succeeded whether the call answered
   */
  protected abstract void describeOutcome(SafeSpan span, boolean succeeded);

  /** Gives back what the call holds of the admission limit; runs once, when the call ends. */
  protected void releaseAdmission() {}

  /**
   * The call has ended, however: tell whoever watches more than the future (a stream's consumer).
   * Runs once, right after the future completes, so that they find it complete.
   *
   * @param failure the failure, or null when the call answered
   */
  protected void ended(@Nullable Throwable failure) {}

  // ---- start -------------------------------------------------------------------------------

  /**
   * Starts the call: cache, admission (a full queue fails it with {@code TooManyCallsException}),
   * registration with the client and the deadline timer.
   *
   * @return the future the caller gets
   */
  public final CompletableFuture<R> start() {
    return start(true);
  }

  /**
   * Starts the call and waits for it on the caller's thread, which also keeps the deadline: no
   * deadline timer is scheduled, so a call that needs no retry never wakes the client's scheduler
   * (one thread hand-off fewer per blocking call). An interrupt of the waiting thread cancels the
   * call; failures are rethrown as {@link ClientRuntime#await} does.
   *
   * @return the answer
   */
  public final R startAndWait() {
    long waitUntil = System.nanoTime() + TransportRetries.nanos(runtime.policy().deadline());
    CompletableFuture<R> future = start(false);
    return ClientRuntime.await(future, waitUntil, this::deadlinePassed);
  }

  private CompletableFuture<R> start(boolean withTimer) {
    if (answeredFromCache()) {
      return result;
    }
    if (!runtime.limiter().hasRoom()) {
      fail(runtime.tooManyCalls());
      return result;
    }
    plan();
    runtime.register(this);
    if (done.get()) {
      return result;
    }
    if (withTimer) {
      // The client's one deadline timer fails the call at its deadline: no scheduler task per
      // call (the scheduler is touched only when the timer is not already due earlier).
      try {
        watched = true;
        runtime.deadlines().watch(this, deadline);
      } catch (RejectedExecutionException e) {
        fail(runtime.closedException());
        return result;
      }
      if (done.get()) {
        runtime.deadlines().unwatch(this); // ended meanwhile: cleanup() may have run before
        return result;
      }
    }
    admit();
    return result;
  }

  /**
   * The call's deadline, fixed when it was made.
   *
   * @return the instant, {@link Instant#MAX} for none
   */
  final Instant deadline() {
    return deadline;
  }

  /**
   * Whether the call has ended.
   *
   * @return true once it answered, failed or was abandoned
   */
  protected final boolean isDone() {
    return done.get();
  }

  /**
   * Whether the deadline has passed.
   *
   * @return true at or after it
   */
  protected final boolean deadlinePassedAlready() {
    return !runtime.clock().instant().isBefore(deadline);
  }

  // ---- exchanges ---------------------------------------------------------------------------

  /**
   * Runs one exchange of {@code part}: a CLIENT child span, {@link #send}, then {@link #answered}
   * or {@link #exchangeFailed} on the thread that completes it. Never throws.
   *
   * @param part the work
   */
  protected final void exchange(P part) {
    attempts.incrementAndGet();
    // tracing off: no span name is built for a span that is not made
    SafeSpan attempt = span.isNoop() ? span : span.child(attemptSpanName(), SpanKind.CLIENT);
    CompletableFuture<X> future;
    try {
      future = send(part, attempt);
      if (future == null) {
        future =
            CompletableFuture.failedFuture(
                new IllegalStateException(
                    runtime.providerId()
                        + " "
                        + backendKind()
                        + " backend returned null instead of a future"));
      }
    } catch (RuntimeException e) {
      future = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<X> sent = future;
    inFlight.add(sent);
    if (done.get()) {
      // finished (cancelled, timed out, closed) while this exchange was being sent
      sent.cancel(true);
    }
    sent.whenComplete(
        (answer, error) -> {
          inFlight.remove(sent);
          exchangeEnded(part);
          try {
            if (error != null) {
              Throwable cause = ClientRuntime.unwrap(error);
              attempt.failAttempt(cause);
              exchangeFailed(part, cause);
            } else {
              answered(part, attempt, answer);
            }
          } catch (RuntimeException | Error e) {
            fail(e);
          }
        });
  }

  /**
   * The transport-retry decision for a failed exchange: a retryable failure is tried again after
   * the server's wait or the policy's backoff, if the deadline allows.
   *
   * @param error the failure
   * @param retriesSoFar the retries of this part so far
   * @return {@link TransportRetries.Retry} with the wait, or {@link TransportRetries.GiveUp}
   */
  protected final TransportRetries.Decision decide(Throwable error, int retriesSoFar) {
    return TransportRetries.decide(
        runtime.policy(),
        error,
        retriesSoFar,
        runtime.clock().instant(),
        deadline,
        runtime.random());
  }

  /**
   * Runs {@code task} after {@code wait} on the client's scheduler, with an {@code llmclient.retry}
   * event on the span; the timer is cancelled when the call ends.
   *
   * @param wait the wait
   * @param error the failure that is retried
   * @param extra more event attributes, may be empty
   * @param task the retry
   */
  protected final void retryAfter(
      Duration wait, Throwable error, Map<String, Object> extra, Runnable task) {
    Map<String, Object> attributes = new HashMap<>(extra);
    attributes.put("llmclient.attempt", (long) attempts.get());
    attributes.put("llmclient.wait_ms", wait.toMillis());
    attributes.put("error.type", error.getClass().getName());
    span.event("llmclient.retry", attributes);
    // At INFO by default, so that an operator sees why a call took long; never the message text
    // of the failure beyond its type and status, which carry no prompt or secret.
    LOG.info(
        "{} {} attempt {} failed with {}{}; retrying in {} ms",
        runtime.providerId(),
        attemptSpanName(),
        attempts.get(),
        error.getClass().getSimpleName(),
        error instanceof dev.llmclient.api.LlmException e && e.httpStatus() != null
            ? " (HTTP " + e.httpStatus() + ")"
            : "",
        wait.toMillis());
    try {
      ScheduledFuture<?> timer =
          runtime.scheduler().schedule(task, TransportRetries.nanos(wait), TimeUnit.NANOSECONDS);
      retryTimers().add(timer);
      if (done.get()) {
        timer.cancel(false);
      }
    } catch (RejectedExecutionException e) {
      fail(runtime.closedException());
    }
  }

  private Set<ScheduledFuture<?>> retryTimers() {
    Set<ScheduledFuture<?>> timers = retryTimers;
    if (timers == null) {
      synchronized (this) {
        timers = retryTimers;
        if (timers == null) {
          timers = ConcurrentHashMap.newKeySet();
          retryTimers = timers;
        }
      }
    }
    return timers;
  }

  /**
   * The exchanges so far.
   *
   * @return the count
   */
  protected final int attempts() {
    return attempts.get();
  }

  /**
   * Adds one exchange's usage.
   *
   * @param u the usage the backend reported
   */
  protected final synchronized void addUsage(Usage u) {
    usage = usage.plus(u);
  }

  /**
   * The usage so far.
   *
   * @return the sum of every exchange's usage
   */
  protected final synchronized Usage usage() {
    return usage;
  }

  /**
   * Names the model that answered, under which usage is recorded.
   *
   * @param model the model the backend reported, or null to keep the one asked for
   */
  protected final void answeredBy(@Nullable String model) {
    if (model != null) {
      answeringModel = model;
    }
  }

  /**
   * The model that answered, if the backend said.
   *
   * @return the model, or null
   */
  protected final @Nullable String answeringModel() {
    return answeringModel;
  }

  // ---- cache -------------------------------------------------------------------------------

  /**
   * Reads the cache; a cache that throws counts as a miss.
   *
   * @param key the key
   * @return the entry, or null
   */
  protected final @Nullable String cacheGet(String key) {
    ResponseCache cache = runtime.cache();
    if (cache == null) {
      return null;
    }
    try {
      return cache.get(key);
    } catch (RuntimeException e) {
      LOG.debug("response cache lookup failed; treating it as a miss", e);
      return null;
    }
  }

  /**
   * Writes the cache; a cache that throws is logged, the answer is returned anyway.
   *
   * @param key the key, or null for no write
   * @param value the entry
   */
  protected final void cachePut(@Nullable String key, String value) {
    ResponseCache cache = runtime.cache();
    if (cache == null || key == null) {
      return;
    }
    try {
      cache.put(key, value);
    } catch (RuntimeException e) {
      LOG.debug("response cache write failed; the answer is returned anyway", e);
    }
  }

  // ---- outcome -----------------------------------------------------------------------------

  /**
   * Ends the call with its answer, unless it has ended already.
   *
   * @param answer the answer, built before so that nothing after this point throws
   */
  protected final void succeed(R answer) {
    if (!done.compareAndSet(false, true)) {
      return;
    }
    try {
      cleanup();
      if (attempts.get() > 0) {
        recordUsage();
      }
      describe(true);
      span.status(SpanStatus.OK, null);
      span.end();
    } finally {
      result.answer(answer);
    }
    endedSafely(null);
  }

  /**
   * Ends a call that sent nothing with an answer, unless it has ended already: a cache hit.
   *
   * @param answer the answer
   * @return false when the call had ended already
   */
  protected final boolean answerWithoutExchange(R answer) {
    if (!done.compareAndSet(false, true)) {
      return false;
    }
    span.status(SpanStatus.OK, null);
    span.end();
    result.answer(answer);
    endedSafely(null);
    return true;
  }

  /**
   * Ends the call with a failure, unless it has ended already.
   *
   * @param error the failure the caller gets
   */
  public final void fail(Throwable error) {
    if (!done.compareAndSet(false, true)) {
      return;
    }
    try {
      stop(error);
    } finally {
      result.failWith(error);
    }
    endedSafely(error);
  }

  /**
   * The caller completed the future first (cancel, orTimeout, ...): stop the exchanges, the retries
   * and the deadline timer, so that nothing more reaches the server; record the usage so far and
   * end the span.
   */
  private void abandon(@Nullable Throwable reason) {
    if (done.get() || !done.compareAndSet(false, true)) {
      return;
    }
    Throwable error =
        reason != null
            ? reason
            : new CancellationException("the caller completed the call's future with a value");
    stop(error);
    endedSafely(error);
  }

  private void stop(Throwable error) {
    cleanup();
    for (CompletableFuture<?> pending : inFlight) {
      pending.cancel(true);
    }
    if (attempts.get() > 0) {
      recordUsage();
    }
    describe(false);
    span.endWithError(error);
  }

  private void endedSafely(@Nullable Throwable failure) {
    try {
      ended(failure);
    } catch (RuntimeException e) {
      LOG.debug("a call's end hook failed", e);
    }
  }

  /** The deadline passed: fails the call with the kind's timeout. */
  final void deadlinePassed() {
    fail(timedOut(runtime.policy().deadline(), attempts.get()));
  }

  private void cleanup() {
    if (watched) {
      runtime.deadlines().unwatch(this);
    }
    Set<ScheduledFuture<?>> timers = retryTimers;
    if (timers != null) {
      for (ScheduledFuture<?> retry : timers) {
        retry.cancel(false);
      }
    }
    runtime.unregister(this);
    // before the future completes, so that a caller who sends the next call from its callback
    // finds the admission free
    releaseAdmission();
  }

  private void recordUsage() {
    TokenUsageTracker tracker = runtime.tracker();
    if (tracker != null) {
      String answering = answeringModel;
      tracker.record(promptName, answering != null ? answering : model, usage());
    }
  }

  private void describe(boolean succeeded) {
    if (span.isNoop()) {
      return;
    }
    span.set("llmclient.attempts", (long) attempts.get());
    describeOutcome(span, succeeded);
  }
}
