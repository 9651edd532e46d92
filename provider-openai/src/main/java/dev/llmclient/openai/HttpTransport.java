package dev.llmclient.openai;

import dev.llmclient.api.LlmConfigurationException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Arrays;
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
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.nio.AsyncRequestProducer;
import org.apache.hc.core5.http.nio.AsyncResponseConsumer;
import org.apache.hc.core5.http.nio.CapacityChannel;
import org.apache.hc.core5.http.nio.entity.AsyncEntityProducers;
import org.apache.hc.core5.http.nio.support.AsyncRequestBuilder;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.http2.HttpVersionPolicy;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.pool.PoolReusePolicy;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.jspecify.annotations.Nullable;

/** One started {@link CloseableHttpAsyncClient} with its pool, configured from the settings. */
final class HttpTransport implements AutoCloseable {

  /** A complete response: status, headers (lower-case names, first value) and body. */
  record Response(int status, Map<String, String> headers, byte[] body) {
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
            .setDefaultTlsConfig(
                TlsConfig.custom()
                    .setHandshakeTimeout(connect)
                    .setVersionPolicy(
                        settings.http2()
                            ? HttpVersionPolicy.NEGOTIATE
                            : HttpVersionPolicy.FORCE_HTTP_1)
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
        HttpAsyncClients.custom()
            .setConnectionManager(pool)
            .setRoutePlanner(new ProxyRoutePlanner(settings))
            .setDefaultCredentialsProvider(credentials)
            .setDefaultRequestConfig(
                RequestConfig.custom()
                    .setResponseTimeout(response)
                    .setConnectionKeepAlive(TimeValue.ofMinutes(2))
                    .build())
            .disableAutomaticRetries()
            .disableRedirectHandling()
            .disableCookieManagement()
            .setUserAgent("llmclient-java")
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
    AsyncRequestBuilder builder =
        AsyncRequestBuilder.post(uri)
            .setEntity(AsyncEntityProducers.create(body, ContentType.APPLICATION_JSON));
    headers.forEach(builder::addHeader);
    AsyncRequestProducer producer = builder.build();
    CompletableFuture<Response> result = new CompletableFuture<>();
    inFlight.add(result);
    result.whenComplete((r, t) -> inFlight.remove(result));
    if (closed) { // close() may already have taken its snapshot of inFlight
      result.completeExceptionally(new ConnectionClosedException("the client is closed"));
      return result;
    }
    Future<Response> exchange =
        client.execute(
            producer,
            new LimitedBodyConsumer(settings.maxResponseBytes()),
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
    if (settings.callTimeout() != null) {
      result.orTimeout(settings.callTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }
    result.whenComplete(
        (r, t) -> {
          if (t instanceof TimeoutException || t instanceof CancellationException) {
            exchange.cancel(true);
          }
        });
    return result;
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

  private static int port(URI uri) {
    if (uri.getPort() > 0) {
      return uri.getPort();
    }
    return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
  }

  private static SSLContext sslContext(HttpTransportSettings settings) {
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

  /** Buffers the body up to a limit; failing past it keeps a runaway response from an OOM. */
  private static final class LimitedBodyConsumer implements AsyncResponseConsumer<Response> {
    private final long limit;
    private @Nullable HttpResponse response;
    private @Nullable FutureCallback<Response> callback;
    private byte[] buffer = new byte[0];
    private int size;

    LimitedBodyConsumer(long limit) {
      this.limit = limit;
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
      if (entity == null) {
        callback.completed(build());
        return;
      }
      long length = entity.getContentLength();
      if (length > limit) {
        throw new ResponseTooLargeException(limit);
      }
      buffer = new byte[length >= 0 ? (int) length : 8192];
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
      if ((long) size + n > limit) {
        throw new ResponseTooLargeException(limit);
      }
      if (size + n > buffer.length) {
        long grown = Math.max((long) buffer.length * 2, (long) size + n);
        buffer = Arrays.copyOf(buffer, (int) Math.min(grown, Math.max(limit, size + n)));
      }
      src.get(buffer, size, n);
      size += n;
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
      Map<String, String> headers = new HashMap<>();
      int status = 0;
      if (r != null) {
        status = r.getCode();
        for (Header h : r.getHeaders()) {
          if (h.getValue() != null) {
            headers.putIfAbsent(h.getName().toLowerCase(Locale.ROOT), h.getValue());
          }
        }
      }
      return new Response(status, Map.copyOf(headers), Arrays.copyOf(buffer, size));
    }
  }
}
