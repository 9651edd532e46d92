package dev.llmclient.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmclient.api.ContentFilterException;
import dev.llmclient.api.ErrorContext;
import dev.llmclient.api.InvalidResponseException;
import dev.llmclient.api.LlmConnectionException;
import dev.llmclient.api.LlmException;
import dev.llmclient.api.StreamEvent;
import dev.llmclient.api.Usage;
import dev.llmclient.api.spi.ChatChunk;
import dev.llmclient.api.spi.RateLimitInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.nio.AsyncResponseConsumer;
import org.apache.hc.core5.http.nio.CapacityChannel;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.jspecify.annotations.Nullable;

/**
 * One streamed chat completion: a {@link Flow.Subscription} for the subscriber and the httpclient5
 * response consumer of the exchange, in one object so that demand reaches the socket.
 *
 * <p>Bytes are parsed as they arrive by one {@link SseParser}; no thread is started. The consumer
 * asks httpclient5 for more bytes (through its {@link CapacityChannel}) only while the subscriber
 * has unmet demand and nothing is queued, so a slow subscriber holds at most the events of the
 * bytes already granted, never the whole answer. Signals are delivered serially, on the I/O thread
 * when bytes arrive and on the requesting thread otherwise; subscribers must not block.
 */
final class ChatStream implements Flow.Subscription, AsyncResponseConsumer<Void> {

  /** How many bytes are granted at a time when the subscriber wants more. */
  static final int GRANT = 8 * 1024;

  /** httpcore5's initial input window, for HTTP/1.1 and HTTP/2 alike. */
  private static final int INITIAL_WINDOW = 65_535;

  /** Opens the exchange once the first demand arrives. */
  interface Exchange {
    /**
     * Starts the HTTP exchange with this consumer.
     *
     * @param consumer the stream
     * @return the exchange, for cancelling it; or a failed future
     */
    CompletableFuture<Future<?>> open(ChatStream consumer);
  }

  private final Flow.Subscriber<? super ChatChunk> subscriber;
  private final Exchange exchange;
  private final OpenAiErrorMapper errors;
  private final CallTarget target;
  private final SseParser parser;
  private final HttpTransportSettings transportSettings;

  // Guarded by this.
  private final ArrayDeque<ChatChunk> queue = new ArrayDeque<>();
  private long demand;
  private long window = INITIAL_WINDOW;
  private boolean started;
  private boolean cancelled;
  private @Nullable Throwable failure;
  private boolean completed;
  private boolean terminated;
  private @Nullable CapacityChannel channel;
  private @Nullable Future<?> running;

  // Written only by the I/O thread.
  private volatile int status;
  private volatile @Nullable HttpResponse head;
  private @Nullable RateLimitInfo rateLimit;
  private @Nullable String requestId;
  private boolean errorMode;
  private @Nullable FutureCallback<Void> resultCallback;
  private byte[] errorBody = new byte[0];
  private int errorSize;
  private boolean errorComplete = true;
  private boolean done;
  private int events;
  private long contentChars;

  private final AtomicInteger wip = new AtomicInteger();

  ChatStream(
      Flow.Subscriber<? super ChatChunk> subscriber,
      Exchange exchange,
      OpenAiErrorMapper errors,
      CallTarget target,
      HttpTransportSettings transportSettings) {
    this.subscriber = subscriber;
    this.transportSettings = transportSettings;
    int maxEventBytes =
        (int) Math.min(transportSettings.maxResponseBytes(), Integer.MAX_VALUE - 16);
    this.exchange = exchange;
    this.errors = errors;
    this.target = target;
    this.parser = new SseParser(this::onData, maxEventBytes);
  }

  // ---- Flow.Subscription ------------------------------------------------------------------

  @Override
  public void request(long n) {
    boolean start = false;
    synchronized (this) {
      if (cancelled || terminated) {
        return;
      }
      if (n <= 0) {
        failure =
            new IllegalArgumentException("request(" + n + "): demand must be positive (rule 3.9)");
        queue.clear();
      } else {
        demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
      }
      if (!started && failure == null) {
        started = true;
        start = true;
      }
    }
    if (start) {
      exchange
          .open(this)
          .whenComplete(
              (future, t) -> {
                if (t != null) {
                  fail(t instanceof LlmException ? t : unwrap(t));
                  return;
                }
                boolean cancelNow;
                synchronized (this) {
                  running = future;
                  cancelNow = cancelled;
                }
                if (cancelNow) {
                  future.cancel(true);
                }
              });
    }
    drain();
  }

  @Override
  public void cancel() {
    Future<?> toCancel;
    synchronized (this) {
      if (cancelled) {
        return;
      }
      cancelled = true;
      queue.clear();
      toCancel = running;
    }
    if (toCancel != null) {
      toCancel.cancel(true);
    }
  }

  // ---- AsyncResponseConsumer --------------------------------------------------------------

  @Override
  public void consumeResponse(
      HttpResponse response,
      @Nullable EntityDetails entity,
      HttpContext context,
      FutureCallback<Void> callback)
      throws IOException {
    status = response.getCode();
    resultCallback = callback;
    // The headers are looked up by name where they are used (httpcore5 compares names without
    // case), not copied into a map: this runs before the first event can be delivered.
    head = response;
    requestId = OpenAiErrorMapper.requestId(this::header);
    rateLimit = RateLimitHeaders.parse(this::header);
    if (status < 200 || status > 299) {
      errorMode = true;
      errorBody = new byte[1024];
    } else {
      String type = header("content-type");
      type = type == null ? "" : type;
      if (!type.toLowerCase(Locale.ROOT).startsWith("text/event-stream")) {
        throw new NotAStreamException(type);
      }
    }
    if (entity == null) {
      streamEnd(null);
    }
  }

  @Override
  public void informationResponse(HttpResponse response, HttpContext context) {}

  @Override
  public void updateCapacity(CapacityChannel capacityChannel) throws IOException {
    synchronized (this) {
      channel = capacityChannel;
      if (errorMode) {
        window = Integer.MAX_VALUE;
      }
    }
    if (errorMode) {
      capacityChannel.update(Integer.MAX_VALUE);
      return;
    }
    drain();
  }

  @Override
  public void consume(ByteBuffer src) throws IOException {
    int n = src.remaining();
    synchronized (this) {
      window -= n;
      if (cancelled) {
        src.position(src.limit());
        throw new StreamCancelledException();
      }
      if (terminated) {
        src.position(src.limit());
        return;
      }
    }
    if (errorMode) {
      int keep = Math.min(n, HttpTransport.ERROR_BODY_PREFIX - errorSize);
      if (keep > 0) {
        if (errorSize + keep > errorBody.length) {
          errorBody =
              java.util.Arrays.copyOf(
                  errorBody, Math.min(HttpTransport.ERROR_BODY_PREFIX, (errorSize + keep) * 2));
        }
        src.get(errorBody, errorSize, keep);
        errorSize += keep;
      }
      if (src.hasRemaining()) {
        errorComplete = false;
        src.position(src.limit());
      }
      return;
    }
    parser.feed(src);
    drain();
  }

  @Override
  public void streamEnd(@Nullable List<? extends Header> trailers) {
    FutureCallback<Void> callback = resultCallback;
    if (callback != null) {
      callback.completed(null); // the exchange is over; what it meant is told below
    }
    if (errorMode) {
      fail(
          errors.fromResponse(
              status,
              this::header,
              java.util.Arrays.copyOf(errorBody, errorSize),
              errorComplete,
              target));
      return;
    }
    if (!done) {
      fail(broken("the server ended the stream without [DONE]", null));
      return;
    }
    synchronized (this) {
      completed = true;
    }
    drain();
  }

  @Override
  public void failed(Exception cause) {
    fail(cause);
  }

  @Override
  public void releaseResources() {}

  // ---- events ------------------------------------------------------------------------------

  private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);

  private void onData(byte[] data, int length) throws IOException {
    if (done) {
      return; // nothing counts after [DONE]
    }
    if (Arrays.equals(data, 0, length, DONE, 0, DONE.length)) {
      done = true;
      return;
    }
    ChunkReader.Chunk body;
    try {
      body = ChunkReader.read(data, length);
    } catch (IOException | RuntimeException e) {
      throw new StreamFailure(
          errors.invalidBody(
              context(),
              "A streamed event is not a chat-completion chunk",
              Arrays.copyOf(data, length),
              e));
    }
    if (body.error() != null) {
      byte[] error = ("{\"error\":" + body.error() + "}").getBytes(StandardCharsets.UTF_8);
      throw new StreamFailure(errors.fromResponse(500, this::header, error, true, target));
    }
    events++;
    StreamEvent.ContentFilterResults filter = null;
    if (body.promptFilterResults() != null) {
      filter =
          new StreamEvent.ContentFilterResults(
              ContentFilterException.Side.PROMPT,
              OpenAiErrorMapper.filterResults(body.promptFilterResults()));
    } else if (body.contentFilterResults() != null) {
      filter =
          new StreamEvent.ContentFilterResults(
              ContentFilterException.Side.COMPLETION,
              OpenAiErrorMapper.filterResults(body.contentFilterResults()));
    }
    Usage usage = null;
    if (body.usage() != null) {
      Json.UsageBody u = body.usage();
      long cached = u.promptTokensDetails() == null ? 0 : u.promptTokensDetails().cachedTokens();
      long reasoning =
          u.completionTokensDetails() == null ? 0 : u.completionTokensDetails().reasoningTokens();
      try {
        usage = new Usage(u.promptTokens(), u.completionTokens(), cached, reasoning);
      } catch (IllegalArgumentException e) {
        throw new StreamFailure(
            errors.invalidBody(
                context(), "A streamed usage is invalid", Arrays.copyOf(data, length), e));
      }
    }
    if (body.content() != null) {
      contentChars += body.content().length();
    }
    ChatChunk chunk =
        new ChatChunk(
            body.content(),
            body.refusal(),
            body.toolCalls(),
            filter,
            body.finishReason(),
            usage,
            body.model(),
            body.id(),
            requestId,
            rateLimit,
            body.logprobs());
    boolean contentFiltered = "content_filter".equals(body.finishReason());
    synchronized (this) {
      queue.add(chunk);
    }
    if (contentFiltered) {
      JsonNode results = body.contentFilterResults();
      throw new StreamFailure(errors.completionFiltered(context(), results));
    }
  }

  /** The first response header of that name (any case), as the error mapper reads headers. */
  private @Nullable String header(String name) {
    HttpResponse response = head;
    Header h = response == null ? null : response.getFirstHeader(name);
    return h == null ? null : h.getValue();
  }

  private ErrorContext context() {
    return errors.context(status, this::header);
  }

  private LlmConnectionException broken(String what, @Nullable Throwable cause) {
    return new LlmConnectionException(
        "The stream broke: "
            + what
            + ", after "
            + events
            + " event(s) and "
            + contentChars
            + " characters of content. The answer is incomplete; call again.",
        context(),
        cause);
  }

  /** Maps a failure of the exchange to the exception the subscriber gets. */
  private Throwable mapped(Throwable t) {
    Throwable cause = unwrap(t);
    if (cause instanceof StreamFailure f) {
      return f.exception;
    }
    if (cause instanceof LlmException) {
      return cause;
    }
    if (cause instanceof NotAStreamException n) {
      return new InvalidResponseException(
          "The server answered a streamed request with '"
              + n.getMessage()
              + "' instead of text/event-stream. Check that the base URL points at an"
              + " OpenAI-compatible API that streams.",
          context(),
          null);
    }
    if (cause instanceof SseParser.EventTooLargeException) {
      return broken(cause.getMessage(), null);
    }
    LlmException transport = errors.fromTransport(cause, target, transportSettings);
    if (status == 0) {
      return transport; // nothing was received: typed like a failed plain call
    }
    return broken(transport.getMessage(), transport);
  }

  void fail(Throwable t) {
    Throwable error = mapped(t);
    synchronized (this) {
      if (failure != null || completed || terminated) {
        return;
      }
      failure = error;
    }
    drain();
  }

  private static Throwable unwrap(Throwable t) {
    Throwable c = t;
    while ((c instanceof java.util.concurrent.CompletionException
            || c instanceof java.util.concurrent.ExecutionException)
        && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }

  private void drain() {
    if (wip.getAndIncrement() != 0) {
      return;
    }
    int missed = 1;
    do {
      while (true) {
        ChatChunk next = null;
        Throwable error = null;
        boolean complete = false;
        CapacityChannel grantTo = null;
        int grant = 0;
        synchronized (this) {
          if (cancelled || terminated) {
            queue.clear();
            break;
          }
          if (!queue.isEmpty() && demand > 0) {
            next = queue.poll();
            demand--;
          } else if (queue.isEmpty() && (failure != null || completed)) {
            terminated = true;
            error = failure;
            complete = failure == null;
          } else if (queue.isEmpty()
              && demand > 0
              && channel != null
              && window < GRANT / 2
              && !errorMode) {
            grant = (int) (GRANT - window);
            window = GRANT;
            grantTo = channel;
          }
        }
        if (next != null) {
          subscriber.onNext(next);
          continue;
        }
        if (error != null) {
          subscriber.onError(error);
          break;
        }
        if (complete) {
          subscriber.onComplete();
          break;
        }
        if (grantTo != null) {
          try {
            grantTo.update(grant);
          } catch (IOException e) {
            fail(e);
          }
        }
        break;
      }
      missed = wip.addAndGet(-missed);
    } while (missed != 0);
  }

  /**
   * Thrown into httpcore when input arrives for a cancelled stream, so that the exchange fails and
   * its connection is closed instead of read to the end or returned to the pool.
   */
  private static final class StreamCancelledException extends IOException {
    private static final long serialVersionUID = 1L;

    StreamCancelledException() {
      super("the subscriber cancelled the stream", null);
    }
  }

  /** A 2xx answer that is not an event stream. */
  private static final class NotAStreamException extends IOException {
    private static final long serialVersionUID = 1L;

    NotAStreamException(String contentType) {
      super(contentType.isEmpty() ? "no content type" : contentType);
    }
  }

  /** Carries a typed failure out of the parser, through httpclient5, to the subscriber. */
  private static final class StreamFailure extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient LlmException exception;

    StreamFailure(LlmException exception) {
      super(exception.getMessage());
      this.exception = exception;
    }
  }
}
