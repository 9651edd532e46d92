package dev.llmclient.core.internal.embed;

import dev.llmclient.api.EmbedderClient;
import dev.llmclient.api.EmbeddingBatchException;
import dev.llmclient.api.spi.BackendInfo;
import dev.llmclient.api.spi.EmbeddingBackend;
import dev.llmclient.api.spi.SpanKind;
import dev.llmclient.core.EmbedderConfig;
import dev.llmclient.core.LlmClients;
import dev.llmclient.core.internal.runtime.CallFuture;
import dev.llmclient.core.internal.runtime.ClientRuntime;
import dev.llmclient.core.internal.runtime.SafeSpan;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The {@link EmbedderClient} that {@link LlmClients#embedder()} builds: checks and prepares the
 * texts on the caller's thread, then hands them to an {@link EmbedCall} that runs the requests
 * asynchronously under the client's concurrency limit.
 */
public final class PipelineEmbedder implements EmbedderClient {

  final EmbeddingBackend backend;
  final String providerId;
  final String genAiProviderName;
  final @Nullable URI endpoint;
  final String model;
  final EmbedderConfig config;

  /** The {@code dimensions} sent with every request, or null when the client fits the vectors. */
  final @Nullable Integer dimensionsParameter;

  final String promptName;

  /** The client's share of the call lifecycle: policies, limits, calls in flight, closing. */
  final ClientRuntime runtime;

  /**
   * An embedder on this backend.
   *
   * @param backend the embedding backend, closed with the client
   * @param model the resolved model (on Azure the deployment)
   * @param config the effective configuration
   * @param promptName the name usage is recorded under
   * @param options what every client gets from its builder
   */
  public PipelineEmbedder(
      EmbeddingBackend backend,
      String model,
      EmbedderConfig config,
      String promptName,
      ClientRuntime.Options options) {
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
    this.promptName = promptName;
    this.runtime =
        new ClientRuntime(
            options,
            providerId,
            "embed",
            new ClientRuntime.Admission(
                config.maxConcurrentRequests(),
                config.maxQueuedRequests(),
                "The embeddings call",
                "requests",
                "EmbedderConfig.maxQueuedRequests(...)",
                EmbedderConfig.EMBEDDING_MAX_QUEUED_REQUESTS,
                "EmbedderConfig.maxConcurrentRequests(...)",
                EmbedderConfig.EMBEDDING_CONCURRENCY),
            "This EmbedderClient is closed; build a new one with LlmClients.embedder() or"
                + " LlmClients.embedderFromEnvironment().");
  }

  @Override
  public float[] create(String input) {
    ClientRuntime.refuseToBlockAClientThread("create()");
    return ClientRuntime.await(createAsync(input));
  }

  @Override
  public List<float[]> createBatch(List<String> inputs) {
    ClientRuntime.refuseToBlockAClientThread("createBatch()");
    return ClientRuntime.await(createBatchAsync(inputs));
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
          Throwable cause = ClientRuntime.unwrap(error);
          single.failWith(
              cause instanceof EmbeddingBatchException failed ? failed.getCause() : cause);
        });
    return single;
  }

  @Override
  public CompletableFuture<List<float[]>> createBatchAsync(List<String> inputs) {
    if (runtime.isClosed()) {
      return CompletableFuture.failedFuture(runtime.closedException());
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
    SafeSpan span = SafeSpan.start(runtime.tracer(), runtime.spanName(), SpanKind.INTERNAL);
    if (!span.isNoop()) {
      span.set("llm.provider", providerId);
      span.set("gen_ai.request.model", model);
      span.set("cache.enabled", runtime.cache() != null);
      span.set("prompt.name", promptName);
      span.set("llmclient.embeddings.inputs", (long) texts.size());
      config.dimensions().ifPresent(d -> span.set("gen_ai.embeddings.dimension.count", d));
    }
    try {
      return new EmbedCall(this, texts, span).start();
    } catch (RuntimeException e) {
      span.endWithError(e);
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public void close() {
    runtime.close(backend, "embedding");
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
        + runtime.policy()
        + ", cache="
        + runtime.cache()
        + "]";
  }
}
