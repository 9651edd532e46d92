package dev.llmclient.containers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmException;
import dev.llmclient.api.Message;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.openai.HttpTransportSettings;
import dev.llmclient.testkit.simulator.LlmSimulator;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SDK behind a corporate forward proxy (squid, basic authentication), both to a plain-HTTP
 * simulator and to the TLS gateway through a CONNECT tunnel.
 */
@RequiresDockerEngine(images = {LocalImages.SQUID, LocalImages.NGINX})
class CorporateProxyTest {

  /** What the tests ask the model for. */
  record Summary(String title, List<String> keyPoints) {}

  private static final List<Message> MESSAGES =
      List.of(
          Message.system("Summarise the text. Answer in JSON."),
          Message.user("Quarterly revenue rose 4% while costs stayed flat."));

  @TempDir static Path certificatesDir;

  private static LlmSimulator simulator;
  private static TestCertificates certificates;
  private static NginxTlsGateway gateway;
  private static SquidProxy proxy;

  @BeforeAll
  static void startProxyAndGateway() {
    simulator = LlmSimulator.builder().apiKey(SdkClients.API_KEY).start();
    certificates = TestCertificates.create(certificatesDir);
    gateway = NginxTlsGateway.start(certificates, simulator.port());
    proxy = SquidProxy.start();
  }

  @AfterAll
  static void stopAll() {
    for (AutoCloseable closeable : new AutoCloseable[] {proxy, gateway, simulator}) {
      if (closeable != null) {
        try {
          closeable.close();
        } catch (Exception e) {
          // keep closing the others
        }
      }
    }
  }

  private static ProviderSettings.Builder plainHttp() {
    return SdkClients.openAi(simulator.openAiBaseUri());
  }

  private static ProviderSettings.Builder throughTls() {
    return SdkClients.openAi(gateway.openAiBaseUri("127.0.0.1"))
        .set(HttpTransportSettings.TRUST_STORE, certificates.trustStore().toString())
        .set(HttpTransportSettings.TRUST_STORE_PASSWORD, certificates.trustStorePassword());
  }

  private static String proxyWithCredentials(String user, String password) {
    return "http://" + user + ":" + password + "@127.0.0.1:" + proxy.port();
  }

  @Test
  void explicitProxySettingsCarryTheCallThroughTheAuthenticatingProxy() {
    ProviderSettings settings =
        plainHttp()
            .set(HttpTransportSettings.PROXY, proxy.uri().toString())
            .set(HttpTransportSettings.PROXY_USER, SquidProxy.USER)
            .set(HttpTransportSettings.PROXY_PASSWORD, SquidProxy.PASSWORD)
            .build();
    int lines = proxy.accessLog().size();
    int requests = simulator.requests().size();
    try (LlmClient client = SdkClients.client(settings)) {
      assertThat(client.generate(MESSAGES, Summary.class).title()).isNotNull();
    }

    assertThat(proxy.awaitNewLines(lines))
        .contains("POST " + simulator.openAiBaseUri() + "/chat/completions 200 " + SquidProxy.USER);
    assertThat(simulator.requests()).hasSize(requests + 1);
  }

  @Test
  void httpsProxyFromTheSettingsTunnelsTheTlsCallThroughTheProxy() {
    ProviderSettings settings =
        throughTls()
            .set("HTTPS_PROXY", proxyWithCredentials(SquidProxy.USER, SquidProxy.PASSWORD))
            .build();
    int lines = proxy.accessLog().size();
    int requests = simulator.requests().size();
    try (LlmClient client = SdkClients.client(settings)) {
      assertThat(client.generate(MESSAGES, Summary.class).title()).isNotNull();
    }

    // squid logs a tunnel when it closes; closing the client above closed it.
    assertThat(proxy.awaitNewLines(lines))
        .contains("CONNECT 127.0.0.1:" + gateway.port() + " 200 " + SquidProxy.USER);
    assertThat(simulator.requests()).hasSize(requests + 1);
  }

  @Test
  void wrongProxyCredentialsFailWithATypedErrorCarrying407() {
    ProviderSettings settings =
        plainHttp()
            .set("HTTP_PROXY", proxyWithCredentials(SquidProxy.USER, "wrong-password"))
            .build();
    int requests = simulator.requests().size();
    try (LlmClient client = SdkClients.client(settings)) {
      assertThatThrownBy(() -> client.generate(MESSAGES, Summary.class))
          .isInstanceOfSatisfying(
              LlmException.class,
              e -> {
                assertThat(e.httpStatus()).isEqualTo(407);
                assertThat(e.isRetryable()).isFalse();
              })
          .hasMessageContaining("407");
    }
    assertThat(simulator.requests()).hasSize(requests);
  }

  @Test
  void wrongProxyCredentialsOnATunnelFailWithATypedErrorCarrying407() {
    ProviderSettings settings =
        throughTls()
            .set("HTTPS_PROXY", proxyWithCredentials(SquidProxy.USER, "wrong-password"))
            .build();
    int requests = simulator.requests().size();
    try (LlmClient client = SdkClients.client(settings)) {
      assertThatThrownBy(() -> client.generate(MESSAGES, Summary.class))
          .isInstanceOfSatisfying(
              LlmException.class,
              e -> {
                assertThat(e.httpStatus()).isEqualTo(407);
                assertThat(e.isRetryable()).isFalse();
              });
    }
    assertThat(simulator.requests()).hasSize(requests);
  }

  /** A proxy's 407 names the proxy and the settings to fix, never the password. */
  @Test
  void theProxyAuthenticationErrorNamesTheProxyAndTheSettingsToFix() {
    ProviderSettings settings =
        plainHttp()
            .set("HTTP_PROXY", proxyWithCredentials(SquidProxy.USER, "wrong-password"))
            .build();
    try (LlmClient client = SdkClients.client(settings)) {
      assertThatThrownBy(() -> client.generate(MESSAGES, Summary.class))
          .isInstanceOf(LlmException.class)
          .hasMessageContaining("proxy")
          .hasMessageContaining("127.0.0.1:" + proxy.port())
          .hasMessageContaining(HttpTransportSettings.PROXY_USER)
          .hasMessageNotContaining("wrong-password");
    }
  }

  @Test
  void noProxyHostsBypassTheProxy() {
    ProviderSettings settings =
        plainHttp()
            .set("HTTP_PROXY", proxyWithCredentials(SquidProxy.USER, SquidProxy.PASSWORD))
            .set("NO_PROXY", "example.com,127.0.0.1")
            .build();
    ProviderSettings proxied =
        plainHttp()
            .set("HTTP_PROXY", proxyWithCredentials(SquidProxy.USER, SquidProxy.PASSWORD))
            .set("NO_PROXY", "example.com")
            .build();
    int lines = proxy.accessLog().size();
    int requests = simulator.requests().size();
    try (LlmClient direct = SdkClients.client(settings);
        LlmClient viaProxy = SdkClients.client(proxied)) {
      assertThat(direct.generate(MESSAGES, Summary.class)).isNotNull();
      assertThat(simulator.requests()).hasSize(requests + 1);
      // A marker call through the proxy: once its line is logged, any line of the direct call
      // would be logged too.
      assertThat(viaProxy.generate(MESSAGES, Summary.class)).isNotNull();
    }

    // The proxied call answers squid's challenge: a 407 line, then its 200 line as alice.
    assertThat(proxy.awaitNewLines(lines))
        .filteredOn(line -> line.endsWith(" 200 " + SquidProxy.USER))
        .hasSize(1);
    assertThat(simulator.requests()).hasSize(requests + 2);
  }
}
