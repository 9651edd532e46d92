package dev.llmclient.containers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmConnectionException;
import dev.llmclient.api.Message;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.azure.AzureOpenAiProvider;
import dev.llmclient.core.LlmClients;
import dev.llmclient.core.RetryPolicy;
import dev.llmclient.openai.HttpTransportSettings;
import dev.llmclient.testkit.simulator.LlmSimulator;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertPathBuilderException;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SDK behind an enterprise API gateway: nginx terminates TLS with a private CA and offers
 * HTTP/2, in front of the simulator.
 */
@RequiresDockerEngine(images = LocalImages.NGINX)
class TlsAndHttp2Test {

  /** What the tests ask the model for. */
  record Triage(String category, int priority, boolean escalate) {}

  private static final List<Message> MESSAGES =
      List.of(
          Message.system("Triage the support ticket. Answer in JSON."),
          Message.user("The invoice PDF is empty since this morning."));

  private static final String AZURE_DEPLOYMENT = "gpt-4o-prod";

  @TempDir static Path certificatesDir;

  private static LlmSimulator simulator;
  private static TestCertificates certificates;
  private static NginxTlsGateway gateway;

  @BeforeAll
  static void startGateway() {
    simulator =
        LlmSimulator.builder()
            .apiKey(SdkClients.API_KEY)
            .deployment(AZURE_DEPLOYMENT, "gpt-4o", "gpt-4o-mini")
            .start();
    certificates = TestCertificates.create(certificatesDir);
    gateway = NginxTlsGateway.start(certificates, simulator.port());
  }

  @AfterAll
  static void stopGateway() {
    if (gateway != null) {
      gateway.close();
    }
    if (simulator != null) {
      simulator.close();
    }
  }

  private static ProviderSettings.Builder trusting(String host) {
    return SdkClients.openAi(gateway.openAiBaseUri(host))
        .set(HttpTransportSettings.TRUST_STORE, certificates.trustStore().toString())
        .set(HttpTransportSettings.TRUST_STORE_PASSWORD, certificates.trustStorePassword());
  }

  @Test
  void withTheCaInItsTrustStoreTheSdkNegotiatesHttp2AndGetsAStructuredAnswer() {
    int before = simulator.requests().size();
    int lines = gateway.accessLog().size();
    try (LlmClient client = SdkClients.client(trusting("127.0.0.1").build())) {
      Triage triage = client.generate(MESSAGES, Triage.class);

      assertThat(triage).isNotNull();
      assertThat(triage.category()).isNotNull();
    }
    assertThat(simulator.requests()).hasSize(before + 1);
    assertThat(awaitNewLine(lines))
        .as("nginx's access log:\n%s", gateway.output())
        .isEqualTo("HTTP/2.0 POST /v1/chat/completions 200");
  }

  @Test
  void theAzureProviderReachesItsDeploymentThroughTheSameGatewayOverHttp2() {
    ProviderSettings settings =
        ProviderSettings.builder()
            .withoutEnvironment()
            .set(AzureOpenAiProvider.ENDPOINT, "https://127.0.0.1:" + gateway.port())
            .set(AzureOpenAiProvider.API_KEY, SdkClients.API_KEY)
            .set(AzureOpenAiProvider.DEPLOYMENT_NAME, AZURE_DEPLOYMENT)
            .set(HttpTransportSettings.TRUST_STORE, certificates.trustStore().toString())
            .set(HttpTransportSettings.TRUST_STORE_PASSWORD, certificates.trustStorePassword())
            .build();
    int lines = gateway.accessLog().size();
    try (LlmClient client =
        LlmClients.builder()
            .provider(AzureOpenAiProvider.ID)
            .settings(settings)
            .retryPolicy(RetryPolicy.none())
            .build()) {
      assertThat(client.generate(MESSAGES, Triage.class).category()).isNotNull();
    }
    assertThat(awaitNewLine(lines))
        .startsWith("HTTP/2.0 POST /openai/deployments/" + AZURE_DEPLOYMENT + "/chat/completions?")
        .endsWith(" 200");
  }

  @Test
  void withHttp2TurnedOffTheSameGatewayIsSpokenToInHttp11() {
    ProviderSettings settings =
        trusting("127.0.0.1").set(HttpTransportSettings.HTTP2, "false").build();
    int lines = gateway.accessLog().size();
    try (LlmClient client = SdkClients.client(settings)) {
      assertThat(client.generate(MESSAGES, Triage.class)).isNotNull();
    }
    String line = awaitNewLine(lines);
    assertThat(line).isEqualTo("HTTP/1.1 POST /v1/chat/completions 200");
  }

  @Test
  void withoutTheTrustStoreTheCallFailsWithAConnectionErrorThatSaysHowToConfigureTrust() {
    int before = simulator.requests().size();
    try (LlmClient client =
        SdkClients.client(SdkClients.openAi(gateway.openAiBaseUri("127.0.0.1")).build())) {
      assertThatThrownBy(() -> client.generate(MESSAGES, Triage.class))
          .isInstanceOf(LlmConnectionException.class)
          .hasMessageContaining("TLS")
          .hasMessageContaining(HttpTransportSettings.TRUST_STORE)
          .hasRootCauseInstanceOf(CertPathBuilderException.class);
    }
    assertThat(simulator.requests()).hasSize(before);
  }

  /**
   * The certificate is trusted (our CA) but issued for another name: the provider must check the
   * host name, as httpclient5's async TLS strategy does not by default.
   */
  @Test
  void aCertificateForAnotherHostNameIsRejectedEvenFromATrustedCa() {
    int before = simulator.requests().size();
    try (LlmClient client = SdkClients.client(trusting("localhost").build())) {
      assertThatThrownBy(() -> client.generate(MESSAGES, Triage.class))
          .isInstanceOf(LlmConnectionException.class)
          .hasCauseInstanceOf(SSLException.class)
          .hasMessageContaining("localhost");
    }
    assertThat(simulator.requests()).hasSize(before);
  }

  @Test
  void theGatewayCertificateDoesNotMatchLocalhostForAStrictClient() throws Exception {
    // The control for the test above: the JDK's own client rejects the same name with the same
    // trust store, so a passing SDK call there is the SDK's doing, not the certificate's.
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(certificates.trustStore())) {
      store.load(in, certificates.trustStorePassword().toCharArray());
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, tmf.getTrustManagers(), null);
    HttpClient jdk =
        HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5)).build();
    HttpRequest models =
        HttpRequest.newBuilder(URI.create(gateway.openAiBaseUri("localhost") + "/models"))
            .timeout(Duration.ofSeconds(10))
            .build();

    assertThatThrownBy(() -> jdk.send(models, HttpResponse.BodyHandlers.discarding()))
        .isInstanceOf(SSLException.class)
        .hasMessageContaining("localhost");
  }

  private static String awaitNewLine(int linesBefore) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      List<String> lines = gateway.accessLog();
      if (lines.size() > linesBefore) {
        return lines.get(lines.size() - 1);
      }
      pause();
    }
    return "(no new access log line)";
  }

  private static void pause() {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
