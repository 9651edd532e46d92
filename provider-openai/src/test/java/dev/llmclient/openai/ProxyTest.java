package dev.llmclient.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmclient.api.spi.ChatCompletion;
import dev.llmclient.testkit.simulator.LlmSimulator;
import dev.llmclient.testkit.simulator.RawReply;
import dev.llmclient.testkit.simulator.RecordedRequest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Requests go through a configured HTTP proxy, answering its basic-auth challenge. The simulator
 * plays the proxy: it receives the proxied request (absolute-form, {@code Host} of the real API),
 * challenges it with an exact 407 {@link RawReply}, and answers the authenticated one itself.
 */
class ProxyTest {

  private static final RawReply CHALLENGE =
      RawReply.text(407, "text/plain", "").header("Proxy-Authenticate", "Basic realm=\"corp\"");

  @Test
  void requestsGoThroughTheProxyWithBasicAuthentication() throws Exception {
    String expected =
        "Basic " + Base64.getEncoder().encodeToString("alice:pw".getBytes(StandardCharsets.UTF_8));
    try (LlmSimulator proxy =
        LlmSimulator.builder()
            .requireJsonWordForJsonObject(false)
            .script("Hi", "{\"a\":1}")
            .start()) {
      // Challenges every request without the right credentials; answers the others itself.
      proxy.respond(r -> !expected.equals(r.header("proxy-authorization")), r -> CHALLENGE);
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
      List<RecordedRequest> seen = proxy.requests();
      assertThat(seen).hasSizeGreaterThanOrEqualTo(1);
      assertThat(proxy.lastRequest().header("proxy-authorization")).isEqualTo(expected);
      assertThat(proxy.lastRequest().header("host")).isEqualTo("api.example.test");
      assertThat(proxy.lastRequest().path()).isEqualTo("/v1/chat/completions");
      assertThat(proxy.counters().responses(200)).isEqualTo(1);
    }
  }

  @Test
  void wrongProxyCredentialsAreAnAuthenticationErrorNamingTheProxyAndTheSettings()
      throws Exception {
    try (LlmSimulator proxy = LlmSimulator.start()) {
      proxy.respondAlways(
          RawReply.text(407, "text/html", "<html><body>Cache Access Denied</body></html>")
              .header("Proxy-Authenticate", "Basic realm=\"corp\""));
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
    try (LlmSimulator target =
        LlmSimulator.builder()
            .requireJsonWordForJsonObject(false)
            .script("Hi", "{\"a\":1}")
            .start()) {
      HttpTransportSettings transport =
          HttpTransportSettings.builder()
              .proxy(URI.create("http://127.0.0.1:1"))
              .noProxy(List.of("127.0.0.1"))
              .build();
      try (OpenAiWireClient wire =
          OpenAiWireClient.builder("openai")
              .routes(OpenAiRoutes.under(target.openAiBaseUri()))
              .transport(transport)
              .build()) {
        assertThat(wire.complete(Fixtures.request()).get(10, TimeUnit.SECONDS).content())
            .isEqualTo("{\"a\":1}");
      }
      assertThat(target.lastRequest().path()).isEqualTo("/v1/chat/completions");
      assertThat(target.lastRequest().header("proxy-authorization")).isNull();
    }
  }
}
