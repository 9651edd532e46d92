package dev.llmclient.core.internal.embed;

import dev.llmclient.api.EmbeddingBatchException;
import dev.llmclient.api.ErrorContext;
import dev.llmclient.api.InvalidResponseException;
import dev.llmclient.api.LlmException;
import dev.llmclient.api.LlmTimeoutException;
import dev.llmclient.api.Usage;
import dev.llmclient.api.spi.EmbeddingRequest;
import dev.llmclient.api.spi.EmbeddingResult;
import dev.llmclient.api.spi.ResponseCache;
import dev.llmclient.api.spi.SpanKind;
import dev.llmclient.api.spi.SpanStatus;
import dev.llmclient.core.EmbedderConfig;
import dev.llmclient.core.TokenUsageTracker;
import dev.llmclient.core.internal.chat.PipelineClient;
import dev.llmclient.core.internal.runtime.CallFuture;
import dev.llmclient.core.internal.runtime.SafeSpan;
import dev.llmclient.core.internal.runtime.TransportRetries;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
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
 * One {@code createBatch} call: per-text cache lookups, the split of the misses into requests, each
 * request run under the client's concurrency limit with its own transport retries, the vectors
 * fitted to the configured length, cached and put back in input order. One request that fails for
 * good fails the whole call; the call-wide deadline timer, {@code close()} and a caller who cancels
 * the future can finish it too, guarded by {@link #done}.
 *
 * <p>The call is admitted to the client's queue whole when it arrives (its requests may then exceed
 * the queue's bound by the rest of its own batch); a retry waits its backoff on the scheduler, then
 * queues ahead of everything else, since it belongs to work already accepted.
 */
final class EmbedCall {

  private static final Logger LOG = LoggerFactory.getLogger(EmbedCall.class);

  /** One request's inputs and its retry state; touched by one attempt at a time. */
  private static final class Part {
    final int[] indexes;
    int retries;

    Part(int[] indexes) {
      this.indexes = indexes;
    }

    List<Integer> indexList() {
      List<Integer> list = new ArrayList<>(indexes.length);
      for (int i : indexes) {
        list.add(i);
      }
      return list;
    }
  }

  private final PipelineEmbedder client;
  private final List<String> texts;
  private final SafeSpan span;
  private final float[][] vectors;
  private final @Nullable String[] keys;
  private final CallFuture<List<float[]>> result =
      new CallFuture<>() {
        @Override
        protected void abandoned(@Nullable Throwable reason) {
          abandon(reason);
        }
      };
  private final AtomicBoolean done = new AtomicBoolean();
  private final AtomicInteger remaining = new AtomicInteger();
  private final AtomicInteger attempts = new AtomicInteger();
  private final Set<CompletableFuture<EmbeddingResult>> inFlight = ConcurrentHashMap.newKeySet();
  private final Set<ScheduledFuture<?>> retryTimers = ConcurrentHashMap.newKeySet();
  private final Instant deadline;
  private int requests;
  private int cacheHits;
  private Usage usage = Usage.ZERO;
  private volatile @Nullable String answeringModel;
  private volatile @Nullable ScheduledFuture<?> deadlineTimer;

  EmbedCall(PipelineEmbedder client, List<String> texts, SafeSpan span) {
    this.client = client;
    this.texts = texts;
    this.span = span;
    this.vectors = new float[texts.size()][];
    this.keys = new String[texts.size()];
    this.deadline = TransportRetries.after(client.clock.instant(), client.policy.deadline());
  }

  CompletableFuture<List<float[]>> start() {
    List<Integer> misses = lookUpCache();
    if (misses.isEmpty()) {
      succeed();
      return result;
    }
    if (!client.limiter.hasRoom()) {
      fail(client.tooManyRequests());
      return result;
    }
    List<int[]> plan = EmbeddingBatches.plan(texts, misses, client.config);
    requests = plan.size();
    remaining.set(plan.size());
    client.register(this);
    if (done.get()) {
      return result;
    }
    try {
      deadlineTimer =
          client.scheduler.schedule(
              this::deadlinePassed,
              TransportRetries.nanos(client.policy.deadline()),
              TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      fail(PipelineEmbedder.closedException());
      return result;
    }
    for (int[] indexes : plan) {
      Part part = new Part(indexes);
      client.limiter.submitAccepted(() -> attempt(part), false);
    }
    return result;
  }

  // ---- cache -------------------------------------------------------------------------------

  private List<Integer> lookUpCache() {
    ResponseCache cache = client.cache;
    List<Integer> misses = new ArrayList<>(texts.size());
    for (int i = 0; i < texts.size(); i++) {
      if (cache != null) {
        String key =
            EmbeddingCacheKey.of(
                client.providerId,
                client.endpoint,
                client.model,
                client.config.dimensions().orElse(null),
                texts.get(i));
        keys[i] = key;
        float[] cached = null;
        try {
          String value = cache.get(key);
          if (value != null) {
            cached = EmbeddingVectors.decode(value, client.config.dimensions().orElse(null));
          }
        } catch (RuntimeException e) {
          LOG.debug("response cache lookup failed; treating it as a miss", e);
        }
        if (cached != null) {
          vectors[i] = cached;
          cacheHits++;
          continue;
        }
      }
      misses.add(i);
    }
    return misses;
  }

  private void store(int index, float[] vector) {
    ResponseCache cache = client.cache;
    String key = keys[index];
    if (cache == null || key == null) {
      return;
    }
    try {
      cache.put(key, EmbeddingVectors.encode(vector));
    } catch (RuntimeException e) {
      LOG.debug("response cache write failed; the vector is returned anyway", e);
    }
  }

  // ---- requests ----------------------------------------------------------------------------

  /** Runs under a limiter permit; must release it exactly once and never throw. */
  private void attempt(Part part) {
    if (done.get()) {
      client.limiter.release();
      return;
    }
    attempts.incrementAndGet();
    SafeSpan child = span.child("embeddings " + client.model, SpanKind.CLIENT);
    CompletableFuture<EmbeddingResult> future;
    try {
      Map<String, String> headers = Map.of();
      if (!child.isNoop()) {
        describeRequest(child, part);
        headers = child.propagationHeaders();
      }
      List<String> inputs = new ArrayList<>(part.indexes.length);
      for (int i : part.indexes) {
        inputs.add(texts.get(i));
      }
      EmbeddingRequest request =
          new EmbeddingRequest(client.model, inputs, client.dimensionsParameter, headers);
      future = client.backend.embed(request);
      if (future == null) {
        future =
            CompletableFuture.failedFuture(
                new IllegalStateException(
                    client.providerId + " embedding backend returned null instead of a future"));
      }
    } catch (RuntimeException e) {
      future = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<EmbeddingResult> sent = future;
    inFlight.add(sent);
    if (done.get()) {
      // finished (cancelled, timed out, failed) while this request was being sent
      sent.cancel(true);
    }
    sent.whenComplete(
        (r, error) -> {
          inFlight.remove(sent);
          client.limiter.release();
          try {
            if (error != null) {
              Throwable cause = PipelineClient.unwrap(error);
              child.failAttempt(cause);
              partFailed(part, cause);
            } else {
              partAnswered(part, child, r);
            }
          } catch (RuntimeException | Error e) {
            fail(e);
          }
        });
  }

  private void partAnswered(Part part, SafeSpan child, EmbeddingResult r) {
    addUsage(r.usage());
    if (r.model() != null) {
      answeringModel = r.model();
    }
    List<float[]> got = r.vectors();
    float[][] fitted = new float[part.indexes.length][];
    LlmException problem = null;
    if (got.size() != part.indexes.length) {
      problem =
          invalid(
              "The server returned "
                  + got.size()
                  + " vectors for "
                  + part.indexes.length
                  + " inputs",
              r);
    } else {
      for (int k = 0; k < got.size() && problem == null; k++) {
        float[] v = got.get(k);
        int bad;
        if (v == null || v.length == 0) {
          problem = invalid("The server returned an empty vector for one input", r);
        } else if ((bad = EmbeddingVectors.firstNonFinite(v)) >= 0) {
          problem =
              invalid(
                  "The server returned a vector with "
                      + v[bad]
                      + " at position "
                      + bad
                      + " (for input "
                      + part.indexes[k]
                      + "); such a vector cannot be compared, so nothing of this request was"
                      + " cached. Try again, or report it to the provider",
                  r);
        } else {
          fitted[k] = fit(v);
          if (fitted[k] == null) {
            problem =
                invalid(
                    "The server returned vectors of "
                        + v.length
                        + " values, fewer than the "
                        + client.config.dimensions().orElse(0)
                        + " configured; set "
                        + EmbedderConfig.EMBEDDING_DIM
                        + " to "
                        + v.length
                        + " or less, or use a larger model",
                    r);
          }
        }
      }
    }
    if (problem != null) {
      child.failAttempt(problem);
      fail(new EmbeddingBatchException(part.indexList(), texts.size(), problem));
      return;
    }
    attemptSucceeded(child, r);
    for (int k = 0; k < fitted.length; k++) {
      int index = part.indexes[k];
      vectors[index] = fitted[k];
      store(index, fitted[k]);
    }
    if (remaining.decrementAndGet() == 0) {
      succeed();
    }
  }

  /** The vector at the configured length, or null when it is shorter than that. */
  private float @Nullable [] fit(float[] v) {
    Integer dims = client.config.dimensions().orElse(null);
    if (dims == null || v.length == dims) {
      return v;
    }
    if (v.length < dims) {
      return null;
    }
    return EmbeddingVectors.truncateAndNormalise(v, dims);
  }

  private void partFailed(Part part, Throwable error) {
    if (done.get()) {
      return;
    }
    TransportRetries.Decision decision =
        TransportRetries.decide(
            client.policy,
            error,
            part.retries,
            client.clock.instant(),
            deadline,
            client.random.getAsDouble());
    if (decision instanceof TransportRetries.Retry retry) {
      part.retries++;
      span.event(
          "llmclient.retry",
          Map.of(
              "llmclient.attempt",
              (long) attempts.get(),
              "llmclient.wait_ms",
              retry.delay().toMillis(),
              "llmclient.embeddings.first_index",
              (long) part.indexes[0],
              "error.type",
              error.getClass().getName()));
      try {
        ScheduledFuture<?> timer =
            client.scheduler.schedule(
                () -> client.limiter.submitAccepted(() -> attempt(part), true),
                TransportRetries.nanos(retry.delay()),
                TimeUnit.NANOSECONDS);
        retryTimers.add(timer);
        if (done.get()) {
          timer.cancel(false);
        }
      } catch (RejectedExecutionException e) {
        fail(PipelineEmbedder.closedException());
      }
      return;
    }
    Throwable reason = ((TransportRetries.GiveUp) decision).error();
    fail(new EmbeddingBatchException(part.indexList(), texts.size(), asLlmException(reason)));
  }

  private LlmException asLlmException(Throwable error) {
    if (error instanceof LlmException e) {
      return e;
    }
    return new LlmException(
        "The "
            + client.providerId
            + " embedding backend failed unexpectedly ("
            + error
            + "); this is a bug in the provider, please report it",
        ErrorContext.provider(client.providerId),
        error);
  }

  private InvalidResponseException invalid(String message, EmbeddingResult r) {
    return new InvalidResponseException(
        message, new ErrorContext(client.providerId, null, r.requestId()), null);
  }

  private synchronized void addUsage(Usage u) {
    usage = usage.plus(u);
  }

  private synchronized Usage usage() {
    return usage;
  }

  // ---- outcome -----------------------------------------------------------------------------

  private void succeed() {
    if (!done.compareAndSet(false, true)) {
      return;
    }
    List<float[]> answer = Collections.unmodifiableList(Arrays.asList(vectors));
    try {
      cleanup();
      if (attempts.get() > 0) {
        recordUsage();
      }
      describeOutcome();
      span.status(SpanStatus.OK, null);
      span.end();
    } finally {
      result.answer(answer);
    }
  }

  void fail(Throwable error) {
    if (!done.compareAndSet(false, true)) {
      return;
    }
    try {
      stop(error);
    } finally {
      result.failWith(error);
    }
  }

  /**
   * The caller completed the future first (cancel, orTimeout, ...): stop every request and retry,
   * so that nothing more reaches the server; record the usage so far and end the span.
   */
  private void abandon(@Nullable Throwable reason) {
    if (done.get() || !done.compareAndSet(false, true)) {
      return;
    }
    stop(
        reason != null
            ? reason
            : new CancellationException("the caller completed the call's future with a value"));
  }

  private void stop(Throwable error) {
    cleanup();
    for (CompletableFuture<EmbeddingResult> pending : inFlight) {
      pending.cancel(true);
    }
    if (attempts.get() > 0) {
      recordUsage();
    }
    describeOutcome();
    span.recordException(error);
    span.status(SpanStatus.ERROR, error.getMessage());
    span.end();
  }

  private void deadlinePassed() {
    int left = remaining.get();
    fail(
        new LlmTimeoutException(
            "The embeddings call did not finish within its deadline of "
                + client.policy.deadline()
                + " ("
                + left
                + " of "
                + requests
                + " requests unfinished, "
                + attempts.get()
                + " attempts); raise RetryPolicy.deadline(...), lower the batch size, or try"
                + " again later",
            ErrorContext.provider(client.providerId),
            null));
  }

  private void cleanup() {
    ScheduledFuture<?> timer = deadlineTimer;
    if (timer != null) {
      timer.cancel(false);
    }
    for (ScheduledFuture<?> retry : retryTimers) {
      retry.cancel(false);
    }
    client.unregister(this);
  }

  private void recordUsage() {
    TokenUsageTracker tracker = client.tracker;
    if (tracker != null) {
      String model = answeringModel;
      tracker.record(client.promptName, model != null ? model : client.model, usage());
    }
  }

  // ---- tracing -----------------------------------------------------------------------------

  private void describeOutcome() {
    if (span.isNoop()) {
      return;
    }
    span.set("llmclient.embeddings.cache_hits", (long) cacheHits);
    span.set("llmclient.embeddings.requests", (long) requests);
    span.set("llmclient.attempts", (long) attempts.get());
    span.set("llmclient.usage.input_tokens", usage().inputTokens());
    String model = answeringModel;
    span.set("gen_ai.response.model", model);
  }

  private void describeRequest(SafeSpan child, Part part) {
    child.set("gen_ai.operation.name", "embeddings");
    child.set("gen_ai.provider.name", client.genAiProviderName);
    child.set("gen_ai.request.model", client.model);
    client.config.dimensions().ifPresent(d -> child.set("gen_ai.embeddings.dimension.count", d));
    child.set("llmclient.embeddings.inputs", (long) part.indexes.length);
    child.server(client.endpoint);
  }

  private static void attemptSucceeded(SafeSpan child, EmbeddingResult r) {
    if (child.isNoop()) {
      return;
    }
    child.set("gen_ai.response.model", r.model());
    child.set("gen_ai.usage.input_tokens", r.usage().inputTokens());
    child.status(SpanStatus.OK, null);
    child.end();
  }
}
