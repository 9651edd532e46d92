package dev.llmclient.core.pool;

import dev.llmclient.api.spi.BackendInfo;
import dev.llmclient.api.spi.ChatCompletion;
import dev.llmclient.api.spi.ChatCompletionRequest;
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
 * One request to the pool, across its failovers and waits. The fields without {@code volatile} are
 * guarded by the pool's lock, or touched only by the attempt that owns the call.
 */
final class PoolCall {
  final ChatCompletionRequest request;
  final CompletableFuture<ChatCompletion> result = new CompletableFuture<>();
  final SafeSpan span;
  final long promptTokens;
  final long outputCap;
  final long deadline;
  final List<PoolMember> tried = new ArrayList<>(2);
  volatile @Nullable Throwable lastError;
  volatile @Nullable CompletableFuture<ChatCompletion> inFlight;
  long waitStart = Long.MIN_VALUE;
  long waitedNanos;
  double cost;

  PoolCall(ChatCompletionRequest request, SafeSpan span, long deadline) {
    this.request = request;
    this.span = span;
    this.promptTokens = DeploymentBudget.estimatePromptTokens(request);
    Integer cap = request.maxOutputTokens();
    this.outputCap = cap == null ? 0 : cap;
    this.deadline = deadline;
  }

  /** The tokens to count against a member: its corrected prompt estimate plus the output cap. */
  long tokensFor(PoolMember m) {
    return (long) Math.ceil(promptTokens * m.tokenFactor) + outputCap;
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
  CompletableFuture<ChatCompletion> attempt(PoolMember m, BackendInfo pool) {
    try {
      CompletableFuture<ChatCompletion> future = m.backend.complete(requestFor(m, pool));
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
  void finish(@Nullable ChatCompletion c, @Nullable Throwable error) {
    endSpan(error);
    if (error != null) {
      result.completeExceptionally(error);
    } else {
      result.complete(c);
    }
  }

  /** The caller cancelled: stops the attempt in flight and ends the span. */
  void abandon() {
    CompletableFuture<ChatCompletion> pending = inFlight;
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

  /** The request with the pool's default deployment names replaced by the member's own. */
  ChatCompletionRequest requestFor(PoolMember m, BackendInfo pool) {
    String model = request.model();
    String mapped = model;
    if (model.equals(pool.defaultModel()) && m.info.defaultModel() != null) {
      mapped = m.info.defaultModel();
    } else if (model.equals(pool.defaultSmallModel()) && m.info.defaultSmallModel() != null) {
      mapped = m.info.defaultSmallModel();
    }
    if (mapped == null || mapped.equals(model)) {
      return request;
    }
    return new ChatCompletionRequest(
        mapped,
        request.messages(),
        request.temperature(),
        request.maxOutputTokens(),
        request.responseFormat(),
        request.reasoningEffort(),
        request.verbosity(),
        request.user(),
        request.headers());
  }
}
