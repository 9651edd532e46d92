package dev.llmclient.core.pool;

import dev.llmclient.api.spi.BackendInfo;
import dev.llmclient.api.spi.EmbeddingBackend;
import dev.llmclient.api.spi.EmbeddingRequest;
import dev.llmclient.api.spi.EmbeddingResult;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/** {@link DeploymentPool#embeddings()}: the pool's embedding members as one embedding backend. */
final class PoolEmbeddings implements EmbeddingBackend {
  private final DeploymentPool pool;
  private final BackendInfo info;

  PoolEmbeddings(DeploymentPool pool, BackendInfo info) {
    this.pool = pool;
    this.info = info;
  }

  @Override
  public BackendInfo info() {
    return info;
  }

  @Override
  public CompletableFuture<EmbeddingResult> embed(EmbeddingRequest request) {
    Objects.requireNonNull(request, "request");
    return pool.start(new EmbeddingCall(request, info, pool.span(), pool.deadline()));
  }

  /** Closes the pool. */
  @Override
  public void close() {
    pool.close();
  }

  @Override
  public String toString() {
    return "embeddings of " + pool;
  }
}
