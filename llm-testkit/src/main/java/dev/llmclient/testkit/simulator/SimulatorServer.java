package dev.llmclient.testkit.simulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.hc.core5.http.URIScheme;
import org.apache.hc.core5.http.config.CharCodingConfig;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.impl.DefaultConnectionReuseStrategy;
import org.apache.hc.core5.http.impl.DefaultContentLengthStrategy;
import org.apache.hc.core5.http.impl.HttpProcessors;
import org.apache.hc.core5.http.impl.bootstrap.HttpAsyncServer;
import org.apache.hc.core5.http.impl.nio.DefaultHttpRequestParserFactory;
import org.apache.hc.core5.http.impl.nio.DefaultHttpResponseWriterFactory;
import org.apache.hc.core5.http.impl.nio.ServerHttp1StreamDuplexerFactory;
import org.apache.hc.core5.http.nio.AsyncServerExchangeHandler;
import org.apache.hc.core5.http.nio.HandlerFactory;
import org.apache.hc.core5.http2.config.H2Config;
import org.apache.hc.core5.http2.impl.H2Processors;
import org.apache.hc.core5.http2.impl.nio.ServerH2StreamMultiplexerFactory;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.apache.hc.core5.reactor.IOSession;
import org.apache.hc.core5.reactor.IOSessionListener;
import org.apache.hc.core5.reactor.ListenerEndpoint;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.jspecify.annotations.Nullable;

/**
 * The simulator's network side: an httpcore5 asynchronous server on loopback that speaks HTTP/1.1
 * and prior-knowledge h2c on one port, its timer thread for delayed reply pieces, and the open
 * connections (so a fault can reset one).
 */
final class SimulatorServer {

  /** How many HTTP/2 streams one h2c connection may have open at once. */
  private static final int MAX_CONCURRENT_STREAMS = 1024;

  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final SimulatorCounters counters;
  private final ScheduledThreadPoolExecutor timer;
  private final HttpAsyncServer server;
  private final Map<SocketAddress, IOSession> sessions = new ConcurrentHashMap<>();
  private final int port;
  private volatile boolean closed;

  SimulatorServer(
      SimulatorConfig config,
      SimulatorCounters counters,
      Supplier<AsyncServerExchangeHandler> handlers) {
    this.counters = counters;
    int instance = INSTANCES.incrementAndGet();
    this.timer =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "llm-simulator-" + instance + "-timer");
              t.setDaemon(true);
              return t;
            });
    timer.setRemoveOnCancelPolicy(true);
    IOReactorConfig reactor =
        IOReactorConfig.custom()
            .setIoThreadCount(config.ioThreads())
            .setSoReuseAddress(true)
            .setTcpNoDelay(true)
            .setSoTimeout(Timeout.ofMinutes(10))
            .setBacklogSize(4096)
            .build();
    // One cleartext port for HTTP/1.1 and prior-knowledge h2c: PrefaceDetector picks the protocol
    // from the first bytes (httpcore5's NEGOTIATE policy only means HTTP/1.1 without TLS).
    HandlerFactory<AsyncServerExchangeHandler> exchanges = (request, context) -> handlers.get();
    ServerHttp1StreamDuplexerFactory http1 =
        new ServerHttp1StreamDuplexerFactory(
            HttpProcessors.server(),
            exchanges,
            Http1Config.DEFAULT,
            CharCodingConfig.DEFAULT,
            DefaultConnectionReuseStrategy.INSTANCE,
            new DefaultHttpRequestParserFactory(Http1Config.DEFAULT),
            new DefaultHttpResponseWriterFactory(Http1Config.DEFAULT),
            DefaultContentLengthStrategy.INSTANCE,
            DefaultContentLengthStrategy.INSTANCE,
            null,
            null);
    ServerH2StreamMultiplexerFactory http2 =
        new ServerH2StreamMultiplexerFactory(
            H2Processors.server(),
            exchanges,
            H2Config.custom()
                .setMaxConcurrentStreams(MAX_CONCURRENT_STREAMS)
                .setPushEnabled(false)
                .build(),
            CharCodingConfig.DEFAULT,
            null);
    this.server =
        new HttpAsyncServer(
            PrefaceDetector.factory(http1, http2),
            reactor,
            null,
            null,
            new SessionTracker(),
            "llm-simulator");
    boolean started = false;
    try {
      server.start();
      Future<ListenerEndpoint> listening =
          server.listen(
              new InetSocketAddress(InetAddress.getLoopbackAddress(), config.port()),
              URIScheme.HTTP);
      ListenerEndpoint endpoint = listening.get(10, TimeUnit.SECONDS);
      this.port = ((InetSocketAddress) endpoint.getAddress()).getPort();
      started = true;
    } catch (ExecutionException e) {
      throw new UncheckedIOException(
          new IOException(
              "The simulator could not listen on 127.0.0.1:"
                  + config.port()
                  + "; choose another port, or 0 for a free one",
              e.getCause()));
    } catch (TimeoutException e) {
      throw new IllegalStateException("The simulator did not start listening within 10 s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while starting the simulator", e);
    } finally {
      if (!started) {
        server.close(CloseMode.IMMEDIATE);
        timer.shutdownNow();
      }
    }
  }

  int port() {
    return port;
  }

  /** Stops at once: open connections are closed and pending replies dropped. */
  void close() {
    if (closed) {
      return;
    }
    closed = true;
    server.close(CloseMode.IMMEDIATE);
    timer.shutdownNow();
    try {
      server.awaitShutdown(TimeValue.ofSeconds(5));
      timer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  Future<?> schedule(Runnable task, long delayMillis) {
    try {
      return timer.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      return java.util.concurrent.CompletableFuture.completedFuture(null);
    }
  }

  /** Resets (RST) the client connection with this remote address. */
  void resetConnection(@Nullable SocketAddress remote) {
    IOSession session = remote == null ? null : sessions.get(remote);
    if (session == null) {
      return;
    }
    try {
      if (session.channel() instanceof SocketChannel socket) {
        socket.setOption(StandardSocketOptions.SO_LINGER, 0);
      }
    } catch (IOException | RuntimeException e) {
      // the connection is going away anyway
    }
    session.close(CloseMode.IMMEDIATE);
  }

  private final class SessionTracker implements IOSessionListener {
    @Override
    public void connected(IOSession session) {
      SocketAddress remote = session.getRemoteAddress();
      if (remote != null) {
        sessions.put(remote, session);
      }
      counters.connectionOpened();
    }

    @Override
    public void startTls(IOSession session) {}

    @Override
    public void inputReady(IOSession session) {}

    @Override
    public void outputReady(IOSession session) {}

    @Override
    public void timeout(IOSession session) {}

    @Override
    public void exception(IOSession session, Exception ex) {}

    @Override
    public void disconnected(IOSession session) {
      SocketAddress remote = session.getRemoteAddress();
      if (remote != null) {
        sessions.remove(remote, session);
      }
      counters.connectionClosed();
    }
  }
}
