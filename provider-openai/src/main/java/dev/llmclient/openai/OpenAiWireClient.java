package dev.llmclient.openai;

import dev.llmclient.api.ErrorContext;
import dev.llmclient.api.LlmException;
import dev.llmclient.api.Usage;
import dev.llmclient.api.spi.BackendInfo;
import dev.llmclient.api.spi.ChatBackend;
import dev.llmclient.api.spi.ChatChunk;
import dev.llmclient.api.spi.ChatCompletion;
import dev.llmclient.api.spi.ChatCompletionRequest;
import dev.llmclient.api.spi.EmbeddingBackend;
import dev.llmclient.api.spi.EmbeddingRequest;
import dev.llmclient.api.spi.EmbeddingResult;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenAI wire protocol over one pooled asynchronous HTTP client: builds request bodies, makes
 * exactly one exchange per call, and turns the response into a {@link ChatCompletion}, an {@link
 * EmbeddingResult} or a precisely typed {@link LlmException}.
 *
 * <p>{@link OpenAiProvider} builds one for OpenAI; other OpenAI-shaped providers (Azure OpenAI)
 * build their own with their routes, authentication and hints. Thread-safe; close it (or a backend
 * made from it) to release the pool and its I/O threads.
 *
 * <pre>{@code
 * OpenAiWireClient wire = OpenAiWireClient.builder("openai")
 *     .routes(OpenAiRoutes.under(URI.create("https://api.openai.com/v1")))
 *     .authenticator(RequestAuthenticator.bearer(apiKey))
 *     .build();
 * ChatBackend chat = wire.chatBackend(info);
 * }</pre>
 *
 * @implNote Futures complete on the HTTP client's I/O threads; dependent stages that block would
 *     stall other exchanges, so callers should hand heavy work to their own executor.
 */
public final class OpenAiWireClient implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(OpenAiWireClient.class);

  /** Response headers that may be logged; every other header (and every request header) is not. */
  private static final Set<String> LOGGABLE_HEADERS =
      Set.of(
          "content-type",
          "x-request-id",
          "apim-request-id",
          "x-ms-region",
          "openai-processing-ms",
          "openai-version",
          "x-ratelimit-remaining-requests",
          "x-ratelimit-remaining-tokens",
          "x-ratelimit-reset-requests",
          "x-ratelimit-reset-tokens",
          "retry-after",
          "retry-after-ms",
          "x-ms-retry-after-ms");

  private final String providerId;
  private final OpenAiRoutes routes;
  private final RequestAuthenticator authenticator;
  private final Map<String, String> staticHeaders;
  private final String maxTokensField;
  private final HttpTransport transport;
  private final OpenAiErrorMapper errors;
  private final Redactor redactor;
  private final HttpTransportSettings.CallLog callLog;
  private final AtomicBoolean closed = new AtomicBoolean();

  private OpenAiWireClient(Builder b) {
    this.providerId = b.providerId;
    this.routes = Objects.requireNonNull(b.routes, "routes");
    this.authenticator = b.authenticator;
    this.staticHeaders = Map.copyOf(b.headers);
    this.maxTokensField = b.maxTokensField;
    List<String> fixed = fixedSecrets(staticHeaders, b.transport);
    Redactor redactor =
        new Redactor(
            () -> {
              List<String> all = new ArrayList<>(authenticator.secrets());
              all.addAll(fixed);
              return all;
            });
    this.redactor = redactor;
    this.errors =
        new OpenAiErrorMapper(
            providerId,
            b.targetNoun,
            b.authHint,
            b.notFoundHint,
            redactor,
            b.clock,
            proxies(b.transport));
    this.transport = new HttpTransport(b.transport);
    this.callLog = b.transport.callLog();
  }

  /** The configured proxies as {@code host:port}, for error messages; empty when none. */
  /** The secrets that never change: fixed header values, the proxy and trust store passwords. */
  static List<String> fixedSecrets(Map<String, String> headers, HttpTransportSettings transport) {
    List<String> secrets = new ArrayList<>(headers.values());
    if (transport.proxyPassword() != null) {
      secrets.add(transport.proxyPassword());
    }
    if (transport.trustStorePassword() != null) {
      secrets.add(transport.trustStorePassword());
    }
    return List.copyOf(secrets);
  }

  /** The proxies, as error messages name them. */
  static String proxies(HttpTransportSettings settings) {
    return java.util.stream.Stream.of(settings.httpsProxy(), settings.httpProxy())
        .filter(java.util.Objects::nonNull)
        .map(uri -> uri.getPort() > 0 ? uri.getHost() + ":" + uri.getPort() : uri.getHost())
        .distinct()
        .collect(java.util.stream.Collectors.joining(" / "));
  }

  /**
   * A builder for a provider id.
   *
   * @param providerId the id put on every exception, e.g. {@code "openai"}
   * @return the builder
   */
  public static Builder builder(String providerId) {
    return new Builder(providerId);
  }

  /**
   * Sends one chat-completions request.
   *
   * @param request the request
   * @return the completion, or exceptionally with an {@link LlmException}
   */
  public CompletableFuture<ChatCompletion> complete(ChatCompletionRequest request) {
    URI uri = routes.chatCompletions(request.model());
    CallTarget target = new CallTarget("POST", uri.getRawPath(), request.model());
    byte[] body;
    try {
      body = Json.chatBody(request, routes.modelInBody(), maxTokensField);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(
          new dev.llmclient.api.InvalidRequestException(
              "Cannot write the request body (" + e.getClass().getSimpleName() + ")",
              ErrorContext.provider(providerId),
              null,
              null,
              e));
    }
    return exchange(
        uri, target, request.headers(), body, response -> chatCompletion(errors, response, target));
  }

  /**
   * Streams one chat-completions request as server-sent events ({@code stream: true} with {@code
   * stream_options.include_usage}). Cold: each subscription is one exchange, opened at the first
   * demand; see {@link ChatBackend#stream(ChatCompletionRequest)} for the contract.
   *
   * @param request the request
   * @return a publisher of the chunks
   */
  public Flow.Publisher<ChatChunk> stream(ChatCompletionRequest request) {
    return subscriber -> {
      java.util.Objects.requireNonNull(subscriber, "subscriber");
      URI uri = routes.chatCompletions(request.model());
      CallTarget target = new CallTarget("POST", uri.getRawPath(), request.model());
      ChatStream stream =
          new ChatStream(
              subscriber,
              s -> openStream(uri, target, request, s),
              errors,
              target,
              transport.settings());
      subscriber.onSubscribe(stream);
    };
  }

  private CompletableFuture<java.util.concurrent.Future<?>> openStream(
      URI uri, CallTarget target, ChatCompletionRequest request, ChatStream stream) {
    if (closed.get()) {
      return CompletableFuture.failedFuture(
          new dev.llmclient.api.LlmConnectionException(
              "The client is closed; build a new one.", ErrorContext.provider(providerId), null));
    }
    byte[] body;
    try {
      body = Json.chatBody(request, routes.modelInBody(), maxTokensField, true);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(
          new dev.llmclient.api.InvalidRequestException(
              "Cannot write the request body (" + e.getClass().getSimpleName() + ")",
              ErrorContext.provider(providerId),
              null,
              null,
              e));
    }
    CompletableFuture<Map<String, String>> auth;
    try {
      auth = authenticator.headers();
    } catch (RuntimeException e) {
      auth = CompletableFuture.failedFuture(e);
    }
    return auth.thenApply(
        authHeaders -> {
          Map<String, String> headers = new LinkedHashMap<>(staticHeaders);
          headers.put("Accept", "text/event-stream");
          headers.putAll(request.headers());
          headers.putAll(authHeaders);
          if (LOG.isDebugEnabled()) {
            LOG.debug("{} {} (stream)", target.method(), target.route());
          }
          return transport.stream(uri, headers, body, stream);
        });
  }

  /**
   * Sends one embeddings request, asking for base64 vectors.
   *
   * @param request the request
   * @return the vectors in input order, or exceptionally with an {@link LlmException}
   */
  public CompletableFuture<EmbeddingResult> embed(EmbeddingRequest request) {
    URI uri = routes.embeddings(request.model());
    CallTarget target = new CallTarget("POST", uri.getRawPath(), request.model());
    byte[] body;
    try {
      body = Json.embeddingBody(request, routes.modelInBody());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(
          new dev.llmclient.api.InvalidRequestException(
              "Cannot write the request body (" + e.getClass().getSimpleName() + ")",
              ErrorContext.provider(providerId),
              null,
              null,
              e));
    }
    int expected = request.inputs().size();
    return exchange(
        uri, target, request.headers(), body, response -> embeddings(response, expected, target));
  }

  /**
   * A chat backend over this client; closing it closes this client.
   *
   * @param info what the backend reports about itself
   * @return the backend
   */
  public ChatBackend chatBackend(BackendInfo info) {
    return new ChatBackend() {
      @Override
      public BackendInfo info() {
        return info;
      }

      @Override
      public CompletableFuture<ChatCompletion> complete(ChatCompletionRequest request) {
        return OpenAiWireClient.this.complete(request);
      }

      @Override
      public Flow.Publisher<ChatChunk> stream(ChatCompletionRequest request) {
        return OpenAiWireClient.this.stream(request);
      }

      @Override
      public void close() {
        OpenAiWireClient.this.close();
      }

      @Override
      public String toString() {
        return "ChatBackend[" + info + "]";
      }
    };
  }

  /**
   * An embedding backend over this client; closing it closes this client.
   *
   * @param info what the backend reports; {@code defaultModel} is the embedding model
   * @return the backend
   */
  public EmbeddingBackend embeddingBackend(BackendInfo info) {
    return new EmbeddingBackend() {
      @Override
      public BackendInfo info() {
        return info;
      }

      @Override
      public CompletableFuture<EmbeddingResult> embed(EmbeddingRequest request) {
        return OpenAiWireClient.this.embed(request);
      }

      @Override
      public void close() {
        OpenAiWireClient.this.close();
      }

      @Override
      public String toString() {
        return "EmbeddingBackend[" + info + "]";
      }
    };
  }

  /** Closes the connection pool and I/O threads; calls in flight fail. Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      transport.close();
    }
  }

  /** Shows the provider and routes; never credentials. */
  @Override
  public String toString() {
    return "OpenAiWireClient[provider=" + providerId + ", routes=" + routes + "]";
  }

  /**
   * Makes one exchange and reads its 2xx answer with {@code read}, in one callback on the thread
   * that completes the HTTP exchange, so the caller's future is completed once, with the answer or
   * an {@link LlmException}. Cancelling that future cancels the HTTP exchange, so its pooled
   * connection is freed instead of waiting for the response timeout.
   */
  private <T> CompletableFuture<T> exchange(
      URI uri,
      CallTarget target,
      Map<String, String> requestHeaders,
      byte[] body,
      Function<HttpTransport.Response, T> read) {
    if (closed.get()) {
      return CompletableFuture.failedFuture(
          new dev.llmclient.api.LlmConnectionException(
              "The client is closed; build a new one.", ErrorContext.provider(providerId), null));
    }
    CompletableFuture<Map<String, String>> auth;
    try {
      auth = authenticator.headers();
    } catch (RuntimeException e) {
      auth = CompletableFuture.failedFuture(e);
    }
    Exchange<T> result = new Exchange<>();
    // runs at once on this thread when the headers are at hand (a key), else when they arrive
    auth.whenComplete(
        (authHeaders, failure) -> {
          if (failure != null) {
            result.completeExceptionally(
                errors.fromTransport(failure, target, transport.settings()));
          } else {
            send(result, uri, target, requestHeaders, authHeaders, body, read);
          }
        });
    return result;
  }

  private <T> void send(
      Exchange<T> result,
      URI uri,
      CallTarget target,
      Map<String, String> requestHeaders,
      Map<String, String> authHeaders,
      byte[] body,
      Function<HttpTransport.Response, T> read) {
    CompletableFuture<HttpTransport.Response> post;
    long start = System.nanoTime();
    try {
      int count = staticHeaders.size() + 1 + requestHeaders.size() + authHeaders.size();
      Map<String, String> headers = new LinkedHashMap<>(count * 4 / 3 + 1); // never resized
      headers.putAll(staticHeaders);
      headers.put("Accept", "application/json");
      headers.putAll(requestHeaders);
      headers.putAll(authHeaders);
      post = transport.post(uri, headers, body);
    } catch (RuntimeException | Error e) {
      result.completeExceptionally(errors.fromTransport(e, target, transport.settings()));
      return;
    }
    result.sent(post);
    post.whenComplete(
        (response, failure) -> {
          HttpTransport.Response ok;
          try {
            ok = checked(uri, target, body, start, response, failure);
          } catch (RuntimeException | Error e) {
            result.completeExceptionally(errors.fromTransport(e, target, transport.settings()));
            return;
          }
          T answer;
          try {
            answer = read.apply(ok);
          } catch (LlmException | Error e) {
            result.completeExceptionally(e);
            return;
          } catch (RuntimeException e) {
            // reading a 2xx body never escapes as anything but an LlmException
            result.completeExceptionally(
                errors.invalidBody(
                    errors.context(ok.status(), ok::header),
                    "Unreadable response body",
                    ok.body(),
                    e));
            return;
          }
          result.complete(answer);
        });
  }

  /**
   * Logs the exchange (when a log is on) and returns a 2xx response; throws the {@link
   * LlmException} of a failed exchange or of any other status.
   */
  private HttpTransport.Response checked(
      URI uri,
      CallTarget target,
      byte[] body,
      long start,
      HttpTransport.@Nullable Response response,
      @Nullable Throwable failure) {
    long millis = (System.nanoTime() - start) / 1_000_000;
    // the log's arguments (redacted URL, header excerpts) cost more than the
    // rest of a small answer's handling: build them only for a log that is on
    boolean logged = callLogOn();
    if (failure != null) {
      LlmException e = errors.fromTransport(failure, target, transport.settings());
      if (logged) {
        callLog(
            "{} {} failed after {} ms: {}, url={}",
            target.method(),
            target.route(),
            millis,
            e.getClass().getSimpleName(),
            redactor.redact(uri.toString()));
      }
      throw e;
    }
    HttpTransport.Response r = Objects.requireNonNull(response);
    if (logged) {
      callLog(
          "{} {} -> {} in {} ms, url={}, request-id={}, headers={}",
          target.method(),
          target.route(),
          r.status(),
          millis,
          redactor.redact(uri.toString()),
          OpenAiErrorMapper.requestId(r::header),
          loggable(r.headers(), redactor));
    }
    if (callLog == HttpTransportSettings.CallLog.DEBUG) {
      LOG.info("{} {} request body: {}", target.method(), target.route(), loggableBody(body));
      LOG.info("{} {} response body: {}", target.method(), target.route(), loggableBody(r.body()));
    }
    if (r.status() < 200 || r.status() > 299) {
      throw errors.fromResponse(r.status(), r::header, r.body(), r.complete(), target);
    }
    return r;
  }

  /** The caller's future of one exchange: cancelling it also cancels the HTTP exchange. */
  private static final class Exchange<T> extends CompletableFuture<T> {
    private volatile @Nullable CompletableFuture<?> post;

    void sent(CompletableFuture<?> post) {
      this.post = post;
      if (isCancelled()) {
        post.cancel(true); // cancelled while it was being sent
      }
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      boolean cancelled = super.cancel(mayInterruptIfRunning);
      cancelPost(cancelled);
      return cancelled;
    }

    @Override
    public boolean completeExceptionally(Throwable ex) {
      boolean completed = super.completeExceptionally(ex);
      cancelPost(completed && ex instanceof CancellationException);
      return completed;
    }

    private void cancelPost(boolean cancelled) {
      CompletableFuture<?> p = post;
      if (cancelled && p != null) {
        p.cancel(true);
      }
    }
  }

  /**
   * Logs one exchange: at INFO when {@value HttpTransportSettings#LOG} asks for the call log, else
   * at DEBUG as always.
   */
  private boolean callLogOn() {
    return callLog != HttpTransportSettings.CallLog.OFF || LOG.isDebugEnabled();
  }

  private void callLog(String format, Object... arguments) {
    if (callLog != HttpTransportSettings.CallLog.OFF) {
      LOG.info(format, arguments);
    } else if (LOG.isDebugEnabled()) {
      LOG.debug(format, arguments);
    }
  }

  /**
   * A body for the debug call log: one line, secrets removed (also one the cut would halve), at
   * most {@link Redactor#WINDOW_CHARS} characters.
   */
  private String loggableBody(byte[] body) {
    return redactor.excerpt(body, true, Redactor.WINDOW_CHARS);
  }

  private static Map<String, String> loggable(Map<String, String> headers, Redactor redactor) {
    Map<String, String> shown = new java.util.TreeMap<>();
    headers.forEach(
        (name, value) -> {
          if (LOGGABLE_HEADERS.contains(name)) {
            shown.put(name, redactor.excerpt(value, 200));
          }
        });
    return shown;
  }

  static ChatCompletion chatCompletion(
      OpenAiErrorMapper errors, HttpTransport.Response response, CallTarget target) {
    Function<String, @Nullable String> header = response::header;
    ErrorContext context = errors.context(response.status(), header);
    Json.ChatBody body;
    try {
      body = Json.readChat(response.body());
    } catch (IOException | RuntimeException e) {
      if (OpenAiErrorMapper.isBrokenJson(e, response.body())) {
        throw errors.brokenBody(context, target, response.body(), e);
      }
      throw errors.invalidBody(
          context, "The response is not a chat completion", response.body(), e);
    }
    if (body == null || body.choices() == null || body.choices().isEmpty()) {
      throw errors.invalidBody(context, "The response has no choices", response.body(), null);
    }
    Json.ChoiceBody choice = body.choices().get(0);
    for (Json.ChoiceBody c : body.choices()) {
      if (c != null && c.index() == 0) {
        choice = c;
      }
    }
    if (choice == null
        || (choice.message() == null && !"content_filter".equals(choice.finishReason()))) {
      throw errors.invalidBody(
          context, "The response's first choice has no message", response.body(), null);
    }
    if ("content_filter".equals(choice.finishReason())) {
      throw errors.completionFiltered(context, choice.contentFilterResults());
    }
    Usage usage;
    try {
      usage = usage(body.usage());
    } catch (IllegalArgumentException e) {
      throw errors.invalidBody(context, "The response's usage is invalid", response.body(), e);
    }
    Json.MessageBody message = Objects.requireNonNull(choice.message());
    return new ChatCompletion(
        message.content(),
        message.refusal(),
        choice.finishReason(),
        usage,
        body.model(),
        body.id(),
        context.requestId(),
        RateLimitHeaders.parse(header),
        null,
        message.toolCalls(),
        choice.logprobs());
  }

  private static Usage usage(Json.@Nullable UsageBody u) {
    if (u == null) {
      return Usage.ZERO;
    }
    long cached = u.promptTokensDetails() == null ? 0 : u.promptTokensDetails().cachedTokens();
    long reasoning =
        u.completionTokensDetails() == null ? 0 : u.completionTokensDetails().reasoningTokens();
    return new Usage(u.promptTokens(), u.completionTokens(), cached, reasoning);
  }

  private EmbeddingResult embeddings(
      HttpTransport.Response response, int expected, CallTarget target) {
    Function<String, @Nullable String> header = response::header;
    ErrorContext context = errors.context(response.status(), header);
    Json.EmbeddingsBody body;
    try {
      body = Json.MAPPER.readValue(response.body(), Json.EmbeddingsBody.class);
    } catch (IOException | RuntimeException e) {
      if (OpenAiErrorMapper.isBrokenJson(e, response.body())) {
        throw errors.brokenBody(context, target, response.body(), e);
      }
      throw errors.invalidBody(
          context, "The response is not an embeddings list", response.body(), e);
    }
    if (body == null || body.data() == null || body.data().size() != expected) {
      throw errors.invalidBody(
          context,
          "The response does not hold exactly " + expected + " embeddings",
          response.body(),
          null);
    }
    float[][] ordered = new float[expected][];
    int position = 0;
    for (Json.EmbeddingItem item : body.data()) {
      int index = item == null || item.index() == null ? position : item.index();
      position++;
      if (index < 0 || index >= expected || ordered[index] != null || item == null) {
        throw errors.invalidBody(
            context, "The embeddings' indexes are not 0.." + (expected - 1), response.body(), null);
      }
      float[] vector = decode(item.embedding());
      if (vector == null) {
        throw errors.invalidBody(
            context,
            "Embedding " + index + " is neither base64 float32 nor a number array",
            response.body(),
            null);
      }
      ordered[index] = vector;
    }
    Usage usage =
        body.usage() == null ? Usage.ZERO : Usage.of(Math.max(0, body.usage().promptTokens()), 0);
    return new EmbeddingResult(List.of(ordered), usage, body.model(), context.requestId());
  }

  /** Decodes base64 little-endian float32 (what we ask for) or a plain number array. */
  static float @Nullable [] decode(com.fasterxml.jackson.databind.@Nullable JsonNode node) {
    if (node == null) {
      return null;
    }
    if (node.isTextual()) {
      byte[] bytes;
      try {
        bytes = Base64.getDecoder().decode(node.asText());
      } catch (IllegalArgumentException e) {
        return null;
      }
      if (bytes.length % Float.BYTES != 0) {
        return null;
      }
      float[] vector = new float[bytes.length / Float.BYTES];
      ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(vector);
      return vector;
    }
    if (node.isArray()) {
      float[] vector = new float[node.size()];
      for (int i = 0; i < vector.length; i++) {
        if (!node.get(i).isNumber()) {
          return null;
        }
        vector[i] = (float) node.get(i).asDouble();
      }
      return vector;
    }
    return null;
  }

  /** Builds an {@link OpenAiWireClient}. Not thread-safe. */
  public static final class Builder {
    private final String providerId;
    private @Nullable OpenAiRoutes routes;
    RequestAuthenticator authenticator = RequestAuthenticator.none();
    final Map<String, String> headers = new LinkedHashMap<>();
    private String maxTokensField = "max_completion_tokens";
    private HttpTransportSettings transport = HttpTransportSettings.getDefault();
    private String targetNoun = "model";
    private String authHint = "Check the API key.";
    private String notFoundHint = "Check the model name and the base URL.";
    private Clock clock = Clock.systemUTC();

    private Builder(String providerId) {
      this.providerId = Objects.requireNonNull(providerId, "providerId");
    }

    /**
     * Sets where the operations live. Required.
     *
     * @param routes the routes
     * @return this builder
     */
    public Builder routes(OpenAiRoutes routes) {
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
     * Adds a header to every request (organization, project, a gateway's headers). Values are
     * treated as secrets: never logged and scrubbed from error messages.
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
     * Sends the output cap as {@code max_tokens} (older compatible servers) instead of {@code
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
     * Sets the transport settings.
     *
     * @param settings the settings
     * @return this builder
     */
    public Builder transport(HttpTransportSettings settings) {
      this.transport = Objects.requireNonNull(settings, "settings");
      return this;
    }

    /**
     * Sets the wording of errors: what a model is called ({@code "model"}, {@code "deployment"}),
     * what to check after a 401/403, and after a 404.
     *
     * @param targetNoun e.g. {@code "deployment"}
     * @param authHint e.g. {@code "Check AZURE_OPENAI_API_KEY."}
     * @param notFoundHint e.g. {@code "Check AZURE_OPENAI_DEPLOYMENT_NAME."}
     * @return this builder
     */
    public Builder hints(String targetNoun, String authHint, String notFoundHint) {
      this.targetNoun = Objects.requireNonNull(targetNoun, "targetNoun");
      this.authHint = Objects.requireNonNull(authHint, "authHint");
      this.notFoundHint = Objects.requireNonNull(notFoundHint, "notFoundHint");
      return this;
    }

    /**
     * Sets the clock {@code Retry-After} dates are measured against.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Builds the client and starts its I/O threads.
     *
     * @return the client
     * @throws NullPointerException if no routes were set
     * @throws dev.llmclient.api.LlmConfigurationException if the trust store cannot be loaded
     */
    public OpenAiWireClient build() {
      return new OpenAiWireClient(this);
    }
  }
}
