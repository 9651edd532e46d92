package dev.llmclient.testkit.simulator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.ProtocolVersion;
import org.apache.hc.core5.http.impl.BasicEntityDetails;
import org.apache.hc.core5.http.message.BasicHttpResponse;
import org.apache.hc.core5.http.nio.AsyncServerExchangeHandler;
import org.apache.hc.core5.http.nio.CapacityChannel;
import org.apache.hc.core5.http.nio.DataStreamChannel;
import org.apache.hc.core5.http.nio.ResponseChannel;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.http.protocol.HttpCoreContext;
import org.jspecify.annotations.Nullable;

/**
 * One HTTP exchange on the simulator: buffers the request body, asks the engine for a {@link
 * Reply}, and plays it out on the simulator's timer. It never blocks an I/O thread and never holds
 * a thread while a reply waits, so thousands of delayed replies cost only memory.
 */
final class SimulatorExchangeHandler implements AsyncServerExchangeHandler {

  private static final int MAX_BODY_BYTES = 32 * 1024 * 1024;

  /** How long the client gets to read the last bytes it was sent before its connection is reset. */
  private static final long RESET_AFTER_BODY_MILLIS = 200;

  private final LlmSimulator simulator;
  private final ByteArrayOutputStream body = new ByteArrayOutputStream();
  private final Queue<ByteBuffer> pending = new ConcurrentLinkedQueue<>();
  private final List<Future<?>> timers = new ArrayList<>();
  private final AtomicBoolean released = new AtomicBoolean();
  private final AtomicBoolean counted = new AtomicBoolean();
  private @Nullable HttpRequest request;
  private @Nullable ResponseChannel responseChannel;
  private @Nullable HttpContext context;
  private @Nullable SocketAddress remote;
  private volatile @Nullable DataStreamChannel channel;
  private volatile boolean endRequested;
  private volatile boolean resetRequested;
  private boolean resetScheduled;
  private boolean ended;
  private boolean tooLarge;
  private boolean started;

  SimulatorExchangeHandler(LlmSimulator simulator) {
    this.simulator = simulator;
  }

  @Override
  public void handleRequest(
      HttpRequest request,
      @Nullable EntityDetails entityDetails,
      ResponseChannel responseChannel,
      HttpContext context) {
    this.request = request;
    this.responseChannel = responseChannel;
    this.context = context;
    HttpCoreContext core = HttpCoreContext.cast(context);
    if (core.getEndpointDetails() != null) {
      this.remote = core.getEndpointDetails().getRemoteAddress();
    }
    started = true;
    simulator.engine().counters().exchangeStarted();
    if (entityDetails == null) {
      respond();
    }
  }

  @Override
  public void updateCapacity(CapacityChannel capacityChannel) throws IOException {
    capacityChannel.update(Integer.MAX_VALUE);
  }

  @Override
  public void consume(ByteBuffer src) {
    if (body.size() + src.remaining() > MAX_BODY_BYTES) {
      tooLarge = true;
      src.position(src.limit());
      return;
    }
    byte[] bytes = new byte[src.remaining()];
    src.get(bytes);
    body.write(bytes, 0, bytes.length);
  }

  @Override
  public void streamEnd(@Nullable List<? extends Header> trailers) {
    respond();
  }

  private void respond() {
    HttpRequest req = request;
    if (req == null) {
      return;
    }
    Reply reply;
    if (tooLarge) {
      reply =
          Reply.json(
              413,
              WireErrors.invalidRequest(
                  "The request body is larger than " + MAX_BODY_BYTES + " bytes.", null, null));
    } else {
      reply = simulator.engine().handle(incoming(req));
    }
    if (reply.resetBeforeHeaders) {
      schedule(this::reset, reply.headerDelayMillis);
    } else {
      schedule(() -> sendHeaders(reply), reply.headerDelayMillis);
    }
  }

  private SimulatorEngine.Incoming incoming(HttpRequest req) {
    String uri = req.getRequestUri();
    int q = uri.indexOf('?');
    String path = q < 0 ? uri : uri.substring(0, q);
    String query = q < 0 ? "" : uri.substring(q + 1);
    Map<String, String> headers = new LinkedHashMap<>();
    for (Header h : req.getHeaders()) {
      headers.merge(h.getName().toLowerCase(Locale.ROOT), h.getValue(), (a, b) -> a + ", " + b);
    }
    ProtocolVersion version =
        context == null ? null : HttpCoreContext.cast(context).getProtocolVersion();
    return new SimulatorEngine.Incoming(
        req.getMethod(),
        path,
        query,
        headers,
        body.toByteArray(),
        version == null ? "HTTP/1.1" : version.toString());
  }

  private void sendHeaders(Reply reply) {
    ResponseChannel rc = responseChannel;
    if (released.get() || rc == null) {
      return;
    }
    BasicHttpResponse response = new BasicHttpResponse(reply.status);
    reply.headers.forEach(response::addHeader);
    reply.extraHeaders.forEach(h -> response.addHeader(h.getKey(), h.getValue()));
    simulator.engine().counters().status(reply.status);
    boolean noBody =
        !reply.streaming
            && reply.declaredLength < 0
            && reply.ending == Reply.Ending.COMPLETE
            && reply.body().length == 0;
    try {
      if (noBody) {
        // No entity at all: the exchange is complete with the head (and 204/304 stay bodiless).
        rc.sendResponse(response, null, context);
        return;
      }
      rc.sendResponse(
          response,
          new BasicEntityDetails(
              reply.contentLength(),
              reply.contentType.isEmpty() ? null : ContentType.parse(reply.contentType)),
          context);
    } catch (Exception e) {
      return;
    }
    if (reply.chunks.isEmpty()) {
      finish(reply);
    } else {
      schedule(() -> play(reply, 0), reply.chunks.get(0).delayMillis());
    }
  }

  /**
   * Sends piece {@code index} (its delay has passed) and the following pieces, waiting on the timer
   * before each piece that has a delay, then ends the exchange.
   */
  private void play(Reply reply, int index) {
    int i = index;
    while (i < reply.chunks.size()) {
      if (i == reply.chunks.size() - 1 && reply.ending == Reply.Ending.COMPLETE) {
        // The I/O thread may write this last piece at once, and a client that reads a body of
        // known length has its answer then and may start its next call before this thread runs
        // again: the exchange stops counting as in flight before its last piece is queued.
        countEnded();
      }
      enqueue(reply.chunks.get(i).bytes());
      i++;
      if (i < reply.chunks.size() && reply.chunks.get(i).delayMillis() > 0) {
        int next = i;
        schedule(() -> play(reply, next), reply.chunks.get(i).delayMillis());
        return;
      }
    }
    finish(reply);
  }

  private void finish(Reply reply) {
    if (reply.ending == Reply.Ending.RESET) {
      // The reset waits until the I/O thread has written every queued piece: a fixed delay from
      // here lost the body's start on a loaded machine, and the client saw no bytes at all.
      resetRequested = true;
      requestOutput();
    } else {
      endRequested = true;
      requestOutput();
    }
  }

  private void enqueue(byte[] bytes) {
    pending.add(ByteBuffer.wrap(bytes));
    requestOutput();
  }

  private void requestOutput() {
    DataStreamChannel ch = channel;
    if (ch != null) {
      ch.requestOutput();
    }
  }

  private void reset() {
    if (!released.get()) {
      simulator.resetConnection(remote);
    }
  }

  private void schedule(Runnable task, long delayMillis) {
    if (delayMillis <= 0) {
      task.run();
      return;
    }
    Future<?> f = simulator.schedule(task, delayMillis);
    synchronized (timers) {
      timers.add(f);
    }
  }

  @Override
  public int available() {
    int n = 0;
    for (ByteBuffer b : pending) {
      n += b.remaining();
    }
    return n > 0 ? n : ((endRequested && !ended) || (resetRequested && !resetScheduled) ? 1 : 0);
  }

  @Override
  public synchronized void produce(DataStreamChannel ch) throws IOException {
    channel = ch;
    ByteBuffer b;
    while ((b = pending.peek()) != null) {
      ch.write(b);
      if (b.hasRemaining()) {
        ch.requestOutput();
        return;
      }
      pending.poll();
    }
    if (resetRequested && !resetScheduled) {
      resetScheduled = true;
      schedule(this::reset, RESET_AFTER_BODY_MILLIS);
      return;
    }
    if (endRequested && !ended) {
      ended = true;
      // Already counted before the last piece was queued (see play); this covers a reply without
      // pieces. Counting only at releaseResources showed one call too many under load.
      countEnded();
      ch.endStream(null);
    }
  }

  private void countEnded() {
    if (started && counted.compareAndSet(false, true)) {
      simulator.engine().counters().exchangeEnded();
    }
  }

  @Override
  public void failed(Exception cause) {
    cancelTimers();
  }

  @Override
  public void releaseResources() {
    if (released.compareAndSet(false, true)) {
      cancelTimers();
      countEnded();
    }
  }

  private void cancelTimers() {
    synchronized (timers) {
      timers.forEach(f -> f.cancel(false));
      timers.clear();
    }
  }

  @Override
  public String toString() {
    return "SimulatorExchangeHandler["
        + (request == null ? "?" : request.getMethod() + " " + request.getPath())
        + ", body="
        + body.size()
        + " bytes]";
  }
}
