package dev.llmclient.openai;

import dev.llmclient.api.LlmConfigurationException;
import dev.llmclient.api.spi.ProviderSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * How a backend talks HTTP: timeouts, pool size, proxy, trust store and response size limit.
 * Immutable; build one with {@link #builder()} or read it from settings with {@link
 * #fromSettings(ProviderSettings)}.
 *
 * <p>The defaults are sized for batch work: up to {@value #DEFAULT_MAX_CONNECTIONS_PER_ROUTE}
 * connections to one host (httpclient5's own default of 5 makes concurrent callers queue), HTTP/2
 * when a TLS server offers it, a 10 s connect timeout, a 10 min response timeout (reasoning models
 * can think for minutes), a 1 min wait for a free pooled connection and a 32 MiB response limit.
 * Response headers are limited too: {@value #MAX_HEADER_LINE_BYTES} bytes per line, {@value
 * #MAX_HEADER_COUNT} headers and {@value #MAX_HEADER_BYTES} bytes in all, counted toward the
 * response limit.
 *
 * <p>Logging: httpclient5's wire log ({@code org.apache.hc.client5.http.wire}) is never used by
 * these clients, because it would print the API key. Its header log ({@code
 * org.apache.hc.client5.http.headers}) prints the request headers with the values of the
 * authentication and custom headers masked ({@code api-key: ****}); on HTTP/2 httpclient5 copies
 * the headers before logging them and would print the key, so while that logger or {@code
 * org.apache.hc.client5.http2.frame.payload} is at DEBUG, new connections stay on HTTP/1.1 (the
 * client says so once at INFO). What a server sends back (its response headers, and httpcore's
 * errors about a malformed response, which quote it) httpclient5 logs at DEBUG as received, so a
 * server that echoes a key would put it there. Keep {@code org.apache.hc} at INFO in production.
 *
 * <pre>{@code
 * HttpTransportSettings transport = HttpTransportSettings.builder()
 *     .responseTimeout(Duration.ofSeconds(60))
 *     .proxy(URI.create("http://proxy.corp:3128"))
 *     .build();
 * }</pre>
 */
public final class HttpTransportSettings {

  /** Connect timeout setting, e.g. {@code 10s} or {@code 500ms}; a plain number is seconds. */
  public static final String CONNECT_TIMEOUT = "LLM_HTTP_CONNECT_TIMEOUT";

  /** Longest silence while waiting for the response, e.g. {@code 10m}. */
  public static final String RESPONSE_TIMEOUT = "LLM_HTTP_RESPONSE_TIMEOUT";

  /** Overall limit for one exchange, from send to the last byte; unset means none. */
  public static final String CALL_TIMEOUT = "LLM_HTTP_CALL_TIMEOUT";

  /** Most connections to one host; the pool's total is twice this. */
  public static final String MAX_CONNECTIONS = "LLM_HTTP_MAX_CONNECTIONS";

  /**
   * Longest wait for a free pooled connection when all {@link #MAX_CONNECTIONS} are busy, e.g.
   * {@code 30s}. A call that waits longer fails with a non-retryable {@link
   * dev.llmclient.api.ConnectionPoolTimeoutException}.
   */
  public static final String POOL_WAIT_TIMEOUT = "LLM_HTTP_POOL_WAIT_TIMEOUT";

  /** Proxy URL for every target, e.g. {@code http://user:password@proxy:3128}. */
  public static final String PROXY = "LLM_HTTP_PROXY";

  /** Proxy user name for basic authentication (overrides the URL's user). */
  public static final String PROXY_USER = "LLM_HTTP_PROXY_USER";

  /** Proxy password for basic authentication (overrides the URL's password). */
  public static final String PROXY_PASSWORD = "LLM_HTTP_PROXY_PASSWORD";

  /** Hosts that bypass the proxy, comma-separated, as {@code NO_PROXY}. */
  public static final String NO_PROXY = "LLM_HTTP_NO_PROXY";

  /** Path of a trust store (PKCS12 or JKS) holding the CAs to trust instead of the JDK's. */
  public static final String TRUST_STORE = "LLM_HTTP_TRUST_STORE";

  /** Password of {@link #TRUST_STORE}. */
  public static final String TRUST_STORE_PASSWORD = "LLM_HTTP_TRUST_STORE_PASSWORD";

  /** Type of {@link #TRUST_STORE}: {@code PKCS12} (default) or {@code JKS}. */
  public static final String TRUST_STORE_TYPE = "LLM_HTTP_TRUST_STORE_TYPE";

  /** Largest response accepted, in bytes: the body plus the headers. */
  public static final String MAX_RESPONSE_BYTES = "LLM_HTTP_MAX_RESPONSE_BYTES";

  /** {@code false} to stay on HTTP/1.1 even when a TLS server offers HTTP/2. */
  public static final String HTTP2 = "LLM_HTTP2";

  /**
   * The call log: {@code info} logs every exchange (method, URL, status, time, request id) at INFO;
   * {@code debug} adds the request and response bodies, secrets removed; unset or {@code off},
   * exchanges are logged at DEBUG only. Retries and re-asks are logged at INFO either way.
   */
  public static final String LOG = "LLM_LOG";

  /** What the call log shows; see {@link #LOG}. */
  public enum CallLog {
    /** Exchanges at DEBUG only, no bodies. */
    OFF,
    /** Every exchange at INFO: method, URL, status, time, request id. */
    INFO,
    /** As {@link #INFO}, plus the request and response bodies with secrets removed. */
    DEBUG
  }

  /** Default most connections per host. */
  public static final int DEFAULT_MAX_CONNECTIONS_PER_ROUTE = 512;

  /** Default response size limit: 32 MiB. */
  public static final long DEFAULT_MAX_RESPONSE_BYTES = 32L * 1024 * 1024;

  /** Default wait for a free pooled connection: 1 minute. */
  public static final Duration DEFAULT_POOL_WAIT_TIMEOUT = Duration.ofMinutes(1);

  /** Longest response header line accepted (HTTP/1.1), in bytes. */
  public static final int MAX_HEADER_LINE_BYTES = 8 * 1024;

  /** Most response headers accepted. */
  public static final int MAX_HEADER_COUNT = 100;

  /**
   * Most bytes of response headers accepted, all lines together (HTTP/1.1) or the header list
   * (HTTP/2); they also count toward {@link #maxResponseBytes()}.
   */
  public static final int MAX_HEADER_BYTES = 64 * 1024;

  private static final HttpTransportSettings DEFAULT = builder().build();

  private final Duration connectTimeout;
  private final Duration responseTimeout;
  private final @Nullable Duration callTimeout;
  private final Duration poolWaitTimeout;
  private final int maxConnectionsPerRoute;
  private final @Nullable URI httpsProxy;
  private final @Nullable URI httpProxy;
  private final @Nullable String proxyUser;
  private final @Nullable String proxyPassword;
  private final List<String> noProxy;
  private final @Nullable Path trustStore;
  private final @Nullable String trustStorePassword;
  private final String trustStoreType;
  private final long maxResponseBytes;
  private final boolean http2;
  private final CallLog callLog;

  private HttpTransportSettings(Builder b) {
    this.connectTimeout = b.connectTimeout;
    this.responseTimeout = b.responseTimeout;
    this.callTimeout = b.callTimeout;
    this.poolWaitTimeout = b.poolWaitTimeout;
    this.maxConnectionsPerRoute = b.maxConnectionsPerRoute;
    this.httpsProxy = b.httpsProxy;
    this.httpProxy = b.httpProxy;
    this.proxyUser = b.proxyUser;
    this.proxyPassword = b.proxyPassword;
    this.noProxy = List.copyOf(b.noProxy);
    this.trustStore = b.trustStore;
    this.trustStorePassword = b.trustStorePassword;
    this.trustStoreType = b.trustStoreType;
    this.maxResponseBytes = b.maxResponseBytes;
    this.http2 = b.http2;
    this.callLog = b.callLog;
  }

  /**
   * The defaults described above, with no proxy.
   *
   * @return the default settings
   */
  public static HttpTransportSettings getDefault() {
    return DEFAULT;
  }

  /**
   * A builder starting from the defaults.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder starting from these settings.
   *
   * @return the builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.connectTimeout = connectTimeout;
    b.responseTimeout = responseTimeout;
    b.callTimeout = callTimeout;
    b.poolWaitTimeout = poolWaitTimeout;
    b.maxConnectionsPerRoute = maxConnectionsPerRoute;
    b.httpsProxy = httpsProxy;
    b.httpProxy = httpProxy;
    b.proxyUser = proxyUser;
    b.proxyPassword = proxyPassword;
    b.noProxy = new ArrayList<>(noProxy);
    b.trustStore = trustStore;
    b.trustStorePassword = trustStorePassword;
    b.trustStoreType = trustStoreType;
    b.maxResponseBytes = maxResponseBytes;
    b.http2 = http2;
    b.callLog = callLog;
    return b;
  }

  /**
   * Reads the {@code LLM_HTTP_*} settings; the proxy falls back to {@code HTTPS_PROXY} / {@code
   * HTTP_PROXY} / {@code NO_PROXY} and then to the JVM's {@code https.proxyHost}, {@code
   * http.proxyHost} and {@code http.nonProxyHosts} properties.
   *
   * @param settings the settings
   * @return the transport settings
   * @throws LlmConfigurationException naming the setting when a value is malformed or the trust
   *     store file does not exist
   */
  public static HttpTransportSettings fromSettings(ProviderSettings settings) {
    return fromSettings(settings, System::getProperty);
  }

  static HttpTransportSettings fromSettings(
      ProviderSettings settings, Function<String, @Nullable String> systemProperties) {
    Builder b = builder();
    Duration connect = duration(settings, CONNECT_TIMEOUT);
    if (connect != null) {
      b.connectTimeout(connect);
    }
    Duration response = duration(settings, RESPONSE_TIMEOUT);
    if (response != null) {
      b.responseTimeout(response);
    }
    Duration call = duration(settings, CALL_TIMEOUT);
    if (call != null) {
      b.callTimeout(call);
    }
    Duration poolWait = duration(settings, POOL_WAIT_TIMEOUT);
    if (poolWait != null) {
      b.poolWaitTimeout(poolWait);
    }
    Integer max = settings.getInt(MAX_CONNECTIONS);
    if (max != null) {
      if (max < 1) {
        throw new LlmConfigurationException(MAX_CONNECTIONS + " must be at least 1, got " + max);
      }
      b.maxConnectionsPerRoute(max);
    }
    String maxBytes = settings.get(MAX_RESPONSE_BYTES);
    if (maxBytes != null) {
      try {
        long value = Long.parseLong(maxBytes);
        if (value < 1024) {
          throw new NumberFormatException();
        }
        b.maxResponseBytes(value);
      } catch (NumberFormatException e) {
        throw new LlmConfigurationException(
            MAX_RESPONSE_BYTES + " must be a number of bytes >= 1024, got '" + maxBytes + "'");
      }
    }
    b.http2(settings.getBoolean(HTTP2, true));
    String log = settings.get(LOG);
    if (log != null && !log.isBlank()) {
      try {
        b.callLog(CallLog.valueOf(log.strip().toUpperCase(java.util.Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new LlmConfigurationException(LOG + " must be info, debug or off, got '" + log + "'");
      }
    }
    readProxy(b, settings, systemProperties);
    String trustStore = settings.get(TRUST_STORE);
    if (trustStore != null) {
      Path path = Path.of(trustStore);
      if (!Files.isReadable(path)) {
        throw new LlmConfigurationException(
            TRUST_STORE + " points at '" + trustStore + "', which is not a readable file");
      }
      b.trustStore(
          path, settings.get(TRUST_STORE_PASSWORD), settings.get(TRUST_STORE_TYPE, "PKCS12"));
    }
    return b.build();
  }

  private static void readProxy(
      Builder b, ProviderSettings settings, Function<String, @Nullable String> sys) {
    String explicit = settings.get(PROXY);
    List<String> noProxy = new ArrayList<>();
    if (explicit != null) {
      URI uri = proxyUri(PROXY, explicit);
      b.httpsProxy = uri;
      b.httpProxy = uri;
      noProxy.addAll(splitHosts(settings.get(NO_PROXY)));
    } else {
      String https = first(settings, "HTTPS_PROXY", "https_proxy");
      String http = first(settings, "HTTP_PROXY", "http_proxy");
      if (https != null || http != null) {
        b.httpsProxy = https == null ? null : proxyUri("HTTPS_PROXY", https);
        b.httpProxy = http == null ? null : proxyUri("HTTP_PROXY", http);
        String list = settings.get(NO_PROXY);
        noProxy.addAll(splitHosts(list != null ? list : first(settings, "NO_PROXY", "no_proxy")));
      } else {
        b.httpsProxy = jvmProxy(sys, "https", 443);
        b.httpProxy = jvmProxy(sys, "http", 80);
        if (b.httpsProxy != null || b.httpProxy != null) {
          String nonProxy = sys.apply("http.nonProxyHosts");
          noProxy.addAll(splitHosts(nonProxy == null ? "localhost|127.*|[::1]" : nonProxy));
          if (b.proxyUser == null && sys.apply("https.proxyUser") != null) {
            b.proxyUser = sys.apply("https.proxyUser");
            b.proxyPassword = sys.apply("https.proxyPassword");
          }
        }
      }
    }
    b.noProxy = noProxy;
    URI any = b.httpsProxy != null ? b.httpsProxy : b.httpProxy;
    if (any != null && any.getRawUserInfo() != null && b.proxyUser == null) {
      String info = any.getRawUserInfo();
      int colon = info.indexOf(':');
      b.proxyUser = decode(colon < 0 ? info : info.substring(0, colon));
      b.proxyPassword = colon < 0 ? null : decode(info.substring(colon + 1));
    }
    String user = settings.get(PROXY_USER);
    if (user != null) {
      b.proxyUser = user;
      b.proxyPassword = settings.get(PROXY_PASSWORD);
    }
  }

  private static @Nullable URI jvmProxy(
      Function<String, @Nullable String> sys, String scheme, int defaultPort) {
    String host = sys.apply(scheme + ".proxyHost");
    if (host == null || host.isBlank()) {
      return null;
    }
    String port = sys.apply(scheme + ".proxyPort");
    try {
      int p = port == null || port.isBlank() ? defaultPort : Integer.parseInt(port.trim());
      return new URI("http", null, host.trim(), p, null, null, null);
    } catch (NumberFormatException | URISyntaxException e) {
      throw new LlmConfigurationException(
          "The JVM property " + scheme + ".proxyPort must be a port number, got '" + port + "'");
    }
  }

  private static URI proxyUri(String name, String value) {
    String text = value.contains("://") ? value : "http://" + value;
    try {
      URI uri = new URI(text);
      if (uri.getHost() == null
          || !("http".equalsIgnoreCase(uri.getScheme())
              || "https".equalsIgnoreCase(uri.getScheme()))) {
        throw new URISyntaxException(text, "needs http://host:port");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new LlmConfigurationException(
          name
              + " must be a proxy URL like http://proxy.example.com:3128 (got a value that is not)");
    }
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  private static @Nullable String first(ProviderSettings settings, String a, String b) {
    String value = settings.get(a);
    return value != null ? value : settings.get(b);
  }

  private static List<String> splitHosts(@Nullable String list) {
    List<String> hosts = new ArrayList<>();
    if (list == null) {
      return hosts;
    }
    for (String part : list.split("[,|\\s]+")) {
      if (!part.isBlank()) {
        hosts.add(part.trim().toLowerCase(Locale.ROOT));
      }
    }
    return hosts;
  }

  private static @Nullable Duration duration(ProviderSettings settings, String name) {
    String value = settings.get(name);
    if (value == null) {
      return null;
    }
    Duration d = Durations.parse(value);
    if (d == null || d.isZero()) {
      throw new LlmConfigurationException(
          name + " must be a positive duration like 30s, 500ms or 2m, got '" + value + "'");
    }
    return d;
  }

  /**
   * How long to wait for a TCP (and TLS) connection.
   *
   * @return the connect timeout
   */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /**
   * The longest silence while waiting for response bytes.
   *
   * @return the response timeout
   */
  public Duration responseTimeout() {
    return responseTimeout;
  }

  /**
   * The overall limit for one exchange.
   *
   * @return the limit, or null for none
   */
  public @Nullable Duration callTimeout() {
    return callTimeout;
  }

  /**
   * The longest wait for a free pooled connection.
   *
   * @return the pool wait timeout
   */
  public Duration poolWaitTimeout() {
    return poolWaitTimeout;
  }

  /**
   * The most connections to one host.
   *
   * @return the per-host limit; the pool's total is twice this
   */
  public int maxConnectionsPerRoute() {
    return maxConnectionsPerRoute;
  }

  /**
   * The proxy for {@code https} targets.
   *
   * @return the proxy URL, or null for a direct connection
   */
  public @Nullable URI httpsProxy() {
    return httpsProxy;
  }

  /**
   * The proxy for plain {@code http} targets.
   *
   * @return the proxy URL, or null for a direct connection
   */
  public @Nullable URI httpProxy() {
    return httpProxy;
  }

  /**
   * The proxy user for basic authentication.
   *
   * @return the user, or null
   */
  public @Nullable String proxyUser() {
    return proxyUser;
  }

  @Nullable String proxyPassword() {
    return proxyPassword;
  }

  /**
   * Hosts reached without the proxy: {@code *}, {@code host}, {@code .domain}, {@code *.domain},
   * {@code prefix*}.
   *
   * @return the lower-case patterns
   */
  public List<String> noProxy() {
    return noProxy;
  }

  /**
   * The trust store replacing the JDK's CAs.
   *
   * @return the path, or null to use the JDK's
   */
  public @Nullable Path trustStore() {
    return trustStore;
  }

  @Nullable String trustStorePassword() {
    return trustStorePassword;
  }

  /**
   * The trust store's type.
   *
   * @return {@code PKCS12} or {@code JKS}
   */
  public String trustStoreType() {
    return trustStoreType;
  }

  /**
   * The largest response accepted: body and headers together. Bodies are buffered in a buffer that
   * starts small and grows with what arrives, never from a declared {@code Content-Length}; of an
   * error response only the first 64 KiB are kept.
   *
   * @return the limit in bytes
   */
  public long maxResponseBytes() {
    return maxResponseBytes;
  }

  /**
   * What the call log shows.
   *
   * @return the level, {@link CallLog#OFF} unless {@value #LOG} or the builder says otherwise
   */
  public CallLog callLog() {
    return callLog;
  }

  /**
   * Whether HTTP/2 is negotiated when a TLS server offers it.
   *
   * @return true by default
   */
  public boolean http2() {
    return http2;
  }

  /**
   * Whether a host bypasses the proxy.
   *
   * @param host the target host
   * @param port the target port
   * @return true when a {@link #noProxy()} pattern matches
   */
  boolean bypassesProxy(String host, int port) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    for (String pattern : noProxy) {
      String p = pattern;
      int colon = p.lastIndexOf(':');
      if (colon > 0 && p.indexOf(':') == colon && !p.endsWith("]")) {
        if (!p.substring(colon + 1).equals(Integer.toString(port))) {
          continue;
        }
        p = p.substring(0, colon);
      }
      if (p.startsWith("[") && p.endsWith("]")) {
        p = p.substring(1, p.length() - 1);
      }
      if (p.equals("*") || p.equals(h)) {
        return true;
      }
      if (p.startsWith("*.")) {
        p = p.substring(1);
      }
      if (p.startsWith(".")) {
        if (h.endsWith(p) || h.equals(p.substring(1))) {
          return true;
        }
      } else if (p.endsWith("*")) {
        if (h.startsWith(p.substring(0, p.length() - 1))) {
          return true;
        }
      } else if (h.endsWith("." + p)) {
        return true;
      }
    }
    return false;
  }

  /** Shows every setting; the proxy password and trust store password are redacted. */
  @Override
  public String toString() {
    return "HttpTransportSettings[connectTimeout="
        + connectTimeout
        + ", responseTimeout="
        + responseTimeout
        + ", callTimeout="
        + callTimeout
        + ", poolWaitTimeout="
        + poolWaitTimeout
        + ", maxConnectionsPerRoute="
        + maxConnectionsPerRoute
        + ", httpsProxy="
        + redactUserInfo(httpsProxy)
        + ", httpProxy="
        + redactUserInfo(httpProxy)
        + ", proxyUser="
        + proxyUser
        + ", proxyPassword="
        + (proxyPassword == null ? "null" : "****")
        + ", noProxy="
        + noProxy
        + ", trustStore="
        + trustStore
        + ", trustStorePassword="
        + (trustStorePassword == null ? "null" : "****")
        + ", maxResponseBytes="
        + maxResponseBytes
        + ", http2="
        + http2
        + ", callLog="
        + callLog
        + "]";
  }

  private static @Nullable String redactUserInfo(@Nullable URI uri) {
    if (uri == null) {
      return null;
    }
    return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
  }

  /** Builds {@link HttpTransportSettings}. Not thread-safe. */
  public static final class Builder {
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration responseTimeout = Duration.ofMinutes(10);
    private @Nullable Duration callTimeout;
    private Duration poolWaitTimeout = DEFAULT_POOL_WAIT_TIMEOUT;
    private int maxConnectionsPerRoute = DEFAULT_MAX_CONNECTIONS_PER_ROUTE;
    private @Nullable URI httpsProxy;
    private @Nullable URI httpProxy;
    private @Nullable String proxyUser;
    private @Nullable String proxyPassword;
    private List<String> noProxy = new ArrayList<>();
    private @Nullable Path trustStore;
    private @Nullable String trustStorePassword;
    private String trustStoreType = "PKCS12";
    private long maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES;
    private boolean http2 = true;
    private CallLog callLog = CallLog.OFF;

    private Builder() {}

    /**
     * Sets the connect timeout.
     *
     * @param timeout a positive duration
     * @return this builder
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /**
     * Sets the longest silence while waiting for response bytes.
     *
     * @param timeout a positive duration
     * @return this builder
     */
    public Builder responseTimeout(Duration timeout) {
      this.responseTimeout = positive(timeout, "responseTimeout");
      return this;
    }

    /**
     * Sets an overall limit for one exchange.
     *
     * @param timeout a positive duration, or null for none
     * @return this builder
     */
    public Builder callTimeout(@Nullable Duration timeout) {
      this.callTimeout = timeout == null ? null : positive(timeout, "callTimeout");
      return this;
    }

    /**
     * Sets the longest wait for a free pooled connection when every connection to the host is busy;
     * a call that waits longer fails with a non-retryable {@link
     * dev.llmclient.api.ConnectionPoolTimeoutException}.
     *
     * @param timeout a positive duration
     * @return this builder
     */
    public Builder poolWaitTimeout(Duration timeout) {
      this.poolWaitTimeout = positive(timeout, "poolWaitTimeout");
      return this;
    }

    /**
     * Sets the most connections to one host.
     *
     * @param max at least 1
     * @return this builder
     */
    public Builder maxConnectionsPerRoute(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxConnectionsPerRoute must be >= 1, got " + max);
      }
      this.maxConnectionsPerRoute = max;
      return this;
    }

    /**
     * Sends every request through one HTTP proxy.
     *
     * @param proxy the proxy URL, e.g. {@code http://proxy:3128}; null for direct connections
     * @return this builder
     */
    public Builder proxy(@Nullable URI proxy) {
      this.httpsProxy = proxy;
      this.httpProxy = proxy;
      return this;
    }

    /**
     * Sets basic-authentication credentials for the proxy.
     *
     * @param user the user
     * @param password the password
     * @return this builder
     */
    public Builder proxyCredentials(String user, String password) {
      this.proxyUser = Objects.requireNonNull(user, "user");
      this.proxyPassword = Objects.requireNonNull(password, "password");
      return this;
    }

    /**
     * Sets the hosts that bypass the proxy.
     *
     * @param hosts patterns as in {@code NO_PROXY}
     * @return this builder
     */
    public Builder noProxy(List<String> hosts) {
      this.noProxy = new ArrayList<>();
      hosts.forEach(h -> noProxy.add(h.trim().toLowerCase(Locale.ROOT)));
      return this;
    }

    /**
     * Trusts the CAs in a trust store instead of the JDK's.
     *
     * @param path the trust store file
     * @param password its password, or null
     * @param type {@code PKCS12} or {@code JKS}
     * @return this builder
     */
    public Builder trustStore(Path path, @Nullable String password, String type) {
      this.trustStore = Objects.requireNonNull(path, "path");
      this.trustStorePassword = password;
      this.trustStoreType = Objects.requireNonNull(type, "type");
      return this;
    }

    /**
     * Sets the largest response body accepted.
     *
     * @param bytes at least 1024
     * @return this builder
     */
    public Builder maxResponseBytes(long bytes) {
      if (bytes < 1024) {
        throw new IllegalArgumentException("maxResponseBytes must be >= 1024, got " + bytes);
      }
      this.maxResponseBytes = bytes;
      return this;
    }

    /**
     * Turns HTTP/2 negotiation on or off.
     *
     * @param enabled false to stay on HTTP/1.1
     * @return this builder
     */
    public Builder http2(boolean enabled) {
      this.http2 = enabled;
      return this;
    }

    /**
     * Sets what the call log shows (default {@link CallLog#OFF}); see {@link #LOG}.
     *
     * @param callLog the level
     * @return this builder
     */
    public Builder callLog(CallLog callLog) {
      this.callLog = Objects.requireNonNull(callLog, "callLog");
      return this;
    }

    /**
     * Builds the settings.
     *
     * @return the settings
     */
    public HttpTransportSettings build() {
      return new HttpTransportSettings(this);
    }

    private static Duration positive(Duration d, String name) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, got " + d);
      }
      return d;
    }
  }
}
