package dev.llmclient.openai;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmclient.api.BatchRequestNotRunException;
import dev.llmclient.api.ErrorContext;
import dev.llmclient.api.InvalidRequestException;
import dev.llmclient.api.LlmConnectionException;
import dev.llmclient.api.LlmException;
import dev.llmclient.api.spi.BackendInfo;
import dev.llmclient.api.spi.BatchBackend;
import dev.llmclient.api.spi.BatchError;
import dev.llmclient.api.spi.BatchFile;
import dev.llmclient.api.spi.BatchJob;
import dev.llmclient.api.spi.BatchPage;
import dev.llmclient.api.spi.BatchResult;
import dev.llmclient.api.spi.BatchResults;
import dev.llmclient.api.spi.BatchStatus;
import dev.llmclient.api.spi.ChatCompletion;
import dev.llmclient.api.spi.ChatCompletionRequest;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.nio.AsyncEntityProducer;
import org.apache.hc.core5.http.nio.entity.AsyncEntityProducers;
import org.jspecify.annotations.Nullable;

/**
 * The OpenAI-shaped Files and Batches APIs: one exchange per call, errors typed by the same {@link
 * OpenAiErrorMapper} as chat calls, the input file uploaded as a streamed {@code
 * multipart/form-data} body straight from disk and output files read line by line from the network.
 * {@link OpenAiProvider} builds one for OpenAI, the Azure provider one with its routes and
 * authentication.
 *
 * <pre>{@code
 * BatchBackend batches = OpenAiBatchBackend.builder("openai", info)
 *     .routes(BatchRoutes.openAi(URI.create("https://api.openai.com/v1")))
 *     .authenticator(RequestAuthenticator.bearer(apiKey))
 *     .build();
 * }</pre>
 *
 * @implNote Batch exchanges run on the same httpclient5 transport as chat calls, configured from
 *     the same {@link HttpTransportSettings}: proxy and proxy authentication (also through a
 *     CONNECT tunnel), no-proxy list, TLS trust store, HTTP/2, response limits, masked secret
 *     headers. The upload streams the file from disk and a download is read as it arrives, held
 *     back while its reader is behind, so neither is ever held in memory whole.
 */
public final class OpenAiBatchBackend implements BatchBackend {

  /** The longest a single upload or download may take before it is abandoned. */
  static final Duration TRANSFER_TIMEOUT = Duration.ofMinutes(30);

  private static final SecureRandom RANDOM = new SecureRandom();

  private final String providerId;
  private final BackendInfo info;
  private final BatchRoutes routes;
  private final RequestAuthenticator authenticator;
  private final Map<String, String> staticHeaders;
  private final String maxTokensField;
  private final int maxRequestsPerFile;
  private final HttpTransportSettings settings;
  private final OpenAiErrorMapper errors;
  private final HttpTransport http;
  private final AtomicBoolean closed = new AtomicBoolean();

  private OpenAiBatchBackend(Builder b) {
    this.providerId = b.providerId;
    this.info = b.info;
    this.routes = Objects.requireNonNull(b.routes, "routes");
    this.authenticator = b.authenticator;
    this.staticHeaders = Map.copyOf(b.headers);
    this.maxTokensField = b.maxTokensField;
    this.maxRequestsPerFile = b.maxRequestsPerFile;
    this.settings = b.transport;
    List<String> fixed = OpenAiWireClient.fixedSecrets(staticHeaders, settings);
    Redactor redactor =
        new Redactor(
            () -> {
              List<String> all = new ArrayList<>(authenticator.secrets());
              all.addAll(fixed);
              return all;
            });
    this.errors =
        new OpenAiErrorMapper(
            providerId,
            "model",
            b.authHint,
            b.notFoundHint,
            redactor,
            java.time.Clock.systemUTC(),
            OpenAiWireClient.proxies(settings));
    this.http = new HttpTransport(settings);
  }

  /**
   * A builder.
   *
   * @param providerId the id put on every exception, e.g. {@code "openai"}
   * @param info what the backend reports about itself
   * @return the builder
   */
  public static Builder builder(String providerId, BackendInfo info) {
    return new Builder(providerId, info);
  }

  @Override
  public BackendInfo info() {
    return info;
  }

  @Override
  public int maxRequestsPerFile() {
    return maxRequestsPerFile;
  }

  @Override
  public byte[] inputLine(String customId, ChatCompletionRequest request) {
    Objects.requireNonNull(customId, "customId");
    byte[] body;
    try {
      body = Json.chatBody(request, true, maxTokensField);
    } catch (RuntimeException e) {
      throw new InvalidRequestException(
          "Cannot write the request body of "
              + customId
              + " ("
              + e.getClass().getSimpleName()
              + ")",
          ErrorContext.provider(providerId),
          null,
          null,
          e);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + customId.length() + 96);
    try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out, JsonEncoding.UTF8)) {
      g.writeStartObject();
      g.writeStringField("custom_id", customId);
      g.writeStringField("method", "POST");
      g.writeStringField("url", routes.endpoint());
      g.writeFieldName("body");
      g.writeRawValue(new String(body, StandardCharsets.UTF_8));
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.write('\n');
    return out.toByteArray();
  }

  @Override
  public CompletableFuture<BatchFile> upload(Path jsonl) {
    String boundary =
        "llmclient-" + Long.toHexString(RANDOM.nextLong()) + Long.toHexString(RANDOM.nextLong());
    String filename = jsonl.getFileName() == null ? "input.jsonl" : jsonl.getFileName().toString();
    MultipartFileProducer body;
    try {
      body = new MultipartFileProducer(jsonl, "batch", boundary);
    } catch (IOException e) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException("Cannot read the batch input file " + jsonl, e));
    }
    URI uri = routes.files();
    return json("POST", uri, body, TRANSFER_TIMEOUT)
        .thenApply(
            node ->
                new BatchFile(
                    text(node, "id", uri),
                    node.path("bytes").asLong(),
                    node.path("filename").asText(filename)));
  }

  @Override
  public CompletableFuture<BatchJob> create(String inputFileId, Map<String, String> metadata) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("input_file_id", Objects.requireNonNull(inputFileId, "inputFileId"));
    body.put("endpoint", routes.endpoint());
    body.put("completion_window", "24h");
    if (!metadata.isEmpty()) {
      ObjectNode m = body.putObject("metadata");
      metadata.forEach(m::put);
    }
    URI uri = routes.batches();
    return json("POST", uri, publisher(body), settings.callTimeout())
        .thenApply(node -> batchJob(node, uri));
  }

  @Override
  public CompletableFuture<BatchJob> retrieve(String batchId) {
    URI uri = routes.batch(batchId);
    return json("GET", uri, null, settings.callTimeout()).thenApply(node -> batchJob(node, uri));
  }

  @Override
  public CompletableFuture<BatchJob> cancel(String batchId) {
    URI uri = routes.cancel(batchId);
    return json("POST", uri, null, settings.callTimeout()).thenApply(node -> batchJob(node, uri));
  }

  @Override
  public CompletableFuture<BatchPage> list(@Nullable String after, int limit) {
    if (limit < 1 || limit > 100) {
      throw new IllegalArgumentException("limit must be 1 to 100, got " + limit);
    }
    URI uri = routes.list(after, limit);
    return json("GET", uri, null, settings.callTimeout())
        .thenApply(
            node -> {
              List<BatchJob> jobs = new ArrayList<>();
              for (JsonNode item : node.path("data")) {
                jobs.add(batchJob(item, uri));
              }
              return new BatchPage(jobs, node.path("has_more").asBoolean(false));
            });
  }

  @Override
  public CompletableFuture<BatchResults> results(String fileId) {
    URI uri = routes.fileContent(fileId);
    CallTarget target = new CallTarget("GET", uri.getRawPath(), "");
    return exchange(target, headers -> http.open(uri, headers))
        .thenApply(
            response -> {
              int status = response.status();
              if (status < 200 || status > 299) {
                byte[] prefix;
                try (InputStream in = response.body()) {
                  prefix = in.readNBytes(HttpTransport.ERROR_BODY_PREFIX);
                } catch (IOException e) {
                  prefix = new byte[0];
                }
                throw errors.fromResponse(status, response.headers()::get, prefix, true, target);
              }
              return new LineResults(response.body(), target);
            });
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      http.close();
    }
  }

  @Override
  public String toString() {
    return "OpenAiBatchBackend[provider=" + providerId + ", routes=" + routes + "]";
  }

  // ---- exchanges ----------------------------------------------------------------------------

  private static AsyncEntityProducer publisher(JsonNode body) {
    try {
      return AsyncEntityProducers.create(
          Json.MAPPER.writeValueAsBytes(body), ContentType.APPLICATION_JSON);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private CompletableFuture<JsonNode> json(
      String method, URI uri, @Nullable AsyncEntityProducer body, @Nullable Duration timeout) {
    CallTarget target = new CallTarget(method, uri.getRawPath(), "");
    return exchange(target, headers -> http.send(method, uri, headers, body, timeout))
        .thenApply(
            response -> {
              byte[] bytes = response.body();
              if (response.status() < 200 || response.status() > 299) {
                throw errors.fromResponse(
                    response.status(), response::header, bytes, response.complete(), target);
              }
              try {
                JsonNode node = Json.MAPPER.readTree(bytes);
                if (node == null || !node.isObject()) {
                  throw new IOException("not a JSON object");
                }
                return node;
              } catch (IOException e) {
                throw errors.invalidBody(
                    errors.context(response.status(), response::header),
                    "The response of " + target + " is not a JSON object",
                    bytes,
                    e);
              }
            });
  }

  /**
   * Runs one exchange with the authentication and fixed headers, its transport failures typed by
   * the error mapper.
   */
  private <R> CompletableFuture<R> exchange(
      CallTarget target, Function<Map<String, String>, CompletableFuture<R>> send) {
    if (closed.get()) {
      return CompletableFuture.failedFuture(
          new LlmConnectionException(
              "The batch backend is closed; create a new one.",
              ErrorContext.provider(providerId),
              null));
    }
    CompletableFuture<Map<String, String>> auth;
    try {
      auth = authenticator.headers();
    } catch (RuntimeException e) {
      auth = CompletableFuture.failedFuture(e);
    }
    return auth.thenCompose(
            authHeaders -> {
              Map<String, String> headers = new LinkedHashMap<>();
              headers.put("Accept", "application/json");
              headers.putAll(staticHeaders);
              headers.putAll(authHeaders);
              return send.apply(headers);
            })
        .exceptionallyCompose(
            t -> {
              Throwable cause =
                  t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
              if (cause instanceof LlmException) {
                return CompletableFuture.failedFuture(cause);
              }
              return CompletableFuture.failedFuture(errors.fromTransport(cause, target, settings));
            });
  }

  private String text(JsonNode node, String field, URI uri) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw errors.invalidBody(
          ErrorContext.provider(providerId),
          "The response of " + uri.getRawPath() + " has no '" + field + "'",
          node.toString().getBytes(StandardCharsets.UTF_8),
          null);
    }
    return value.asText();
  }

  private BatchJob batchJob(JsonNode node, URI uri) {
    String id = text(node, "id", uri);
    BatchStatus status;
    try {
      status = BatchStatus.fromWire(text(node, "status", uri));
    } catch (IllegalArgumentException e) {
      throw errors.invalidBody(
          ErrorContext.provider(providerId),
          "The batch " + id + " has an unknown status",
          node.toString().getBytes(StandardCharsets.UTF_8),
          e);
    }
    List<BatchError> batchErrors = new ArrayList<>();
    for (JsonNode e : node.path("errors").path("data")) {
      JsonNode line = e.get("line");
      batchErrors.add(
          new BatchError(
              e.path("code").asText(""),
              e.path("message").asText(""),
              line == null || !line.isInt() ? null : line.asInt()));
    }
    Map<String, String> metadata = new HashMap<>();
    for (Map.Entry<String, JsonNode> f : node.path("metadata").properties()) {
      metadata.put(f.getKey(), f.getValue().asText());
    }
    JsonNode counts = node.path("request_counts");
    return new BatchJob(
        id,
        status,
        node.path("input_file_id").asText(""),
        nullableText(node.get("output_file_id")),
        nullableText(node.get("error_file_id")),
        counts.path("total").asLong(),
        counts.path("completed").asLong(),
        counts.path("failed").asLong(),
        node.path("created_at").asLong(),
        batchErrors,
        metadata);
  }

  private static @Nullable String nullableText(@Nullable JsonNode node) {
    return node == null || !node.isTextual() || node.asText().isEmpty() ? null : node.asText();
  }

  // ---- result lines -------------------------------------------------------------------------

  /** Reads one output or error line into a typed result. */
  BatchResult resultLine(String line, CallTarget fileTarget) {
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(line);
    } catch (IOException e) {
      throw errors.invalidBody(
          ErrorContext.provider(providerId),
          "A line of " + fileTarget + " is not JSON",
          line.getBytes(StandardCharsets.UTF_8),
          e);
    }
    JsonNode customId = node == null ? null : node.get("custom_id");
    if (customId == null || !customId.isTextual()) {
      throw errors.invalidBody(
          ErrorContext.provider(providerId),
          "A line of " + fileTarget + " has no custom_id",
          line.getBytes(StandardCharsets.UTF_8),
          null);
    }
    String id = customId.asText();
    JsonNode response = node.get("response");
    JsonNode error = node.get("error");
    String requestId =
        response != null && response.path("request_id").isTextual()
            ? response.get("request_id").asText()
            : null;
    Map<String, String> headers = requestId == null ? Map.of() : Map.of("x-request-id", requestId);
    CallTarget target = new CallTarget("POST", routes.endpoint(), id);
    if (response != null && response.isObject() && response.path("status_code").isInt()) {
      int status = response.get("status_code").asInt();
      byte[] body;
      try {
        body = Json.MAPPER.writeValueAsBytes(response.path("body"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      if (status >= 200 && status <= 299) {
        try {
          ChatCompletion c =
              OpenAiWireClient.chatCompletion(
                  errors, new HttpTransport.Response(status, headers, body, true), target);
          return new BatchResult(id, c, null);
        } catch (LlmException e) {
          return new BatchResult(id, null, e);
        }
      }
      return new BatchResult(
          id, null, errors.fromResponse(status, headers::get, body, true, target));
    }
    String code = error == null ? null : nullableText(error.get("code"));
    String message = error == null ? "" : error.path("message").asText("");
    ErrorContext context = new ErrorContext(providerId, null, requestId);
    if ("batch_expired".equals(code) || "batch_cancelled".equals(code)) {
      return new BatchResult(
          id,
          null,
          new BatchRequestNotRunException(
              "The request "
                  + id
                  + " was not run: "
                  + ("batch_expired".equals(code)
                      ? "the batch expired before reaching it"
                      : "the batch was cancelled before reaching it")
                  + "; send it again in a new batch or online.",
              context,
              code));
    }
    return new BatchResult(
        id,
        null,
        new InvalidRequestException(
            "The batch refused the request "
                + id
                + (code == null ? "" : " (" + code + ")")
                + ": "
                + (message.length() > 300 ? message.substring(0, 300) + "..." : message)
                + " Fix the request and send it again.",
            context,
            null,
            code,
            null));
  }

  /** The lines of a file, parsed as they are read from the response stream. */
  private final class LineResults implements BatchResults {
    private final InputStream body;
    private final BufferedReader reader;
    private final CallTarget target;
    private @Nullable BatchResult next;
    private boolean done;

    LineResults(InputStream body, CallTarget target) {
      this.body = body;
      this.reader =
          new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8), 64 * 1024);
      this.target = target;
    }

    @Override
    public boolean hasNext() {
      while (next == null && !done) {
        String line;
        try {
          line = reader.readLine();
        } catch (IOException e) {
          close();
          throw errors.fromTransport(e, target, settings);
        }
        if (line == null) {
          close();
        } else if (!line.isBlank()) {
          next = resultLine(line, target);
        }
      }
      return next != null;
    }

    @Override
    public BatchResult next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      BatchResult r = Objects.requireNonNull(next);
      next = null;
      return r;
    }

    @Override
    public void close() {
      done = true;
      try {
        body.close();
      } catch (IOException e) {
        // Nothing left to read; the connection is discarded.
      }
    }
  }

  /** Builds an {@link OpenAiBatchBackend}. Not thread-safe. */
  public static final class Builder {
    private final String providerId;
    private final BackendInfo info;
    private @Nullable BatchRoutes routes;
    private RequestAuthenticator authenticator = RequestAuthenticator.none();
    private final Map<String, String> headers = new LinkedHashMap<>();
    private String maxTokensField = "max_completion_tokens";
    private int maxRequestsPerFile = OPENAI_MAX_REQUESTS_PER_FILE;
    private HttpTransportSettings transport = HttpTransportSettings.getDefault();
    private String authHint = "Check the API key.";
    private String notFoundHint = "Check the batch or file id and the base URL.";

    private Builder(String providerId, BackendInfo info) {
      this.providerId = Objects.requireNonNull(providerId, "providerId");
      this.info = Objects.requireNonNull(info, "info");
    }

    /**
     * Sets where the Files and Batches APIs live. Required.
     *
     * @param routes the routes
     * @return this builder
     */
    public Builder routes(BatchRoutes routes) {
      this.routes = Objects.requireNonNull(routes, "routes");
      return this;
    }

    /**
     * Sets how requests authenticate; none by default.
     *
     * @param authenticator the authenticator
     * @return this builder
     */
    public Builder authenticator(RequestAuthenticator authenticator) {
      this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
      return this;
    }

    /**
     * Adds a header to every request; its value is treated as a secret.
     *
     * @param name the header name
     * @param value the value
     * @return this builder
     */
    public Builder header(String name, String value) {
      headers.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * Writes the output cap of each request line as {@code max_tokens} instead of {@code
     * max_completion_tokens}.
     *
     * @param legacy true for {@code max_tokens}
     * @return this builder
     */
    public Builder legacyMaxTokens(boolean legacy) {
      this.maxTokensField = legacy ? "max_tokens" : "max_completion_tokens";
      return this;
    }

    /**
     * Sets the most requests one input file may hold ({@value
     * BatchBackend#OPENAI_MAX_REQUESTS_PER_FILE} on OpenAI, 100,000 on Azure).
     *
     * @param max the limit, at least 1
     * @return this builder
     */
    public Builder maxRequestsPerFile(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxRequestsPerFile must be at least 1, got " + max);
      }
      this.maxRequestsPerFile = max;
      return this;
    }

    /**
     * Sets the transport settings: timeouts, proxy, trust store, response limit.
     *
     * @param settings the settings
     * @return this builder
     */
    public Builder transport(HttpTransportSettings settings) {
      this.transport = Objects.requireNonNull(settings, "settings");
      return this;
    }

    /**
     * Sets what errors tell the user to check after a 401/403 and after a 404.
     *
     * @param authHint e.g. {@code "Check OPENAI_API_KEY."}
     * @param notFoundHint e.g. {@code "Check the batch id."}
     * @return this builder
     */
    public Builder hints(String authHint, String notFoundHint) {
      this.authHint = Objects.requireNonNull(authHint, "authHint");
      this.notFoundHint = Objects.requireNonNull(notFoundHint, "notFoundHint");
      return this;
    }

    /**
     * Builds the backend.
     *
     * @return the backend
     * @throws NullPointerException if no routes were set
     * @throws dev.llmclient.api.LlmConfigurationException if the trust store cannot be loaded
     */
    public OpenAiBatchBackend build() {
      return new OpenAiBatchBackend(this);
    }
  }
}
