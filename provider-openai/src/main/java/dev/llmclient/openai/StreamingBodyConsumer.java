package dev.llmclient.openai;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.nio.AsyncResponseConsumer;
import org.apache.hc.core5.http.nio.CapacityChannel;
import org.apache.hc.core5.http.nio.support.classic.SharedInputBuffer;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.jspecify.annotations.Nullable;

/**
 * Hands a response body to a reader thread as it arrives: the head completes a future with an
 * {@link InputStream}, and the bytes go through one shared buffer whose free space is the capacity
 * granted to the server, so a slow reader holds the download back instead of buffering it. A body
 * that ends without its end of stream (a failure, a closed client) is an {@link IOException} on
 * read, never a silent end of file.
 */
final class StreamingBodyConsumer implements AsyncResponseConsumer<Void> {

  private static final int BUFFER = 64 * 1024;

  private final CompletableFuture<HttpTransport.StreamedResponse> head;
  private final int maxHeaderBytes;
  private final SharedInputBuffer buffer = new SharedInputBuffer(BUFFER);
  private volatile @Nullable Throwable failure;
  private volatile @Nullable Runnable onClose;
  private volatile boolean closed;

  /** The server sent the whole body (the buffer's own flag turns true only once it is read). */
  private volatile boolean complete;

  private @Nullable FutureCallback<Void> callback;

  /**
   * An error answer is kept whole (its first {@link HttpTransport#ERROR_BODY_PREFIX} bytes) and
   * handed over at its end, so that no one reads it on an I/O thread.
   */
  private @Nullable ByteArrayOutputStream errorBody;

  private int status;
  private Map<String, String> headers = Map.of();

  StreamingBodyConsumer(
      CompletableFuture<HttpTransport.StreamedResponse> head, int maxHeaderBytes) {
    this.head = head;
    this.maxHeaderBytes = maxHeaderBytes;
  }

  /** Runs when the reader closes the body, to abandon the exchange. */
  void onClose(Runnable action) {
    this.onClose = action;
    if (closed) {
      action.run();
    }
  }

  /** Ends the body with a failure: the head's future fails, or the next read throws. */
  void fail(Throwable cause) {
    if (failure == null) {
      failure = cause;
    }
    head.completeExceptionally(cause);
    buffer.abort();
  }

  @Override
  public void consumeResponse(
      HttpResponse response,
      @Nullable EntityDetails entity,
      HttpContext context,
      FutureCallback<Void> resultCallback)
      throws IOException {
    this.callback = resultCallback;
    HttpTransport.Head h = HttpTransport.Head.of(response);
    if (h.bytes() > maxHeaderBytes) {
      throw new ResponseHeadersTooLargeException(h.bytes(), maxHeaderBytes);
    }
    status = response.getCode();
    headers = h.headers();
    if (entity != null && (status < 200 || status > 299)) {
      errorBody = new ByteArrayOutputStream();
      return;
    }
    head.complete(new HttpTransport.StreamedResponse(status, headers, new Body()));
    if (entity == null) {
      complete = true;
      buffer.markEndStream();
      resultCallback.completed(null);
    }
  }

  @Override
  public void informationResponse(HttpResponse response, HttpContext context) {}

  @Override
  public void updateCapacity(CapacityChannel channel) throws IOException {
    if (errorBody != null) {
      channel.update(Integer.MAX_VALUE);
      return;
    }
    buffer.updateCapacity(channel);
  }

  @Override
  public void consume(ByteBuffer src) throws IOException {
    ByteArrayOutputStream error = errorBody;
    if (error != null) {
      int keep = Math.min(src.remaining(), HttpTransport.ERROR_BODY_PREFIX - error.size());
      for (int i = 0; i < keep; i++) {
        error.write(src.get());
      }
      src.position(src.limit());
      return;
    }
    if (closed) {
      src.position(src.limit()); // the reader is gone; the exchange is being abandoned
      return;
    }
    buffer.fill(src);
  }

  @Override
  public void streamEnd(@Nullable List<? extends Header> trailers) {
    complete = true;
    buffer.markEndStream();
    ByteArrayOutputStream error = errorBody;
    if (error != null) {
      head.complete(
          new HttpTransport.StreamedResponse(
              status, headers, new ByteArrayInputStream(error.toByteArray())));
    }
    FutureCallback<Void> cb = callback;
    if (cb != null) {
      cb.completed(null);
    }
  }

  @Override
  public void failed(Exception cause) {
    fail(cause);
  }

  @Override
  public void releaseResources() {
    if (!complete) {
      buffer.abort();
    }
  }

  /** The reader's side: reads what arrived, waiting for more; closing abandons the rest. */
  private final class Body extends InputStream {

    @Override
    public int read() throws IOException {
      return checked(buffer.read());
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      return checked(buffer.read(b, off, len));
    }

    private int checked(int n) throws IOException {
      if (n < 0 && !complete) {
        Throwable cause = failure;
        throw new IOException(
            closed ? "the download was closed" : "the download ended before its end of stream",
            cause);
      }
      return n;
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      if (!complete) {
        buffer.abort();
        Runnable action = onClose;
        if (action != null) {
          action.run();
        }
      }
    }
  }
}
