package dev.llmclient.core.pool;

import dev.llmclient.api.Usage;
import dev.llmclient.api.spi.BackendInfo;
import dev.llmclient.api.spi.RateLimitInfo;
import dev.llmclient.api.spi.SpanStatus;
import dev.llmclient.core.internal.runtime.SafeSpan;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One request to the pool, across its failovers and waits; a subclass per kind of call (chat,
 * embeddings) says which members serve it, how to send it and what its answer reports, so routing,
 * failover, budgets and breakers are the same for every kind. The fields without {@code volatile}
 * are guarded by the pool's lock, or touched only by the attempt that owns the call.
 *
 * @param <R> the answer of one attempt
 */
abstract class PoolCall<R> {

  /** What the pool learns from an answer of any kind. */
  record Answer(
      Usage usage, RateLimitInfo rateLimit, @Nullable String model, @Nullable String requestId) {}

  final CompletableFuture<R> result = new CompletableFuture<>();
  final BackendInfo pool;
  final SafeSpan span;
  final long promptTokens;
  final @Nullable Integer outputCap;
  final long deadline;
  final List<PoolMember> tried = new ArrayList<>(2);
  volatile @Nullable Throwable lastError;
  volatile @Nullable CompletableFuture<R> inFlight;
  long waitStart = Long.MIN_VALUE;
  long waitedNanos;
  double cost;

  /**
   * @param pool the pool as one backend of this kind, whose default deployments map to each
   *     member's own
   * @param promptTokens the estimated input tokens
   * @param outputCap the output-token cap, null when the request sets none
   */
  PoolCall(
      BackendInfo pool,
      SafeSpan span,
      long promptTokens,
      @Nullable Integer outputCap,
      long deadline) {
    this.pool = pool;
    this.span = span;
    this.promptTokens = promptTokens;
    this.outputCap = outputCap;
    this.deadline = deadline;
  }

  /** The model or deployment the caller asked for. */
  abstract String model();

  /** Whether the member serves this kind of call. */
  abstract boolean isServedBy(PoolMember m);

  /** Sends the request, mapped to the member's own deployment, to the member's backend. */
  abstract @Nullable CompletableFuture<R> send(PoolMember m);

  /** The usage, limits, model and request id an answer reports. */
  abstract Answer answer(R answer);

  /** The answer marked as served by the named member. */
  abstract R servedBy(R answer, String member);

  /** The tokens to count against a member: its corrected prompt estimate plus the output cap. */
  long tokensFor(PoolMember m) {
    return (long) Math.ceil(promptTokens * m.tokenFactor) + (outputCap == null ? 0 : outputCap);
  }

  /**
   * The member's own deployment for a call of the pool's default (or small) deployment, or null
   * when the model stays as it is.
   */
  static @Nullable String memberModel(String model, BackendInfo pool, BackendInfo member) {
    String mapped = model;
    if (model.equals(pool.defaultModel()) && member.defaultModel() != null) {
      mapped = member.defaultModel();
    } else if (model.equals(pool.defaultSmallModel()) && member.defaultSmallModel() != null) {
      mapped = member.defaultSmallModel();
    }
    return mapped == null || mapped.equals(model) ? null : mapped;
  }

  /** Notes on the span that the call moves on from the last member that failed it. */
  void failingOverTo(PoolMember m) {
    if (tried.isEmpty()) {
      return;
    }
    PoolMember from = tried.get(tried.size() - 1);
    Throwable last = lastError;
    span.event(
        "llmclient.pool.failover",
        Map.of(
            "llmclient.pool.from", from.name,
            "llmclient.pool.member", m.name,
            "error.type", last == null ? "unknown" : last.getClass().getName()));
  }

  /** Sends the request to a member; a backend that throws or returns null is a failed attempt. */
  CompletableFuture<R> attempt(PoolMember m) {
    try {
      CompletableFuture<R> future = send(m);
      if (future == null) {
        return CompletableFuture.failedFuture(
            new IllegalStateException(
                "the backend of pool member " + m.name + " returned null instead of a future"));
      }
      return future;
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Completes the call and ends its span. */
  void finish(@Nullable R answer, @Nullable Throwable error) {
    endSpan(error);
    if (error != null) {
      result.completeExceptionally(error);
    } else {
      result.complete(answer);
    }
  }

  /** The caller cancelled: stops the attempt in flight and ends the span. */
  void abandon() {
    CompletableFuture<R> pending = inFlight;
    if (pending != null && !pending.isDone()) {
      pending.cancel(true);
    }
    endSpanOnly(new CancellationException("cancelled by the caller"));
  }

  /** Ends the call's span with its failovers and wait, as failed when there is an error. */
  private void endSpan(@Nullable Throwable error) {
    span.set("llmclient.pool.failovers", (long) tried.size());
    span.set("llmclient.pool.budget_wait_ms", TimeUnit.NANOSECONDS.toMillis(waitedNanos));
    endSpanOnly(error);
  }

  private void endSpanOnly(@Nullable Throwable error) {
    if (error != null) {
      span.recordException(error);
      span.status(SpanStatus.ERROR, error.getMessage());
    } else {
      span.status(SpanStatus.OK, null);
    }
    span.end();
  }
}
