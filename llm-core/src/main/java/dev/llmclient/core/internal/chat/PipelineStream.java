package dev.llmclient.core.internal.chat;

import dev.llmclient.api.CallCancelledException;
import dev.llmclient.api.ErrorContext;
import dev.llmclient.api.LlmRequest;
import dev.llmclient.api.LlmResponse;
import dev.llmclient.api.LlmStream;
import dev.llmclient.api.StreamEvent;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import org.jspecify.annotations.Nullable;

/**
 * The {@link LlmStream} of {@link PipelineClient#stream}: prepared on the caller's thread, started
 * (span, {@link GenerateCall} on the shared call lifecycle) when its consumer first asks, closed by
 * failing the call, which aborts the exchange.
 */
final class PipelineStream<T> implements LlmStream<T> {

  private final PipelineClient client;
  private final PipelineClient.Prepared prepared;
  private final LlmRequest<T> request;
  private final StreamRelay relay = new StreamRelay(this::consumerCancelled);
  private @Nullable CompletableFuture<LlmResponse<T>> response;
  private boolean closed;

  PipelineStream(PipelineClient client, PipelineClient.Prepared prepared, LlmRequest<T> request) {
    this.client = client;
    this.prepared = prepared;
    this.request = request;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super StreamEvent> subscriber) {
    java.util.Objects.requireNonNull(subscriber, "subscriber");
    if (!relay.attach(subscriber)) {
      subscriber.onSubscribe(
          new Flow.Subscription() {
            @Override
            public void request(long n) {}

            @Override
            public void cancel() {}
          });
      subscriber.onError(alreadyConsumed());
      return;
    }
    start();
  }

  @Override
  public Iterator<StreamEvent> iterator() {
    BlockingEventIterator events = new BlockingEventIterator();
    if (!relay.attach(events)) {
      throw alreadyConsumed();
    }
    start();
    return events;
  }

  @Override
  public CompletableFuture<LlmResponse<T>> response() {
    if (!relay.claimed()) {
      relay.discard();
    }
    return start();
  }

  @Override
  public void close() {
    CompletableFuture<LlmResponse<T>> started;
    synchronized (this) {
      closed = true;
      started = response;
    }
    if (started != null && !started.isDone()) {
      started.completeExceptionally(
          new CallCancelledException(
              "The stream was closed before it finished: its HTTP exchange is aborted",
              ErrorContext.provider(client.providerId),
              null));
    }
  }

  private synchronized CompletableFuture<LlmResponse<T>> start() {
    if (response == null) {
      if (closed) {
        CallCancelledException e =
            new CallCancelledException(
                "The stream was closed before it started; nothing was sent",
                ErrorContext.provider(client.providerId),
                null);
        relay.end(e);
        response = CompletableFuture.failedFuture(e);
      } else {
        response = client.startStream(prepared, request, relay);
        if (response.isCompletedExceptionally()) {
          // refused before the call could end itself (a closed client): the consumer learns it
          response.whenComplete((r, e) -> relay.end(e));
        } else if (closed) {
          // the consumer cancelled from a signal delivered while the call started
          response.completeExceptionally(
              new CallCancelledException(
                  "The stream's consumer cancelled its subscription: the HTTP exchange is aborted",
                  ErrorContext.provider(client.providerId),
                  null));
        }
      }
    }
    return response;
  }

  private void consumerCancelled() {
    CompletableFuture<LlmResponse<T>> started;
    synchronized (this) {
      closed = true;
      started = response;
    }
    if (started != null && !started.isDone()) {
      started.completeExceptionally(
          new CallCancelledException(
              "The stream's consumer cancelled its subscription: the HTTP exchange is aborted",
              ErrorContext.provider(client.providerId),
              null));
    }
  }

  private static IllegalStateException alreadyConsumed() {
    return new IllegalStateException(
        "This stream's events are already being consumed (by a subscriber, an iterator, or"
            + " dropped because response() was called first); a stream has one consumer. Call"
            + " llm.stream(request) again for another.");
  }

  @Override
  public String toString() {
    return "LlmStream[provider=" + client.providerId + ", model=" + prepared.model() + "]";
  }
}
