package dev.llmclient.containers;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.OutputFrame.OutputType;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.MountableFile;

/**
 * nginx in a container as an API gateway: TLS with a private CA, HTTP/2 offered by ALPN, proxying
 * to an upstream on 127.0.0.1 (the in-JVM simulator). Each request is logged to the container's
 * stdout as {@code PROTOCOL METHOD URI STATUS}, e.g. {@code HTTP/2.0 POST /v1/chat/completions
 * 200}.
 */
final class NginxTlsGateway implements AutoCloseable {

  private final GenericContainer<?> container;
  private final int port;

  private NginxTlsGateway(GenericContainer<?> container, int port) {
    this.container = container;
    this.port = port;
  }

  /**
   * Starts nginx on a free loopback port in front of {@code upstreamPort}.
   *
   * @param certificates the server certificate and key to serve
   * @param upstreamPort the port of the plain-HTTP upstream on 127.0.0.1
   * @return the running gateway
   */
  @SuppressWarnings("resource") // closed by close()
  static NginxTlsGateway start(TestCertificates certificates, int upstreamPort) {
    int port = Loopback.freePort();
    String config =
        String.join(
            "\n",
            "user nobody nogroup;",
            "worker_processes 1;",
            "pid /tmp/nginx.pid;",
            "error_log stderr notice;",
            "events { worker_connections 512; }",
            "http {",
            "  log_format proto '$server_protocol $request_method $request_uri $status';",
            "  access_log /dev/stdout proto;",
            "  server {",
            "    listen 127.0.0.1:" + port + " ssl http2;",
            "    ssl_certificate /etc/nginx/server.crt;",
            "    ssl_certificate_key /etc/nginx/server.key;",
            "    ssl_protocols TLSv1.2 TLSv1.3;",
            "    location / {",
            "      proxy_pass http://127.0.0.1:" + upstreamPort + ";",
            "      proxy_http_version 1.1;",
            "      proxy_set_header Connection \"\";",
            "      proxy_read_timeout 30s;",
            "    }",
            "  }",
            "}",
            "");
    GenericContainer<?> container =
        new GenericContainer<>(LocalImages.name(LocalImages.NGINX))
            .withNetworkMode("host")
            .withCopyToContainer(
                Transferable.of(config.getBytes(StandardCharsets.UTF_8)), "/etc/nginx/nginx.conf")
            .withCopyToContainer(
                MountableFile.forHostPath(certificates.serverCertificate()),
                "/etc/nginx/server.crt")
            .withCopyToContainer(
                MountableFile.forHostPath(certificates.serverKey(), 0600), "/etc/nginx/server.key")
            .waitingFor(Loopback.listeningOn(port, Duration.ofSeconds(30)));
    container.start();
    return new NginxTlsGateway(container, port);
  }

  /**
   * The gateway's port on 127.0.0.1.
   *
   * @return the port
   */
  int port() {
    return port;
  }

  /**
   * The OpenAI base URL through the gateway for a host name, e.g. {@code 127.0.0.1}.
   *
   * @param host the host name the client uses
   * @return {@code https://host:port/v1}
   */
  URI openAiBaseUri(String host) {
    return URI.create("https://" + host + ":" + port + "/v1");
  }

  /**
   * The access log lines so far.
   *
   * @return one line per completed request
   */
  List<String> accessLog() {
    return Arrays.stream(container.getLogs(OutputType.STDOUT).split("\n"))
        .map(String::strip)
        .filter(line -> !line.isEmpty())
        .toList();
  }

  /**
   * Everything nginx wrote, for failure messages.
   *
   * @return the container's output
   */
  String output() {
    return container.getLogs();
  }

  @Override
  public void close() {
    container.stop();
  }
}
