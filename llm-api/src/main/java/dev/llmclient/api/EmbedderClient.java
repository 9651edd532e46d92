package dev.llmclient.api;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Text embeddings against one configured provider.
 *
 * <p>Thread-safe and meant to be shared; results are always in input order, one vector per input.
 *
 * <pre>{@code
 * try (EmbedderClient embedder = LlmClients.embedderFromEnvironment()) {
 *   float[] v = embedder.create("Ada Lovelace");
 * }
 * }</pre>
 */
public interface EmbedderClient extends AutoCloseable {

  /**
   * Embeds one text.
   *
   * @param input the text; must not be blank
   * @return the vector
   * @throws LlmException when the call fails after the configured retries
   * @throws IllegalStateException when called on a thread that delivers llmclient answers, where
   *     waiting could block the answer itself; chain the async method instead
   */
  float[] create(String input);

  /**
   * Embeds several texts; an empty list returns an empty list without a request.
   *
   * @param inputs the texts; none may be null or blank
   * @return one vector per input, in input order
   * @throws EmbeddingBatchException when one request of the batch fails after its retries (in the
   *     clients {@code LlmClients.embedder()} builds): it names that request's inputs, and its
   *     cause is the request's failure
   * @throws LlmException when the call fails after the configured retries
   * @throws IllegalStateException when called on a thread that delivers llmclient answers, where
   *     waiting could block the answer itself; chain the async method instead
   */
  List<float[]> createBatch(List<String> inputs);

  /**
   * Embeds one text without blocking the calling thread.
   *
   * @param input the text; must not be blank
   * @return a future completed with the vector, or exceptionally with an {@link LlmException}
   */
  CompletableFuture<float[]> createAsync(String input);

  /**
   * Embeds several texts without blocking the calling thread.
   *
   * @param inputs the texts; none may be null or blank
   * @return a future completed with one vector per input, in input order
   */
  CompletableFuture<List<float[]>> createBatchAsync(List<String> inputs);

  /** Closes the connection pool and stops the client's timers. */
  @Override
  void close();
}
