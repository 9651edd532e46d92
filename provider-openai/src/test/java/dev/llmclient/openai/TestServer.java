package dev.llmclient.openai;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A real HTTP server on 127.0.0.1 for provider tests: answers every request with what the handler
 * returns, optionally after a delay that holds no thread, and records every request.
 */
public final class TestServer implements AutoCloseable {

  /** What the server received. */
  public record Received(
      String method, String path, String query, Map<String, String> headers, String body) {}

  /** What the server sends back. */
  public record Reply(int status, Map<String, String> headers, byte[] body, Duration delay) {
    public static Reply json(int status, String body) {
      return new Reply(
          status,
          Map.of("Content-Type", "application/json"),
          body.getBytes(StandardCharsets.UTF_8),
          Duration.ZERO);
    }

    public Reply header(String name, String value) {
      Map<String, String> copy = new LinkedHashMap<>(headers);
      copy.put(name, value);
      return new Reply(status, copy, body, delay);
    }

    public Reply after(Duration wait) {
      return new Reply(status, headers, body, wait);
    }
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(4);
  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
  private final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  private volatile Function<Received, Reply> handler = r -> Reply.json(200, "{}");

  public TestServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  public TestServer handler(Function<Received, Reply> handler) {
    this.handler = handler;
    return this;
  }

  public TestServer always(Reply reply) {
    return handler(r -> reply);
  }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public List<Received> received() {
    return List.copyOf(received);
  }

  public Received last() {
    List<Received> all = received();
    return all.get(all.size() - 1);
  }

  public int maxInFlight() {
    return maxInFlight.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    int now = inFlight.incrementAndGet();
    maxInFlight.accumulateAndGet(now, Math::max);
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readAllBytes();
    }
    Map<String, String> headers = new LinkedHashMap<>();
    exchange
        .getRequestHeaders()
        .forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
    URI uri = exchange.getRequestURI();
    Received r =
        new Received(
            exchange.getRequestMethod(),
            uri.getRawPath(),
            uri.getRawQuery() == null ? "" : uri.getRawQuery(),
            headers,
            new String(body, StandardCharsets.UTF_8));
    received.add(r);
    Reply reply;
    try {
      reply = handler.apply(r);
    } catch (RuntimeException e) {
      reply = Reply.json(500, "{\"error\":{\"message\":\"test handler failed\"}}");
    }
    Reply toSend = reply;
    if (toSend.delay().isZero()) {
      send(exchange, toSend);
    } else {
      scheduler.schedule(
          () -> {
            try {
              send(exchange, toSend);
            } catch (IOException e) {
              // the client went away
            }
          },
          toSend.delay().toMillis(),
          TimeUnit.MILLISECONDS);
    }
  }

  private void send(HttpExchange exchange, Reply reply) throws IOException {
    try {
      reply.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
      exchange.sendResponseHeaders(
          reply.status(), reply.body().length == 0 ? -1 : reply.body().length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(reply.body());
      }
    } finally {
      inFlight.decrementAndGet();
      exchange.close();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    scheduler.shutdownNow();
    executor.shutdownNow();
  }
}
