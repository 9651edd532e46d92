package dev.llmclient.core.internal.embed;

import dev.llmclient.api.EmbedderClient;
import dev.llmclient.api.EmbeddingBatchException;
import dev.llmclient.api.ErrorContext;
import dev.llmclient.api.LlmConnectionException;
import dev.llmclient.api.TooManyCallsException;
import dev.llmclient.api.spi.BackendInfo;
import dev.llmclient.api.spi.EmbeddingBackend;
import dev.llmclient.api.spi.ResponseCache;
import dev.llmclient.api.spi.SpanKind;
import dev.llmclient.api.spi.SpanStatus;
import dev.llmclient.api.spi.Tracer;
import dev.llmclient.core.EmbedderConfig;
import dev.llmclient.core.LlmClients;
import dev.llmclient.core.RetryPolicy;
import dev.llmclient.core.TokenUsageTracker;
import dev.llmclient.core.internal.chat.PipelineClient;
import dev.llmclient.core.internal.runtime.AsyncLimiter;
import dev.llmclient.core.internal.runtime.CallFuture;
import dev.llmclient.core.internal.runtime.SafeSpan;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.DoubleSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link EmbedderClient} that {@link LlmClients#embedder()} builds: checks and prepares the
 * texts on the caller's thread, then hands them to an {@link EmbedCall} that runs the requests
 * asynchronously under the client's concurrency limit.
 */
public final class PipelineEmbedder implements EmbedderClient {

  private static final Logger LOG = LoggerFactory.getLogger(PipelineEmbedder.class);

  final EmbeddingBackend backend;
  final String providerId;
  final String genAiProviderName;
  final @Nullable URI endpoint;
  final String model;
  final EmbedderConfig config;

  /** The {@code dimensions} sent with every request, or null when the client fits the vectors. */
  final @Nullable Integer dimensionsParameter;

  final RetryPolicy policy;
  final @Nullable ResponseCache cache;
  final Tracer tracer;
  final String spanName;
  final String promptName;
  final @Nullable TokenUsageTracker tracker;
  final Clock clock;
  final ScheduledExecutorService scheduler;
  private final boolean ownsScheduler;
  final DoubleSupplier random;
  final AsyncLimiter limiter;

  private final Set<EmbedCall> active = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  public PipelineEmbedder(
      EmbeddingBackend backend,
      String model,
      EmbedderConfig config,
      RetryPolicy policy,
      @Nullable ResponseCache cache,
      Tracer tracer,
      String spanPrefix,
      String promptName,
      @Nullable TokenUsageTracker tracker,
      Clock clock,
      ScheduledExecutorService scheduler,
      boolean ownsScheduler,
      DoubleSupplier random) {
    BackendInfo info = backend.info();
    this.backend = backend;
    this.providerId = info.providerId();
    this.genAiProviderName = info.genAiProviderName();
    this.endpoint = info.endpoint();
    this.model = model;
    this.config = config;
    Integer dims = config.dimensions().orElse(null);
    this.dimensionsParameter =
        dims != null && config.acceptsDimensionsParameter(model) ? dims : null;
    this.policy = policy;
    this.cache = cache;
    this.tracer = tracer;
    this.spanName = spanPrefix + ".llm.embed";
    this.promptName = promptName;
    this.tracker = tracker;
    this.clock = clock;
    this.scheduler = scheduler;
    this.ownsScheduler = ownsScheduler;
    this.random = random;
    this.limiter = new AsyncLimiter(config.maxConcurrentRequests(), config.maxQueuedRequests());
  }

  /** The failure of a call refused because the client's queue is full. */
  TooManyCallsException tooManyRequests() {
    return new TooManyCallsException(
        "The embeddings call was not sent: this client already has "
            + limiter.permits()
            + " requests in flight and "
            + limiter.maxQueued()
            + " waiting, the most it accepts. Send fewer calls at once (wait for some to finish),"
            + " or raise EmbedderConfig.maxQueuedRequests(...) (setting "
            + EmbedderConfig.EMBEDDING_MAX_QUEUED_REQUESTS
            + ") or EmbedderConfig.maxConcurrentRequests(...) (setting "
            + EmbedderConfig.EMBEDDING_CONCURRENCY
            + ")",
        ErrorContext.provider(providerId),
        null);
  }

  @Override
  public float[] create(String input) {
    PipelineClient.refuseToBlockAClientThread("create()");
    return PipelineClient.await(createAsync(input));
  }

  @Override
  public List<float[]> createBatch(List<String> inputs) {
    PipelineClient.refuseToBlockAClientThread("createBatch()");
    return PipelineClient.await(createBatchAsync(inputs));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Fails with the request's own exception type (not an {@link EmbeddingBatchException}).
   */
  @Override
  public CompletableFuture<float[]> createAsync(String input) {
    if (input == null) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException("input is null; pass a non-blank text"));
    }
    if (input.isBlank()) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException(
              "input is blank; the embeddings API rejects empty input, so pass a non-blank text"));
    }
    CompletableFuture<List<float[]>> batch = createBatchAsync(List.of(input));
    CallFuture<float[]> single =
        new CallFuture<>() {
          @Override
          protected void abandoned(@Nullable Throwable reason) {
            batch.cancel(true);
          }
        };
    batch.whenComplete(
        (vectors, error) -> {
          if (error == null) {
            single.answer(vectors.get(0));
            return;
          }
          Throwable cause = PipelineClient.unwrap(error);
          single.failWith(
              cause instanceof EmbeddingBatchException failed ? failed.getCause() : cause);
        });
    return single;
  }

  @Override
  public CompletableFuture<List<float[]>> createBatchAsync(List<String> inputs) {
    if (closed) {
      return CompletableFuture.failedFuture(closedException());
    }
    List<String> texts;
    try {
      texts = EmbeddingBatches.prepare(inputs);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    if (texts.isEmpty()) {
      return CompletableFuture.completedFuture(List.of());
    }
    SafeSpan span = SafeSpan.start(tracer, spanName, SpanKind.INTERNAL);
    if (!span.isNoop()) {
      span.set("llm.provider", providerId);
      span.set("gen_ai.request.model", model);
      span.set("cache.enabled", cache != null);
      span.set("prompt.name", promptName);
      span.set("llmclient.embeddings.inputs", (long) texts.size());
      config.dimensions().ifPresent(d -> span.set("gen_ai.embeddings.dimension.count", d));
    }
    try {
      return new EmbedCall(this, texts, span).start();
    } catch (RuntimeException e) {
      span.recordException(e);
      span.status(SpanStatus.ERROR, e.getMessage());
      span.end();
      return CompletableFuture.failedFuture(e);
    }
  }

  void register(EmbedCall call) {
    active.add(call);
    if (closed) {
      call.fail(closedException());
    }
  }

  void unregister(EmbedCall call) {
    active.remove(call);
  }

  static LlmConnectionException closedException() {
    return new LlmConnectionException(
        "This EmbedderClient is closed; build a new one with LlmClients.embedder() or"
            + " LlmClients.embedderFromEnvironment().");
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (EmbedCall call : active) {
      call.fail(closedException());
    }
    try {
      backend.close();
    } catch (RuntimeException e) {
      LOG.warn("closing the {} embedding backend failed", providerId, e);
    }
    if (ownsScheduler) {
      scheduler.shutdownNow();
    }
  }

  @Override
  public String toString() {
    return "EmbedderClient[provider="
        + providerId
        + ", model="
        + model
        + ", config="
        + config
        + ", retryPolicy="
        + policy
        + ", cache="
        + cache
        + "]";
  }
}
