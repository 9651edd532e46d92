package dev.llmclient.api.spi;

import java.util.concurrent.CompletableFuture;

/**
 * A provider's chat-completions transport: one HTTP exchange per {@link #complete} call.
 *
 * <p>Implementations are thread-safe, own their connection pool, and never retry: the core decides
 * about retries from the exception type. A failed exchange completes the future exceptionally with
 * the precise {@link dev.llmclient.api.LlmException} subtype, carrying the provider, status and
 * request id.
 */
public interface ChatBackend extends AutoCloseable {

  /**
   * What the core needs to know about this backend.
   *
   * @return the info; the same value on every call
   */
  BackendInfo info();

  /**
   * Sends one chat-completion request. Never blocks the calling thread.
   *
   * @param request the request, ready for the wire
   * @return a future completed with the completion, or exceptionally with an {@link
   *     dev.llmclient.api.LlmException}
   */
  CompletableFuture<ChatCompletion> complete(ChatCompletionRequest request);

  /** Releases the connection pool and I/O threads; calls in flight fail. */
  @Override
  void close();
}
