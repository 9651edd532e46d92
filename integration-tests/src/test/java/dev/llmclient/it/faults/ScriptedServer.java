package dev.llmclient.it.faults;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A tiny loopback HTTP server (the JDK's) that answers every request, on any path, with the next
 * scripted reply: for what the simulator cannot send (409, a {@code Retry-After} HTTP date, 403,
 * and arbitrary fuzzed bodies and headers). Counts requests and keeps their headers.
 */
public final class ScriptedServer implements AutoCloseable {

  /**
   * One canned reply.
   *
   * @param status the HTTP status
   * @param headers the response headers
   * @param body the raw body bytes (any bytes, not necessarily UTF-8)
   * @param delay how long to hold the reply before sending the headers
   */
  public record Reply(int status, Map<String, String> headers, byte[] body, Duration delay) {

    /** A reply with a JSON body. */
    public static Reply json(int status, String body) {
      return new Reply(
          status,
          Map.of("Content-Type", "application/json"),
          body.getBytes(StandardCharsets.UTF_8),
          Duration.ZERO);
    }

    /** A 200 chat completion whose message content is {@code content}. */
    public static Reply chat(String content) {
      return json(200, chatBody(content));
    }

    /** This reply with one more header. */
    public Reply withHeader(String name, String value) {
      Map<String, String> h = new LinkedHashMap<>(headers);
      h.put(name, value);
      return new Reply(status, h, body, delay);
    }

    /** This reply held back for {@code d} before the headers. */
    public Reply delayed(Duration d) {
      return new Reply(status, headers, body, d);
    }

    @Override
    public String toString() {
      return "Reply[" + status + ", " + headers + ", " + body.length + " bytes]";
    }
  }

  /** A minimal, valid OpenAI chat-completion body with this content. */
  public static String chatBody(String content) {
    return "{\"id\":\"chatcmpl-scripted\",\"object\":\"chat.completion\",\"created\":1,"
        + "\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
        + "\"content\":"
        + jsonString(content)
        + "},\"finish_reason\":\"stop\"}],"
        + "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":5,\"total_tokens\":15}}";
  }

  /** {@code s} as a JSON string literal. */
  public static String jsonString(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }

  private static final AtomicInteger THREADS = new AtomicInteger();

  private final HttpServer server;
  private final ExecutorService executor;
  private final ConcurrentLinkedQueue<Reply> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger requests = new AtomicInteger();
  private final List<Map<String, String>> headers = new ArrayList<>();
  private volatile Function<byte[], Reply> fallback = ScriptedServer::noReplyLeft;

  private ScriptedServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** Starts a server on a free loopback port. */
  public static ScriptedServer start() {
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
      ExecutorService executor =
          Executors.newFixedThreadPool(
              8,
              r -> {
                Thread t = new Thread(r, "scripted-server-" + THREADS.incrementAndGet());
                t.setDaemon(true);
                return t;
              });
      ScriptedServer s = new ScriptedServer(server, executor);
      server.createContext("/", s::handle);
      server.setExecutor(executor);
      server.start();
      return s;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code http://127.0.0.1:port}. */
  public URI baseUri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Queues replies, answered in order. */
  public ScriptedServer enqueue(Reply... replies) {
    queue.addAll(List.of(replies));
    return this;
  }

  /** What to answer once the queue is empty (default: a 500). */
  public ScriptedServer otherwise(Supplier<Reply> reply) {
    Objects.requireNonNull(reply);
    this.fallback = body -> reply.get();
    return this;
  }

  /** Once the queue is empty, answers each request with a reply computed from its body. */
  public ScriptedServer respondWith(Function<byte[], Reply> reply) {
    this.fallback = Objects.requireNonNull(reply);
    return this;
  }

  private static Reply noReplyLeft(byte[] requestBody) {
    return Reply.json(500, "{\"error\":{\"message\":\"no scripted reply left\"}}");
  }

  /** Requests received since the last {@link #reset()}. */
  public int requests() {
    return requests.get();
  }

  /** The headers of every request since the last reset, lower-case names. */
  public List<Map<String, String>> requestHeaders() {
    synchronized (headers) {
      return List.copyOf(headers);
    }
  }

  /** Forgets queued replies, counts and headers, and restores the default fallback. */
  public void reset() {
    queue.clear();
    requests.set(0);
    synchronized (headers) {
      headers.clear();
    }
    fallback = ScriptedServer::noReplyLeft;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] requestBody;
      try (InputStream in = exchange.getRequestBody()) {
        requestBody = in.readAllBytes();
      }
      requests.incrementAndGet();
      Map<String, String> h = new LinkedHashMap<>();
      exchange
          .getRequestHeaders()
          .forEach((k, v) -> h.put(k.toLowerCase(java.util.Locale.ROOT), String.join(", ", v)));
      synchronized (headers) {
        headers.add(h);
      }
      Reply reply = queue.poll();
      if (reply == null) {
        reply = fallback.apply(requestBody);
      }
      if (!reply.delay().isZero()) {
        try {
          Thread.sleep(reply.delay().toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      reply.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
      byte[] body = reply.body();
      exchange.sendResponseHeaders(reply.status(), body.length == 0 ? -1 : body.length);
      if (body.length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    } catch (IOException clientWentAway) {
      // The client timed out or closed the connection: nothing to answer.
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
