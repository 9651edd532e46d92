package dev.llmclient.api.spi;

import java.util.concurrent.CompletableFuture;

/**
 * A provider's embeddings transport: one HTTP exchange per {@link #embed} call, no retries, and
 * failures as precise {@link dev.llmclient.api.LlmException} subtypes.
 */
public interface EmbeddingBackend extends AutoCloseable {

  /**
   * What the core needs to know about this backend; {@link BackendInfo#defaultModel()} is the
   * embedding model or deployment.
   *
   * @return the info
   */
  BackendInfo info();

  /**
   * Embeds the request's inputs. Never blocks the calling thread.
   *
   * @param request the request
   * @return a future completed with one vector per input in input order, or exceptionally with an
   *     {@link dev.llmclient.api.LlmException}
   */
  CompletableFuture<EmbeddingResult> embed(EmbeddingRequest request);

  /** Releases the connection pool and I/O threads. */
  @Override
  void close();
}
