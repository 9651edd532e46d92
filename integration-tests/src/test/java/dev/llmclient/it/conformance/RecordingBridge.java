package dev.llmclient.it.conformance;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Sits in front of a Prism mock, forwards each request and records the headers, path and body
 * exactly as the SDK sent them, so tests can check what went on the wire (which authentication,
 * which token parameter) besides Prism's verdict.
 *
 * <p>{@link #azureV1(URI)} puts Azure's {@code /openai/v1/...} route in front of the Prism mock of
 * the OpenAI spec. Azure's 2024-10-21 spec only describes the {@code /deployments/...} routes, and
 * the v1 route takes the OpenAI request shape (the deployment goes in {@code model}). So v1 bodies
 * are validated against the official OpenAI spec: the bridge strips the {@code /openai/v1} prefix,
 * and since the OpenAI spec only knows bearer authentication it turns an {@code api-key} header
 * into {@code Authorization: Bearer}. {@link #openAi(URI)} forwards the OpenAI route unchanged.
 */
final class RecordingBridge implements AutoCloseable {

  private final HttpServer server;
  private final ExecutorService executor;
  private final HttpClient http;
  private final URI target;
  private final String prefix;
  private final List<Map<String, String>> received = new ArrayList<>();
  private final List<String> bodies = new ArrayList<>();

  private RecordingBridge(HttpServer server, ExecutorService executor, URI target, String prefix) {
    this.server = server;
    this.executor = executor;
    this.target = target;
    this.prefix = prefix;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  /** Starts a bridge from Azure's {@code /openai/v1/...} route to the OpenAI Prism at target. */
  static RecordingBridge azureV1(URI target) {
    return start(target, "/openai/v1");
  }

  /** Starts a bridge that forwards the OpenAI route unchanged to the OpenAI Prism at target. */
  static RecordingBridge openAi(URI target) {
    return start(target, "");
  }

  private static RecordingBridge start(URI target, String prefix) {
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
      ExecutorService executor = Executors.newFixedThreadPool(2);
      RecordingBridge bridge = new RecordingBridge(server, executor, target, prefix);
      server.createContext("/", bridge::handle);
      server.setExecutor(executor);
      server.start();
      return bridge;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The endpoint or base URL to configure: {@code http://127.0.0.1:port}. */
  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** The headers of the last request, as the SDK sent them (lower-case names). */
  Map<String, String> lastHeaders() {
    synchronized (received) {
      return received.get(received.size() - 1);
    }
  }

  /** The paths and queries the SDK addressed, in order. */
  private final List<String> paths = new ArrayList<>();

  /** The last path (with query) the SDK addressed. */
  String lastPath() {
    synchronized (received) {
      return paths.get(paths.size() - 1);
    }
  }

  /** The body of the last request, as UTF-8 text. */
  String lastBody() {
    synchronized (received) {
      return bodies.get(bodies.size() - 1);
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      Map<String, String> headers = new TreeMap<>();
      exchange
          .getRequestHeaders()
          .forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(", ", v)));
      String path = exchange.getRequestURI().getRawPath();
      String query = exchange.getRequestURI().getRawQuery();
      synchronized (received) {
        received.add(headers);
        paths.add(path + (query == null ? "" : "?" + query));
        bodies.add(new String(body, java.nio.charset.StandardCharsets.UTF_8));
      }
      if (!path.startsWith(prefix + "/")) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      String forwarded = path.substring(prefix.length());
      HttpRequest.Builder request =
          HttpRequest.newBuilder(target.resolve(forwarded))
              .timeout(Duration.ofSeconds(30))
              .header("Content-Type", headers.getOrDefault("content-type", "application/json"))
              .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
      String auth = headers.get("authorization");
      if (auth == null && headers.containsKey("api-key")) {
        auth = "Bearer " + headers.get("api-key");
      }
      if (auth != null) {
        request.header("Authorization", auth);
      }
      String prefer = headers.get("prefer");
      if (prefer != null) {
        // which of the spec's examples Prism answers with
        request.header("Prefer", prefer);
      }
      HttpResponse<byte[]> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      response
          .headers()
          .map()
          .forEach(
              (k, v) -> {
                String name = k.toLowerCase(Locale.ROOT);
                if (!name.equals("content-length")
                    && !name.equals("transfer-encoding")
                    && !name.equals("connection")) {
                  v.forEach(value -> exchange.getResponseHeaders().add(k, value));
                }
              });
      byte[] out = response.body();
      exchange.sendResponseHeaders(response.statusCode(), out.length == 0 ? -1 : out.length);
      if (out.length > 0) {
        try (OutputStream os = exchange.getResponseBody()) {
          os.write(out);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
