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
 * Puts Azure's {@code /openai/v1/...} route in front of the Prism mock of the OpenAI spec.
 *
 * <p>Azure's 2024-10-21 spec only describes the {@code /deployments/...} routes, and the v1 route
 * takes the OpenAI request shape (the deployment goes in {@code model}). So v1 bodies are validated
 * against the official OpenAI spec: this bridge strips the {@code /openai/v1} prefix, and since the
 * OpenAI spec only knows bearer authentication it turns an {@code api-key} header into {@code
 * Authorization: Bearer}. It records the headers exactly as the SDK sent them, so tests can check
 * which authentication the SDK used.
 */
final class V1Bridge implements AutoCloseable {

  private final HttpServer server;
  private final ExecutorService executor;
  private final HttpClient http;
  private final URI target;
  private final List<Map<String, String>> received = new ArrayList<>();

  private V1Bridge(HttpServer server, ExecutorService executor, URI target) {
    this.server = server;
    this.executor = executor;
    this.target = target;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  /** Starts a bridge to the OpenAI Prism at {@code target}. */
  static V1Bridge start(URI target) {
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
      ExecutorService executor = Executors.newFixedThreadPool(2);
      V1Bridge bridge = new V1Bridge(server, executor, target);
      server.createContext("/", bridge::handle);
      server.setExecutor(executor);
      server.start();
      return bridge;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The Azure endpoint to configure: {@code http://127.0.0.1:port}. */
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
      }
      if (!path.startsWith("/openai/v1/")) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      String forwarded = path.substring("/openai/v1".length());
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
