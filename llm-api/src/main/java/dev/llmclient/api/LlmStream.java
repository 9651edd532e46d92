package dev.llmclient.api;

import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * One streamed call: the answer's {@link StreamEvent}s as they arrive, and the assembled answer at
 * the end.
 *
 * <p>Consume the events once, either as a {@link Flow.Publisher} (back-pressure reaches the socket:
 * the client reads from the network only as fast as the subscriber requests) or by blocking
 * iteration; or ignore them and wait for {@link #response()}. The exchange starts on the first of
 * {@link #subscribe}, {@link #iterator()} or {@link #response()}. Closing the stream (or cancelling
 * the subscription, or the response future) aborts the exchange.
 *
 * <pre>{@code
 * try (LlmStream<String> stream = llm.stream(request)) {
 *   for (StreamEvent e : stream) {
 *     if (e instanceof StreamEvent.TextDelta d) System.out.print(d.text());
 *   }
 *   LlmResponse<String> answer = stream.response().join();
 * }
 * }</pre>
 *
 * <p>Transient failures before the first event are retried like {@link
 * LlmClient#generateAsync(LlmRequest)}; a stream broken after it fails with an {@link LlmException}
 * that says how much was received. Typed requests validate the assembled answer and re-ask when it
 * is invalid, announcing the new attempt with {@link StreamEvent.Restart}.
 *
 * @param <T> the answer type of the request
 */
public interface LlmStream<T>
    extends Flow.Publisher<StreamEvent>, Iterable<StreamEvent>, AutoCloseable {

  /**
   * Subscribes the one consumer of the events. Events are delivered on the client's I/O threads,
   * one at a time, never more than requested; do not block in {@code onNext}.
   *
   * @param subscriber the consumer; it receives {@code onError} with an {@link
   *     IllegalStateException} when the events are already being consumed
   */
  @Override
  void subscribe(Flow.Subscriber<? super StreamEvent> subscriber);

  /**
   * The events as a blocking iterator: {@code hasNext()} waits for the next event. The stream's
   * failure is thrown from {@code hasNext()} as the {@link LlmException} it is.
   *
   * @return the iterator; only one per stream
   * @throws IllegalStateException when the events are already being consumed
   */
  @Override
  Iterator<StreamEvent> iterator();

  /**
   * The assembled answer: completed after the {@link StreamEvent.Finish} event, or exceptionally
   * with the stream's {@link LlmException}. Cancelling it aborts the stream.
   *
   * @return the answer
   */
  CompletableFuture<LlmResponse<T>> response();

  /** Aborts the exchange if it still runs; the response then fails. Idempotent. */
  @Override
  void close();
}
