package dev.llmclient.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmclient.api.spi.ChatCompletion;
import dev.llmclient.openai.TestServer.Reply;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Requests go through a configured HTTP proxy, answering its basic-auth challenge. */
class ProxyTest {

  @Test
  void requestsGoThroughTheProxyWithBasicAuthentication() throws Exception {
    String expected =
        "Basic " + Base64.getEncoder().encodeToString("alice:pw".getBytes(StandardCharsets.UTF_8));
    try (TestServer proxy = new TestServer()) {
      proxy.handler(
          r ->
              expected.equals(r.headers().get("proxy-authorization"))
                  ? Reply.json(200, Fixtures.COMPLETION)
                  : new Reply(
                      407,
                      Map.of("Proxy-Authenticate", "Basic realm=\"corp\""),
                      new byte[0],
                      Duration.ZERO));
      HttpTransportSettings transport =
          HttpTransportSettings.builder()
              .proxy(URI.create("http://127.0.0.1:" + proxy.port()))
              .proxyCredentials("alice", "pw")
              .build();
      try (OpenAiWireClient wire =
          OpenAiWireClient.builder("openai")
              .routes(OpenAiRoutes.under(URI.create("http://api.example.test/v1")))
              .transport(transport)
              .build()) {
        ChatCompletion c = wire.complete(Fixtures.request()).get(10, TimeUnit.SECONDS);

        assertThat(c.content()).isEqualTo("{\"a\":1}");
      }
      List<TestServer.Received> seen = proxy.received();
      assertThat(seen).hasSizeGreaterThanOrEqualTo(1);
      assertThat(proxy.last().headers()).containsEntry("proxy-authorization", expected);
      assertThat(proxy.last().headers().get("host")).isEqualTo("api.example.test");
    }
  }

  @Test
  void wrongProxyCredentialsAreAnAuthenticationErrorNamingTheProxyAndTheSettings()
      throws Exception {
    try (TestServer proxy = new TestServer()) {
      proxy.always(
          new Reply(
              407,
              Map.of("Proxy-Authenticate", "Basic realm=\"corp\"", "Content-Type", "text/html"),
              "<html><body>Cache Access Denied</body></html>".getBytes(StandardCharsets.UTF_8),
              Duration.ZERO));
      HttpTransportSettings transport =
          HttpTransportSettings.builder()
              .proxy(URI.create("http://127.0.0.1:" + proxy.port()))
              .proxyCredentials("alice", "canary-wrong-pw")
              .build();
      try (OpenAiWireClient wire =
          OpenAiWireClient.builder("openai")
              .routes(OpenAiRoutes.under(URI.create("http://api.example.test/v1")))
              .transport(transport)
              .build()) {
        Throwable failure =
            org.assertj.core.api.Assertions.catchThrowable(
                () -> wire.complete(Fixtures.request()).get(10, TimeUnit.SECONDS));

        assertThat(failure).cause().isInstanceOf(dev.llmclient.api.AuthenticationException.class);
        dev.llmclient.api.LlmException e = (dev.llmclient.api.LlmException) failure.getCause();
        assertThat(e.httpStatus()).isEqualTo(407);
        assertThat(e.isRetryable()).isFalse();
        assertThat(e.getMessage())
            .contains("127.0.0.1:" + proxy.port())
            .contains(HttpTransportSettings.PROXY_USER)
            .doesNotContain("canary-wrong-pw");
      }
    }
  }

  @Test
  void noProxyHostsAreReachedDirectly() throws Exception {
    try (TestServer target = new TestServer()) {
      target.always(Reply.json(200, Fixtures.COMPLETION));
      HttpTransportSettings transport =
          HttpTransportSettings.builder()
              .proxy(URI.create("http://127.0.0.1:1"))
              .noProxy(List.of("127.0.0.1"))
              .build();
      try (OpenAiWireClient wire =
          OpenAiWireClient.builder("openai")
              .routes(OpenAiRoutes.under(target.uri("/v1")))
              .transport(transport)
              .build()) {
        assertThat(wire.complete(Fixtures.request()).get(10, TimeUnit.SECONDS).content())
            .isEqualTo("{\"a\":1}");
      }
    }
  }
}
