package dev.llmclient.openai;

import dev.llmclient.api.LlmConfigurationException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.hc.client5.http.auth.AuthScope;
import org.apache.hc.client5.http.auth.UsernamePasswordCredentials;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.config.TlsConfig;
import org.apache.hc.client5.http.impl.DefaultSchemePortResolver;
import org.apache.hc.client5.http.impl.IdleConnectionEvictor;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.auth.BasicCredentialsProvider;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManager;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.client5.http.impl.routing.DefaultRoutePlanner;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.client5.http.ssl.DefaultHostnameVerifier;
import org.apache.hc.client5.http.ssl.HostnameVerificationPolicy;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.ConnectionClosedException;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.FormattedHeader;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.message.BasicHeader;
import org.apache.hc.core5.http.nio.AsyncEntityProducer;
import org.apache.hc.core5.http.nio.AsyncRequestProducer;
import org.apache.hc.core5.http.nio.AsyncResponseConsumer;
import org.apache.hc.core5.http.nio.CapacityChannel;
import org.apache.hc.core5.http.nio.DataStreamChannel;
import org.apache.hc.core5.http.nio.RequestChannel;
import org.apache.hc.core5.http.nio.entity.AsyncEntityProducers;
import org.apache.hc.core5.http.nio.support.AsyncRequestBuilder;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.http2.HttpVersionPolicy;
import org.apache.hc.core5.http2.config.H2Config;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.pool.PoolReusePolicy;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One started {@link CloseableHttpAsyncClient} with its pool, configured from the settings.
 *
 * <p>Memory per exchange is bounded by the settings: response headers by line, count and total
 * size; bodies by {@link HttpTransportSettings#maxResponseBytes()}, buffered in a buffer that grows
 * with the bytes that actually arrive; error bodies by {@link #ERROR_BODY_PREFIX}.
 *
 * <p>Secrets never reach httpclient5's logs: request header values are {@link MaskedHeader}s, the
 * wire log is replaced by a session decorator that logs nothing, and HTTP/2 (where httpclient5
 * copies header values into its log) is not negotiated while its header log is at DEBUG.
 */
final class HttpTransport implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(HttpTransport.class);

  /** How much of a non-2xx body is kept: enough for any error JSON, never a whole page. */
  static final int ERROR_BODY_PREFIX = 64 * 1024;

  /** A body's buffer starts at most this large and grows with the bytes that arrive. */
  private static final int INITIAL_BUFFER = 16 * 1024;

  /** The largest array the JVM reliably allocates. */
  private static final int MAX_ARRAY = Integer.MAX_VALUE - 16;

  /** Request headers whose values are shown in httpclient5's header log; all others are masked. */
  private static final List<String> PLAIN_HEADERS = List.of("accept", "content-type", "user-agent");

  /** httpclient5's loggers that would print an HTTP/2 request header's value. */
  private static final List<Logger> H2_SECRET_LOGS =
      List.of(
          LoggerFactory.getLogger("org.apache.hc.client5.http.headers"),
          LoggerFactory.getLogger("org.apache.hc.client5.http2.frame.payload"));

  private static final AtomicBoolean H2_DOWNGRADE_LOGGED = new AtomicBoolean();

  /**
   * A complete response: status, headers (lower-case names, first value) and body.
   *
   * @param complete false when only the first {@link #ERROR_BODY_PREFIX} bytes of an error body
   *     were kept
   */
  record Response(int status, Map<String, String> headers, byte[] body, boolean complete) {
    @Nullable String header(String lowerCaseName) {
      return headers.get(lowerCaseName);
    }
  }

  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final HttpTransportSettings settings;
  private final CloseableHttpAsyncClient client;
  private final IdleConnectionEvictor evictor;
  private final String threadPrefix = "llmclient-io-" + INSTANCES.incrementAndGet() + "-";
  private final AtomicInteger threads = new AtomicInteger();
  private final Set<CompletableFuture<Response>> inFlight = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;
  private final Queue<Thread> started = new ConcurrentLinkedQueue<>();

  HttpTransport(HttpTransportSettings settings) {
    this.settings = settings;
    Timeout connect = Timeout.of(settings.connectTimeout());
    Timeout response = Timeout.of(settings.responseTimeout());
    int maxHeaderBytes = maxHeaderBytes(settings);
    PoolingAsyncClientConnectionManager pool =
        PoolingAsyncClientConnectionManagerBuilder.create()
            .setTlsStrategy(
                ClientTlsStrategyBuilder.create()
                    .setSslContext(sslContext(settings))
                    // httpclient5's async TLS strategy does not check the host name unless told
                    // to; without this a trusted certificate for any host would be accepted.
                    .setHostVerificationPolicy(HostnameVerificationPolicy.BOTH)
                    .setHostnameVerifier(new DefaultHostnameVerifier())
                    .buildAsync())
            .setMaxConnPerRoute(settings.maxConnectionsPerRoute())
            .setMaxConnTotal(settings.maxConnectionsPerRoute() * 2)
            .setConnPoolPolicy(PoolReusePolicy.LIFO)
            .setMessageMultiplexing(true)
            .setDefaultConnectionConfig(
                ConnectionConfig.custom()
                    .setConnectTimeout(connect)
                    .setSocketTimeout(response)
                    .setValidateAfterInactivity(TimeValue.ofSeconds(2))
                    .setTimeToLive(TimeValue.ofMinutes(5))
                    .build())
            // Resolved for every new connection, so the HTTP/2 decision follows the log level.
            .setTlsConfigResolver(
                host ->
                    TlsConfig.custom()
                        .setHandshakeTimeout(connect)
                        .setVersionPolicy(versionPolicy(settings))
                        .build())
            .build();
    BasicCredentialsProvider credentials = new BasicCredentialsProvider();
    if (settings.proxyUser() != null) {
      char[] password =
          settings.proxyPassword() == null ? new char[0] : settings.proxyPassword().toCharArray();
      for (URI proxy : Arrays.asList(settings.httpsProxy(), settings.httpProxy())) {
        if (proxy != null) {
          credentials.setCredentials(
              new AuthScope(proxy.getHost(), port(proxy)),
              new UsernamePasswordCredentials(settings.proxyUser(), password));
        }
      }
    }
    this.client =
        HardCancel.install(HttpAsyncClients.custom())
            .setConnectionManager(pool)
            .setRoutePlanner(new ProxyRoutePlanner(settings))
            .setDefaultCredentialsProvider(credentials)
            .setDefaultRequestConfig(
                RequestConfig.custom()
                    .setResponseTimeout(response)
                    .setConnectionRequestTimeout(Timeout.of(settings.poolWaitTimeout()))
                    .setConnectionKeepAlive(TimeValue.ofMinutes(2))
                    .build())
            .disableAutomaticRetries()
            .disableRedirectHandling()
            .disableCookieManagement()
            .setUserAgent("llmclient-java")
            .setHttp1Config(
                Http1Config.custom()
                    .setMaxLineLength(HttpTransportSettings.MAX_HEADER_LINE_BYTES)
                    .setMaxHeaderCount(HttpTransportSettings.MAX_HEADER_COUNT)
                    .build())
            .setH2Config(H2Config.custom().setMaxHeaderListSize(maxHeaderBytes).build())
            // httpclient5's default decorator logs every byte (headers included) at DEBUG.
            .setIoSessionDecorator(session -> session)
            // httpclient5 checks timeouts once per select cycle, one second by default, so a
            // 300 ms response timeout would fire after about a second.
            .setIOReactorConfig(
                IOReactorConfig.custom().setSelectInterval(TimeValue.ofMilliseconds(50)).build())
            .setThreadFactory(this::newThread)
            .build();
    // Our own evictor (httpclient5's builder option starts one on a thread close() cannot join).
    this.evictor =
        new IdleConnectionEvictor(
            pool, this::newThread, TimeValue.ofSeconds(60), TimeValue.ofSeconds(60));
    client.start();
    evictor.start();
  }

  private Thread newThread(Runnable runnable) {
    Thread t = new Thread(runnable, threadPrefix + threads.incrementAndGet());
    t.setDaemon(true);
    started.add(t);
    return t;
  }

  HttpTransportSettings settings() {
    return settings;
  }

  /**
   * Posts a JSON body.
   *
   * @param uri the target
   * @param headers the request headers
   * @param body the JSON body
   * @return the complete response, or exceptionally with the transport's exception
   */
  CompletableFuture<Response> post(URI uri, Map<String, String> headers, byte[] body) {
    return execute(request("POST", uri, headers, new JsonBody(body)), settings.callTimeout());
  }

  /**
   * Sends a request with any method and an optional body, which may be streamed (a file upload);
   * the answer is buffered within the limits, as for {@link #post}.
   *
   * @param method the HTTP method
   * @param uri the target
   * @param headers the request headers
   * @param entity the body, or null for none
   * @param callTimeout the longest the whole exchange may take, or null for no limit beyond the
   *     response timeout of each wait
   * @return the complete response, or exceptionally with the transport's exception
   */
  CompletableFuture<Response> send(
      String method,
      URI uri,
      Map<String, String> headers,
      @Nullable AsyncEntityProducer entity,
      @Nullable Duration callTimeout) {
    return execute(request(method, uri, headers, entity), callTimeout);
  }

  private CompletableFuture<Response> execute(
      AsyncRequestProducer request, @Nullable Duration callTimeout) {
    AsyncRequestProducer producer = request;
    // httpclient5's pool checks a waiting lease's deadline only when another lease or release
    // touches it, so a quiet pool would let a call wait forever. When this call may have to wait
    // (every connection could be busy), it gets its own clock until its request starts.
    CompletableFuture<@Nullable Void> started = null;
    if (inFlight.size() >= settings.maxConnectionsPerRoute()) {
      started = new CompletableFuture<>();
      producer = new StartSignallingProducer(producer, started);
    }
    CompletableFuture<Response> result = new CompletableFuture<>();
    inFlight.add(result);
    if (closed) { // close() may already have taken its snapshot of inFlight
      inFlight.remove(result);
      result.completeExceptionally(new ConnectionClosedException("the client is closed"));
      return result;
    }
    HardCancel hard = new HardCancel();
    Future<Response> exchange =
        client.execute(
            producer,
            new LimitedBodyConsumer(settings.maxResponseBytes(), maxHeaderBytes(settings)),
            hard.context(),
            new FutureCallback<>() {
              @Override
              public void completed(Response response) {
                result.complete(response);
              }

              @Override
              public void failed(Exception e) {
                result.completeExceptionally(e);
              }

              @Override
              public void cancelled() {
                result.completeExceptionally(new CancellationException("exchange cancelled"));
              }
            });
    if (started != null) {
      CompletableFuture<@Nullable Void> sending = started;
      result.whenComplete((r, t) -> sending.complete(null));
      sending
          .orTimeout(settings.poolWaitTimeout().toMillis(), TimeUnit.MILLISECONDS)
          .whenComplete(
              (v, t) -> {
                if (t instanceof TimeoutException
                    && result.completeExceptionally(new PoolWaitTimeoutException())) {
                  hard.cancel(exchange);
                }
              });
    }
    if (callTimeout != null) {
      result.orTimeout(callTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }
    // one callback for every end: cancelled, timed out, closed, or answered
    result.whenComplete(
        (r, t) -> {
          inFlight.remove(result);
          if (t instanceof TimeoutException || t instanceof CancellationException) {
            hard.cancel(exchange);
          }
        });
    return result;
  }

  /**
   * Posts a JSON body whose answer is consumed as it arrives, by a consumer that decides when to
   * read more (see {@link ChatStream}). The exchange uses the same pool and I/O threads as every
   * other call; the response timeout bounds each wait for bytes, and no call timeout applies.
   *
   * @param uri the target
   * @param headers the request headers
   * @param body the JSON body
   * @param stream the consumer, told of every failure including a closed client
   * @return the exchange, for cancelling it
   */
  Future<?> stream(URI uri, Map<String, String> headers, byte[] body, ChatStream stream) {
    AsyncRequestProducer producer =
        request(
            "POST", uri, headers, AsyncEntityProducers.create(body, ContentType.APPLICATION_JSON));
    CompletableFuture<Response> open = new CompletableFuture<>();
    inFlight.add(open);
    open.whenComplete(
        (r, t) -> {
          inFlight.remove(open);
          if (t != null) {
            stream.fail(t);
          }
        });
    if (closed) {
      open.completeExceptionally(new ConnectionClosedException("the client is closed"));
      return open;
    }
    HardCancel hard = new HardCancel();
    Future<Void> exchange =
        client.execute(
            producer,
            stream,
            hard.context(),
            new FutureCallback<>() {
              @Override
              public void completed(@Nullable Void result) {
                open.complete(null);
              }

              @Override
              public void failed(Exception e) {
                open.completeExceptionally(e);
              }

              @Override
              public void cancelled() {
                open.complete(null);
              }
            });
    open.whenComplete(
        (r, t) -> {
          if (t != null) {
            hard.cancel(exchange);
          }
        });
    return hard.guard(exchange);
  }

  /**
   * Opens a download: the future completes when the response head arrives, with a body stream that
   * reads the bytes as they come, the server held back while the reader is behind (so memory stays
   * at one buffer whatever the size). Closing the stream before its end abandons the exchange. The
   * response timeout bounds each wait for bytes; no call timeout applies.
   *
   * @param uri the target
   * @param headers the request headers
   * @return the response head and its streamed body
   */
  CompletableFuture<StreamedResponse> open(URI uri, Map<String, String> headers) {
    CompletableFuture<StreamedResponse> head = new CompletableFuture<>();
    StreamingBodyConsumer consumer = new StreamingBodyConsumer(head, maxHeaderBytes(settings));
    CompletableFuture<Response> exchangeDone = new CompletableFuture<>();
    inFlight.add(exchangeDone);
    if (closed) {
      exchangeDone.completeExceptionally(new ConnectionClosedException("the client is closed"));
    } else {
      HardCancel hard = new HardCancel();
      Future<Void> exchange =
          client.execute(
              request("GET", uri, headers, null),
              consumer,
              hard.context(),
              new FutureCallback<>() {
                @Override
                public void completed(@Nullable Void result) {
                  exchangeDone.complete(new Response(200, Map.of(), new byte[0], true));
                }

                @Override
                public void failed(Exception e) {
                  exchangeDone.completeExceptionally(e);
                }

                @Override
                public void cancelled() {
                  exchangeDone.completeExceptionally(new CancellationException("download closed"));
                }
              });
      consumer.onClose(() -> hard.cancel(exchange));
      exchangeDone.whenComplete(
          (r, t) -> {
            if (t != null) {
              hard.cancel(exchange);
            }
          });
    }
    exchangeDone.whenComplete(
        (r, t) -> {
          inFlight.remove(exchangeDone);
          if (t != null) {
            consumer.fail(t);
          }
        });
    return head;
  }

  private static AsyncRequestProducer request(
      String method, URI uri, Map<String, String> headers, @Nullable AsyncEntityProducer entity) {
    AsyncRequestBuilder builder = AsyncRequestBuilder.create(method).setUri(uri).setEntity(entity);
    headers.forEach(
        (name, value) ->
            builder.addHeader(
                isPlain(name) ? new BasicHeader(name, value) : new MaskedHeader(name, value)));
    return builder.build();
  }

  private static boolean isPlain(String headerName) {
    for (String plain : PLAIN_HEADERS) {
      if (plain.equalsIgnoreCase(headerName)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Closes the pool and waits briefly for the I/O threads to end, so a closed backend leaves no
   * threads behind; called from one of those threads, it does not wait for itself.
   */
  @Override
  public void close() {
    closed = true;
    // httpclient5 does not always call back exchanges that were in flight when the reactor
    // stopped; fail them first so that no caller waits forever on a closed client.
    for (CompletableFuture<Response> pending : List.copyOf(inFlight)) {
      pending.completeExceptionally(
          new ConnectionClosedException("the client was closed while the request was in flight"));
    }
    if (Thread.currentThread().getName().startsWith(threadPrefix)) {
      evictor.shutdown();
      client.close(CloseMode.IMMEDIATE); // cannot wait for our own I/O thread
      return;
    }
    // A graceful shutdown lets the I/O threads close their sessions themselves; closing them
    // immediately from this thread races the reactor (httpclient5 then logs an ERROR).
    client.initiateShutdown();
    try {
      client.awaitShutdown(TimeValue.ofSeconds(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    client.close(CloseMode.IMMEDIATE);
    evictor.shutdown();
    try {
      client.awaitShutdown(TimeValue.ofSeconds(3));
      // The reactor reports shutdown before its helper executor's thread has ended; wait for
      // every thread this client started, so that none outlives close().
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
      for (Thread t : started) {
        long left = deadline - System.nanoTime();
        if (left > 0) {
          t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Header bytes accepted: {@link HttpTransportSettings#MAX_HEADER_BYTES}, within the limit. */
  static int maxHeaderBytes(HttpTransportSettings settings) {
    return (int) Math.min(HttpTransportSettings.MAX_HEADER_BYTES, settings.maxResponseBytes());
  }

  static HttpVersionPolicy versionPolicy(HttpTransportSettings settings) {
    if (!settings.http2()) {
      return HttpVersionPolicy.FORCE_HTTP_1;
    }
    for (Logger log : H2_SECRET_LOGS) {
      if (log.isDebugEnabled()) {
        if (H2_DOWNGRADE_LOGGED.compareAndSet(false, true)) {
          LOG.info(
              "{} is at DEBUG: new connections use HTTP/1.1, where the SDK masks the API key in"
                  + " httpclient5's header log (on HTTP/2 httpclient5 would print it).",
              log.getName());
        }
        return HttpVersionPolicy.FORCE_HTTP_1;
      }
    }
    return HttpVersionPolicy.NEGOTIATE;
  }

  private static int port(URI uri) {
    if (uri.getPort() > 0) {
      return uri.getPort();
    }
    return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
  }

  static SSLContext sslContext(HttpTransportSettings settings) {
    try {
      if (settings.trustStore() == null) {
        return SSLContext.getDefault();
      }
      KeyStore store = KeyStore.getInstance(settings.trustStoreType());
      String password = settings.trustStorePassword();
      try (InputStream in = Files.newInputStream(settings.trustStore())) {
        store.load(in, password == null ? null : password.toCharArray());
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new LlmConfigurationException(
          "Cannot load the trust store "
              + settings.trustStore()
              + " ("
              + e.getClass().getSimpleName()
              + "). Check "
              + HttpTransportSettings.TRUST_STORE
              + ", "
              + HttpTransportSettings.TRUST_STORE_TYPE
              + " and "
              + HttpTransportSettings.TRUST_STORE_PASSWORD
              + ".",
          dev.llmclient.api.ErrorContext.NONE,
          e);
    }
  }

  /** Picks the proxy per target scheme, honouring the no-proxy list. */
  private static final class ProxyRoutePlanner extends DefaultRoutePlanner {
    private final HttpTransportSettings settings;

    ProxyRoutePlanner(HttpTransportSettings settings) {
      super(DefaultSchemePortResolver.INSTANCE);
      this.settings = settings;
    }

    @Override
    protected @Nullable HttpHost determineProxy(HttpHost target, HttpContext context) {
      URI proxy =
          "https".equalsIgnoreCase(target.getSchemeName())
              ? settings.httpsProxy()
              : settings.httpProxy();
      if (proxy == null) {
        return null;
      }
      int port =
          target.getPort() > 0
              ? target.getPort()
              : ("https".equalsIgnoreCase(target.getSchemeName()) ? 443 : 80);
      if (settings.bypassesProxy(target.getHostName(), port)) {
        return null;
      }
      return new HttpHost(proxy.getScheme(), proxy.getHost(), port(proxy));
    }
  }

  /** The pool wait passed before the request could start: no pooled connection became free. */
  static final class PoolWaitTimeoutException extends TimeoutException {
    private static final long serialVersionUID = 1L;

    PoolWaitTimeoutException() {
      super("no pooled connection became free in time");
    }
  }

  /**
   * Completes {@code started} when httpclient5 asks for the body: a connection was leased and the
   * head written. (It asks for the request head before it leases, so {@code sendRequest} is too
   * early a sign.)
   */
  private static final class StartSignallingProducer implements AsyncRequestProducer {
    private final AsyncRequestProducer delegate;
    private final CompletableFuture<@Nullable Void> started;

    StartSignallingProducer(
        AsyncRequestProducer delegate, CompletableFuture<@Nullable Void> started) {
      this.delegate = delegate;
      this.started = started;
    }

    @Override
    public void sendRequest(RequestChannel channel, HttpContext context)
        throws HttpException, IOException {
      delegate.sendRequest(channel, context);
    }

    @Override
    public boolean isRepeatable() {
      return delegate.isRepeatable();
    }

    @Override
    public void failed(Exception cause) {
      delegate.failed(cause);
    }

    @Override
    public int available() {
      return delegate.available();
    }

    @Override
    public void produce(DataStreamChannel channel) throws IOException {
      started.complete(null);
      delegate.produce(channel);
    }

    @Override
    public void releaseResources() {
      delegate.releaseResources();
    }
  }

  /**
   * A JSON request body in one array. httpclient5's own byte-array producer builds its content type
   * string on every request; this one's is a constant.
   */
  static final class JsonBody implements AsyncEntityProducer {
    private static final String CONTENT_TYPE = ContentType.APPLICATION_JSON.toString();

    private final ByteBuffer body;

    JsonBody(byte[] body) {
      this.body = ByteBuffer.wrap(body);
    }

    @Override
    public boolean isRepeatable() {
      return true;
    }

    @Override
    public String getContentType() {
      return CONTENT_TYPE;
    }

    @Override
    public long getContentLength() {
      return body.capacity();
    }

    @Override
    public @Nullable String getContentEncoding() {
      return null;
    }

    @Override
    public boolean isChunked() {
      return false;
    }

    @Override
    public Set<String> getTrailerNames() {
      return Set.of();
    }

    @Override
    public int available() {
      return body.remaining();
    }

    @Override
    public void produce(DataStreamChannel channel) throws IOException {
      if (body.hasRemaining()) {
        channel.write(body);
      }
      if (!body.hasRemaining()) {
        channel.endStream();
      }
    }

    @Override
    public void failed(Exception cause) {}

    /** Called before a repeat of the request, too: the body is sent again from its start. */
    @Override
    public void releaseResources() {
      body.clear();
    }
  }

  /**
   * A request header whose value httpclient5 sends but never prints: its header log shows {@code
   * name: ****}.
   */
  static final class MaskedHeader implements Header {
    private final String name;
    private final String value;

    MaskedHeader(String name, String value) {
      this.name = name;
      this.value = value;
    }

    @Override
    public String getName() {
      return name;
    }

    @Override
    public String getValue() {
      return value;
    }

    @Override
    public boolean isSensitive() {
      return true;
    }

    @Override
    public String toString() {
      return name + ": ****";
    }
  }

  /**
   * A response head: its headers, looked up lazily ({@link LazyHeaders}), and its size. Their count
   * and line length are bounded by the client's HTTP/1.1 settings.
   *
   * @param headers by lower-case name, first value
   * @param bytes what the status line and headers took on the wire (HTTP/1.1 framing; HTTP/2 is
   *     smaller)
   */
  record Head(Map<String, String> headers, long bytes) {
    static Head of(HttpResponse response) {
      Header[] all = response.getHeaders();
      String reason = response.getReasonPhrase();
      long bytes = 15 + (reason == null ? 0 : reason.length()) + 2;
      for (Header h : all) {
        bytes += lineLength(h) + 2;
      }
      return new Head(new LazyHeaders(all), bytes);
    }

    /** A header line's length without building its value when httpclient5 kept the raw line. */
    private static int lineLength(Header h) {
      if (h instanceof FormattedHeader raw) {
        return raw.getBuffer().length();
      }
      String value = h.getValue();
      return h.getName().length() + 2 + (value == null ? 0 : value.length());
    }
  }

  /**
   * A response's headers by lower-case name, first value, looked up in httpclient5's headers only
   * when asked: a call reads a few of the headers a server sends, and httpclient5 builds a value's
   * string when it is first read. Iterating (the call log) copies them once.
   */
  static final class LazyHeaders extends AbstractMap<String, String> {
    private final Header[] all;
    private volatile @Nullable Map<String, String> copy;

    LazyHeaders(Header[] all) {
      this.all = all;
    }

    @Override
    public @Nullable String get(@Nullable Object name) {
      if (name instanceof String wanted) {
        for (Header h : all) {
          if (h.getName().equalsIgnoreCase(wanted)) {
            String value = h.getValue();
            if (value != null) {
              return value;
            }
          }
        }
      }
      return null;
    }

    @Override
    public boolean containsKey(@Nullable Object name) {
      return get(name) != null;
    }

    @Override
    public Set<Entry<String, String>> entrySet() {
      Map<String, String> c = copy;
      if (c == null) {
        Map<String, String> byName = new HashMap<>(all.length * 2);
        for (Header h : all) {
          String value = h.getValue();
          if (value != null) {
            byName.putIfAbsent(h.getName().toLowerCase(Locale.ROOT), value);
          }
        }
        c = Collections.unmodifiableMap(byName);
        copy = c;
      }
      return c.entrySet();
    }
  }

  /**
   * A response whose body is read as it arrives.
   *
   * @param status the status code
   * @param headers by lower-case name, first value
   * @param body the body; close it when done (before its end, that abandons the exchange)
   */
  record StreamedResponse(int status, Map<String, String> headers, InputStream body) {}

  /**
   * Buffers a response within the limits: headers by size, the body in a buffer that starts small
   * and grows with what arrives (a declared {@code Content-Length} is only a hint), up to the
   * response limit; of an error body only {@link #ERROR_BODY_PREFIX} bytes are kept.
   */
  static final class LimitedBodyConsumer implements AsyncResponseConsumer<Response> {
    private final long limit;
    private final int maxHeaderBytes;
    private static final byte[] EMPTY = new byte[0];

    private @Nullable HttpResponse response;
    private @Nullable FutureCallback<Response> callback;
    private Map<String, String> headers = Map.of();
    private byte[] buffer = EMPTY;
    private int size;
    private long headerBytes;
    private long received;
    private int keep;
    private long declared = -1;
    private boolean complete = true;

    LimitedBodyConsumer(long limit, int maxHeaderBytes) {
      this.limit = limit;
      this.maxHeaderBytes = maxHeaderBytes;
    }

    @Override
    public void consumeResponse(
        HttpResponse response,
        @Nullable EntityDetails entity,
        HttpContext context,
        FutureCallback<Response> callback)
        throws IOException {
      this.response = response;
      this.callback = callback;
      readHeaders(response);
      if (headerBytes > maxHeaderBytes) {
        throw new ResponseHeadersTooLargeException(headerBytes, maxHeaderBytes);
      }
      if (entity == null) {
        callback.completed(build());
        return;
      }
      long length = entity.getContentLength();
      declared = length;
      if (length > limit - headerBytes) {
        throw new ResponseTooLargeException(limit);
      }
      boolean error = response.getCode() < 200 || response.getCode() > 299;
      keep = (int) Math.min(error ? ERROR_BODY_PREFIX : limit, MAX_ARRAY);
      if (length > 0) {
        buffer = new byte[(int) Math.min(Math.min(length, INITIAL_BUFFER), keep)];
      }
      // Without a length the buffer is sized by the first bytes that arrive (a small answer
      // often comes in one read, so it fits exactly), then doubles.
    }

    /** The buffer's current size, for tests. */
    int capacity() {
      return buffer.length;
    }

    private void readHeaders(HttpResponse response) {
      Head head = Head.of(response);
      headerBytes = head.bytes();
      headers = head.headers();
    }

    @Override
    public void informationResponse(HttpResponse response, HttpContext context) {}

    @Override
    public void updateCapacity(CapacityChannel channel) throws IOException {
      channel.update(Integer.MAX_VALUE);
    }

    @Override
    public void consume(ByteBuffer src) throws IOException {
      int n = src.remaining();
      received += n;
      if (received > limit - headerBytes) {
        throw new ResponseTooLargeException(limit);
      }
      int stored = Math.min(n, keep - size);
      if (stored > 0) {
        if (size + stored > buffer.length) {
          long needed = (long) size + stored;
          long grown = Math.max((long) buffer.length * 2, needed);
          if (declared >= needed && declared <= grown) {
            grown = declared; // the last growth: exactly what the server said is left
          }
          buffer = Arrays.copyOf(buffer, (int) Math.min(grown, keep));
        }
        src.get(buffer, size, stored);
        size += stored;
      }
      if (stored < n) {
        complete = false;
        src.position(src.position() + (n - Math.max(stored, 0)));
      }
    }

    @Override
    public void streamEnd(@Nullable List<? extends Header> trailers) {
      FutureCallback<Response> cb = callback;
      if (cb != null) {
        cb.completed(build());
      }
    }

    @Override
    public void failed(Exception cause) {}

    @Override
    public void releaseResources() {}

    private Response build() {
      HttpResponse r = response;
      int status = r == null ? 0 : r.getCode();
      byte[] body = size == buffer.length ? buffer : Arrays.copyOf(buffer, size);
      return new Response(status, headers, body, complete);
    }
  }
}
