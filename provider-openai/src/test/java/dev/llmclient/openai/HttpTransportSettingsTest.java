package dev.llmclient.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmclient.api.LlmConfigurationException;
import dev.llmclient.api.spi.ProviderSettings;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpTransportSettingsTest {

  private static HttpTransportSettings read(Map<String, String> settings, Map<String, String> sys) {
    return HttpTransportSettings.fromSettings(ProviderSettings.of(settings), sys::get);
  }

  @Test
  void defaultsAreSizedForBatchWork() {
    HttpTransportSettings d = HttpTransportSettings.getDefault();
    assertThat(d.maxConnectionsPerRoute()).isGreaterThanOrEqualTo(256);
    assertThat(d.maxResponseBytes()).isEqualTo(32L * 1024 * 1024);
    assertThat(d.http2()).isTrue();
    assertThat(d.httpsProxy()).isNull();
    assertThat(read(Map.of(), Map.of()).httpsProxy()).isNull();
  }

  @Test
  void timeoutsPoolAndLimitAreRead() {
    HttpTransportSettings s =
        read(
            Map.of(
                "LLM_HTTP_CONNECT_TIMEOUT", "500ms",
                "LLM_HTTP_RESPONSE_TIMEOUT", "2m",
                "LLM_HTTP_CALL_TIMEOUT", "90",
                "LLM_HTTP_MAX_CONNECTIONS", "64",
                "LLM_HTTP_MAX_RESPONSE_BYTES", "1048576",
                "LLM_HTTP2", "false"),
            Map.of());
    assertThat(s.connectTimeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(s.responseTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(s.callTimeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(s.maxConnectionsPerRoute()).isEqualTo(64);
    assertThat(s.maxResponseBytes()).isEqualTo(1048576);
    assertThat(s.http2()).isFalse();
  }

  @Test
  void anExplicitProxyWinsAndCarriesBasicAuthFromItsUrl() {
    HttpTransportSettings s =
        read(
            Map.of(
                "LLM_HTTP_PROXY", "http://alice:s%3Acret@proxy.corp:3128",
                "HTTPS_PROXY", "http://other:8080",
                "LLM_HTTP_NO_PROXY", "localhost,.internal"),
            Map.of("https.proxyHost", "jvm-proxy"));
    assertThat(s.httpsProxy()).isEqualTo(URI.create("http://alice:s%3Acret@proxy.corp:3128"));
    assertThat(s.proxyUser()).isEqualTo("alice");
    assertThat(s.proxyPassword()).isEqualTo("s:cret");
    assertThat(s.noProxy()).containsExactly("localhost", ".internal");
    assertThat(s.toString()).doesNotContain("s:cret", "s%3Acret");
  }

  @Test
  void environmentProxiesApplyPerSchemeWithNoProxy() {
    HttpTransportSettings s =
        read(
            Map.of("HTTPS_PROXY", "proxy.corp:3128", "NO_PROXY", "example.com, 10.0.0.1:8443"),
            Map.of());
    assertThat(s.httpsProxy()).isEqualTo(URI.create("http://proxy.corp:3128"));
    assertThat(s.httpProxy()).isNull();
    assertThat(s.bypassesProxy("api.example.com", 443)).isTrue();
    assertThat(s.bypassesProxy("example.com", 443)).isTrue();
    assertThat(s.bypassesProxy("badexample.com", 443)).isFalse();
    assertThat(s.bypassesProxy("10.0.0.1", 8443)).isTrue();
    assertThat(s.bypassesProxy("10.0.0.1", 443)).isFalse();
  }

  @Test
  void jvmProxyPropertiesAreTheLastFallbackWithJavasDefaultBypassList() {
    HttpTransportSettings s =
        read(
            Map.of(),
            Map.of(
                "https.proxyHost", "jvm-proxy",
                "https.proxyPort", "8443",
                "https.proxyUser", "bob",
                "https.proxyPassword", "pw"));
    assertThat(s.httpsProxy()).isEqualTo(URI.create("http://jvm-proxy:8443"));
    assertThat(s.proxyUser()).isEqualTo("bob");
    assertThat(s.bypassesProxy("127.0.0.1", 80)).isTrue();
    assertThat(s.bypassesProxy("localhost", 80)).isTrue();
    assertThat(s.bypassesProxy("api.openai.com", 443)).isFalse();

    HttpTransportSettings withList =
        read(Map.of(), Map.of("https.proxyHost", "p", "http.nonProxyHosts", "*.corp|intranet"));
    assertThat(withList.bypassesProxy("git.corp", 443)).isTrue();
    assertThat(withList.bypassesProxy("intranet", 443)).isTrue();
    assertThat(withList.bypassesProxy("127.0.0.1", 443)).isFalse();
  }

  @Test
  void malformedValuesNameTheSetting() {
    assertThatThrownBy(() -> read(Map.of("LLM_HTTP_PROXY", "ftp://x"), Map.of()))
        .isInstanceOf(LlmConfigurationException.class)
        .hasMessageContaining("LLM_HTTP_PROXY");
    assertThatThrownBy(() -> read(Map.of("LLM_HTTP_MAX_CONNECTIONS", "0"), Map.of()))
        .isInstanceOf(LlmConfigurationException.class)
        .hasMessageContaining("LLM_HTTP_MAX_CONNECTIONS");
    assertThatThrownBy(() -> read(Map.of("LLM_HTTP_MAX_RESPONSE_BYTES", "lots"), Map.of()))
        .isInstanceOf(LlmConfigurationException.class)
        .hasMessageContaining("LLM_HTTP_MAX_RESPONSE_BYTES");
    assertThatThrownBy(() -> read(Map.of(), Map.of("https.proxyHost", "p", "https.proxyPort", "x")))
        .isInstanceOf(LlmConfigurationException.class)
        .hasMessageContaining("https.proxyPort");
  }
}
