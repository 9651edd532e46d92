package dev.llmclient.containers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.images.builder.Transferable;

/**
 * squid in a container as a corporate forward proxy that demands basic authentication. Each request
 * it handles is logged as {@code METHOD URL STATUS USER}, e.g. {@code CONNECT 127.0.0.1:8443 200
 * alice} or {@code POST http://127.0.0.1:8080/v1/chat/completions 200 alice}.
 */
final class SquidProxy implements AutoCloseable {

  /** The user squid accepts. */
  static final String USER = "alice";

  /** Alice's password. */
  static final String PASSWORD = "corp-Secret-42";

  /** The proxy's name, as its error pages carry it. */
  static final String VISIBLE_HOSTNAME = "corp-proxy.test";

  private static final String ACCESS_LOG = "/var/log/squid/access.log";

  private final GenericContainer<?> container;
  private final int port;

  private SquidProxy(GenericContainer<?> container, int port) {
    this.container = container;
    this.port = port;
  }

  /**
   * Starts squid on a free loopback port.
   *
   * @return the running proxy
   */
  @SuppressWarnings("resource") // closed by close()
  static SquidProxy start() {
    int port = Loopback.freePort();
    String config =
        String.join(
            "\n",
            "http_port 127.0.0.1:" + port,
            "visible_hostname " + VISIBLE_HOSTNAME,
            "auth_param basic program /usr/lib/squid/basic_ncsa_auth /etc/squid/passwd",
            "auth_param basic children 2 startup=1 idle=1",
            "auth_param basic realm corporate proxy",
            "auth_param basic credentialsttl 1 second",
            "acl authenticated proxy_auth REQUIRED",
            "http_access deny !authenticated",
            "http_access allow authenticated",
            "http_access deny all",
            "cache deny all",
            "logformat compact %rm %ru %>Hs %un",
            "access_log stdio:" + ACCESS_LOG + " compact",
            "cache_log /var/log/squid/cache.log",
            "pid_filename none",
            "pinger_enable off",
            "error_directory /usr/share/squid-langpack/templates",
            "mime_table /etc/squid/mime.conf",
            "err_page_stylesheet /etc/squid/errorpage.css",
            "coredump_dir /var/spool/squid",
            "shutdown_lifetime 0 seconds",
            "");
    GenericContainer<?> container =
        new GenericContainer<>(LocalImages.name(LocalImages.SQUID))
            .withNetworkMode("host")
            .withCopyToContainer(
                Transferable.of(config.getBytes(StandardCharsets.UTF_8)), "/etc/squid/squid.conf")
            .withCopyToContainer(
                Transferable.of(
                    (USER + ":" + md5Crypt(PASSWORD) + "\n").getBytes(StandardCharsets.UTF_8),
                    0644),
                "/etc/squid/passwd")
            .waitingFor(Loopback.listeningOn(port, Duration.ofSeconds(60)));
    container.start();
    return new SquidProxy(container, port);
  }

  /**
   * The proxy's port on 127.0.0.1.
   *
   * @return the port
   */
  int port() {
    return port;
  }

  /**
   * The proxy URL, without credentials.
   *
   * @return {@code http://127.0.0.1:port}
   */
  URI uri() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /**
   * The access log lines so far.
   *
   * @return one line per handled request
   */
  List<String> accessLog() {
    try {
      String text =
          container.copyFileFromContainer(
              ACCESS_LOG, in -> new String(in.readAllBytes(), StandardCharsets.UTF_8));
      return Arrays.stream(text.split("\n")).map(String::strip).filter(l -> !l.isEmpty()).toList();
    } catch (RuntimeException e) {
      return List.of();
    }
  }

  /**
   * Waits until the access log has more than {@code linesBefore} lines.
   *
   * @param linesBefore the count before the request
   * @return the lines added since
   */
  List<String> awaitNewLines(int linesBefore) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    List<String> lines = accessLog();
    while (lines.size() <= linesBefore && System.nanoTime() < deadline) {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      lines = accessLog();
    }
    return new ArrayList<>(lines.subList(Math.min(linesBefore, lines.size()), lines.size()));
  }

  @Override
  public void close() {
    container.stop();
  }

  /** An MD5-crypt ({@code $1$}) hash, as squid's basic_ncsa_auth reads it, made by openssl. */
  private static String md5Crypt(String password) {
    try {
      Process process =
          new ProcessBuilder("openssl", "passwd", "-1", "-stdin").redirectErrorStream(true).start();
      process.getOutputStream().write((password + "\n").getBytes(StandardCharsets.UTF_8));
      process.getOutputStream().close();
      String hash = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException("openssl passwd failed: " + hash);
      }
      return hash.strip();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "The proxy tests hash the proxy password with openssl; install it (Debian: apt-get"
              + " install openssl)",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running openssl", e);
    }
  }
}
