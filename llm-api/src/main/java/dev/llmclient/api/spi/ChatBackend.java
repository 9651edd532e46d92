package dev.llmclient.api.spi;

import dev.llmclient.api.LlmConfigurationException;
import dev.llmclient.api.LlmException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

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

  /**
   * Streams one chat-completion request ({@code stream: true}, with {@code
   * stream_options.include_usage}) as server-sent events.
   *
   * <p>The publisher is cold: each subscription makes one HTTP exchange, so the core retries by
   * subscribing again. Demand reaches the socket: the backend reads the next bytes only while the
   * subscriber has requested chunks, and holds at most the events of the bytes it has already read
   * (a bounded window of a few KiB), never the whole answer. Signals may arrive on the backend's
   * I/O thread: a subscriber must not block in them. Cancelling the subscription aborts the
   * exchange. The stream ends with {@code onComplete} after the server's {@code [DONE]}, or with
   * {@code onError} and the precise {@link LlmException}: an HTTP error before the first chunk, a
   * content filter, or a connection broken mid-stream (the core knows from its own count whether
   * chunks were delivered before).
   *
   * @param request the request, ready for the wire
   * @return a publisher of the chunks, one exchange per subscription
   */
  default Flow.Publisher<ChatChunk> stream(ChatCompletionRequest request) {
    return subscriber -> {
      subscriber.onSubscribe(
          new Flow.Subscription() {
            @Override
            public void request(long n) {}

            @Override
            public void cancel() {}
          });
      subscriber.onError(
          new LlmConfigurationException(
              "the " + info().providerId() + " chat backend does not stream; use generate()"));
    };
  }

  /** Releases the connection pool and I/O threads; calls in flight fail. */
  @Override
  void close();
}
