package dev.llmclient.core.internal.embed;

import dev.llmclient.api.EmbeddingBatchException;
import dev.llmclient.api.ErrorContext;
import dev.llmclient.api.InvalidResponseException;
import dev.llmclient.api.LlmException;
import dev.llmclient.api.LlmTimeoutException;
import dev.llmclient.api.spi.EmbeddingRequest;
import dev.llmclient.api.spi.EmbeddingResult;
import dev.llmclient.api.spi.SpanStatus;
import dev.llmclient.core.EmbedderConfig;
import dev.llmclient.core.internal.runtime.Call;
import dev.llmclient.core.internal.runtime.SafeSpan;
import dev.llmclient.core.internal.runtime.TransportRetries;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code createBatch} call on the shared {@link Call} lifecycle: per-text cache lookups, the
 * split of the misses into requests, each request run under the client's concurrency limit with its
 * own transport retries, the vectors fitted to the configured length, cached and put back in input
 * order. One request that fails for good fails the whole call.
 *
 * <p>The call is admitted to the client's queue whole when it arrives (its requests may then exceed
 * the queue's bound by the rest of its own batch); a retry waits its backoff on the scheduler, then
 * queues ahead of everything else, since it belongs to work already accepted.
 */
final class EmbedCall extends Call<List<float[]>, EmbedCall.Part, EmbeddingResult> {

  private static final Logger LOG = LoggerFactory.getLogger(EmbedCall.class);

  /** One request's inputs and its retry state; touched by one attempt at a time. */
  static final class Part {
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
  private final float[][] vectors;
  private final @Nullable String[] keys;
  private final AtomicInteger remaining = new AtomicInteger();
  private List<Integer> misses = List.of();
  private List<int[]> plan = List.of();
  private int requests;
  private int cacheHits;

  EmbedCall(PipelineEmbedder client, List<String> texts, SafeSpan span) {
    super(client.runtime, span, client.promptName, client.model);
    this.client = client;
    this.texts = texts;
    this.vectors = new float[texts.size()][];
    this.keys = new String[texts.size()];
  }

  // ---- cache -------------------------------------------------------------------------------

  @Override
  protected boolean answeredFromCache() {
    boolean caching = runtime.cache() != null;
    List<Integer> missed = new ArrayList<>(texts.size());
    for (int i = 0; i < texts.size(); i++) {
      if (caching) {
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
          String value = cacheGet(key);
          if (value != null) {
            cached = EmbeddingVectors.decode(value, client.config.dimensions().orElse(null));
          }
        } catch (RuntimeException e) {
          LOG.debug("response cache entry could not be read; treating it as a miss", e);
        }
        if (cached != null) {
          vectors[i] = cached;
          cacheHits++;
          continue;
        }
      }
      missed.add(i);
    }
    misses = missed;
    if (missed.isEmpty()) {
      succeed(answer());
      return true;
    }
    return false;
  }

  // ---- requests ----------------------------------------------------------------------------

  @Override
  protected void plan() {
    plan = EmbeddingBatches.plan(texts, misses, client.config);
    requests = plan.size();
    remaining.set(plan.size());
  }

  @Override
  protected void admit() {
    for (int[] indexes : plan) {
      Part part = new Part(indexes);
      runtime.limiter().submitAccepted(() -> attempt(part), false);
    }
  }

  /** Runs under a limiter permit; must release it exactly once and never throw. */
  private void attempt(Part part) {
    if (isDone()) {
      runtime.limiter().release();
      return;
    }
    exchange(part);
  }

  @Override
  protected String attemptSpanName() {
    return "embeddings " + client.model;
  }

  @Override
  protected String backendKind() {
    return "embedding";
  }

  @Override
  protected CompletableFuture<EmbeddingResult> send(Part part, SafeSpan child) {
    Map<String, String> headers = Map.of();
    if (!child.isNoop()) {
      describeRequest(child, part);
      headers = child.propagationHeaders();
    }
    List<String> inputs = new ArrayList<>(part.indexes.length);
    for (int i : part.indexes) {
      inputs.add(texts.get(i));
    }
    return client.backend.embed(
        new EmbeddingRequest(client.model, inputs, client.dimensionsParameter, headers));
  }

  @Override
  protected void exchangeEnded(Part part) {
    runtime.limiter().release();
  }

  @Override
  protected void answered(Part part, SafeSpan child, EmbeddingResult r) {
    partAnswered(part, child, r);
  }

  private void partAnswered(Part part, SafeSpan child, EmbeddingResult r) {
    addUsage(r.usage());
    answeredBy(r.model());
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
      cachePut(keys[index], EmbeddingVectors.encode(fitted[k]));
    }
    if (remaining.decrementAndGet() == 0) {
      succeed(answer());
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

  @Override
  protected void exchangeFailed(Part part, Throwable error) {
    if (isDone()) {
      return;
    }
    TransportRetries.Decision decision = decide(error, part.retries);
    if (decision instanceof TransportRetries.Retry retry) {
      part.retries++;
      retryAfter(
          retry.delay(),
          error,
          Map.of("llmclient.embeddings.first_index", (long) part.indexes[0]),
          () -> runtime.limiter().submitAccepted(() -> attempt(part), true));
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
            + runtime.providerId()
            + " embedding backend failed unexpectedly ("
            + error
            + "); this is a bug in the provider, please report it",
        ErrorContext.provider(runtime.providerId()),
        error);
  }

  private InvalidResponseException invalid(String message, EmbeddingResult r) {
    return new InvalidResponseException(
        message, new ErrorContext(runtime.providerId(), null, r.requestId()), null);
  }

  private List<float[]> answer() {
    return Collections.unmodifiableList(Arrays.asList(vectors));
  }

  @Override
  protected LlmTimeoutException timedOut(Duration deadline, int attempts) {
    return new LlmTimeoutException(
        "The embeddings call did not finish within its deadline of "
            + deadline
            + " ("
            + remaining.get()
            + " of "
            + requests
            + " requests unfinished, "
            + attempts
            + " attempts); raise RetryPolicy.deadline(...), lower the batch size, or try"
            + " again later",
        ErrorContext.provider(runtime.providerId()),
        null);
  }

  // ---- tracing -----------------------------------------------------------------------------

  @Override
  protected void describeOutcome(SafeSpan span, boolean succeeded) {
    span.set("llmclient.embeddings.cache_hits", (long) cacheHits);
    span.set("llmclient.embeddings.requests", (long) requests);
    span.set("llmclient.usage.input_tokens", usage().inputTokens());
    span.set("gen_ai.response.model", answeringModel());
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
