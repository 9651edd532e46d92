package dev.llmclient.openai;

import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.hc.client5.http.async.AsyncExecCallback;
import org.apache.hc.client5.http.async.AsyncExecChain;
import org.apache.hc.client5.http.async.AsyncExecRuntime;
import org.apache.hc.client5.http.impl.async.HttpAsyncClientBuilder;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.nio.AsyncEntityProducer;
import org.jspecify.annotations.Nullable;

/**
 * Cancels one exchange so that its connection is closed even where httpclient5 loses the cancel.
 *
 * <p>httpclient5 5.5 keeps one cancel handle per exchange and replaces it at each step. When a
 * request opens a new connection and the connection is made before the caller's thread has stored
 * the connect step's handle, that store overwrites the handle of the running exchange. Cancelling
 * the exchange then cancels the finished connect and nothing else. The connection stays leased
 * until the answer or the response timeout. On loopback, cancelling call after call on one client
 * lost a cancel within the first ten calls; with a new client per call, about one in 200.
 *
 * <p>An interceptor at the head of the chain records each exchange's runtime in its {@code
 * HardCancel}. {@link #cancel} cancels the exchange as before, then closes the runtime's
 * connection, which is what the exchange's own cancel does when it is not lost. The runtime is
 * httpclient5's internal per-exchange object; its {@code discardEndpoint} is safe from any thread
 * and does nothing once the connection has been released.
 */
final class HardCancel {

  private static final String ATTRIBUTE = HardCancel.class.getName();

  private volatile @Nullable AsyncExecRuntime runtime;

  /** Adds the interceptor that records each exchange's runtime. */
  static HttpAsyncClientBuilder install(HttpAsyncClientBuilder builder) {
    return builder.addExecInterceptorFirst("llmclient-hard-cancel", HardCancel::record);
  }

  private static void record(
      HttpRequest request,
      @Nullable AsyncEntityProducer entity,
      AsyncExecChain.Scope scope,
      AsyncExecChain chain,
      AsyncExecCallback callback)
      throws HttpException, IOException {
    if (scope.clientContext.getAttribute(ATTRIBUTE) instanceof HardCancel hard) {
      hard.runtime = scope.execRuntime;
    }
    chain.proceed(request, entity, scope, callback);
  }

  /** A context for one exchange whose runtime this records. */
  HttpClientContext context() {
    HttpClientContext context = HttpClientContext.create();
    context.setAttribute(ATTRIBUTE, this);
    return context;
  }

  /** Cancels the exchange and closes its connection, if it still holds one. */
  void cancel(Future<?> exchange) {
    exchange.cancel(true);
    AsyncExecRuntime r = runtime;
    if (r != null) {
      r.discardEndpoint();
    }
  }

  /** The exchange's future, with {@link #cancel} as its {@code cancel}. */
  <T> Future<T> guard(Future<T> exchange) {
    return new Future<>() {
      @Override
      public boolean cancel(boolean mayInterruptIfRunning) {
        boolean wasDone = exchange.isDone();
        HardCancel.this.cancel(exchange);
        return !wasDone && exchange.isCancelled();
      }

      @Override
      public boolean isCancelled() {
        return exchange.isCancelled();
      }

      @Override
      public boolean isDone() {
        return exchange.isDone();
      }

      @Override
      public T get() throws InterruptedException, ExecutionException {
        return exchange.get();
      }

      @Override
      public T get(long timeout, TimeUnit unit)
          throws InterruptedException, ExecutionException, TimeoutException {
        return exchange.get(timeout, unit);
      }
    };
  }
}
