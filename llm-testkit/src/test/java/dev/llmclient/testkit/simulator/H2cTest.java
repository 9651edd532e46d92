package dev.llmclient.testkit.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.config.TlsConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpVersion;
import org.apache.hc.core5.http2.HttpVersionPolicy;
import org.apache.hc.core5.http2.config.H2Config;
import org.junit.jupiter.api.Test;

class H2cTest {

  private static CloseableHttpAsyncClient forceHttp2Client() {
    CloseableHttpAsyncClient client =
        HttpAsyncClients.custom()
            .setConnectionManager(
                PoolingAsyncClientConnectionManagerBuilder.create()
                    .setDefaultTlsConfig(
                        TlsConfig.custom().setVersionPolicy(HttpVersionPolicy.FORCE_HTTP_2).build())
                    .build())
            .build();
    client.start();
    return client;
  }

  /** httpclient5's HTTP/2-only client: one multiplexed connection per host. */
  private static CloseableHttpAsyncClient multiplexingClient() {
    CloseableHttpAsyncClient client =
        HttpAsyncClients.customHttp2()
            .setH2Config(H2Config.custom().setPushEnabled(false).build())
            .build();
    client.start();
    return client;
  }

  private static SimpleHttpRequest chat(LlmSimulator sim, String prompt) {
    return SimpleRequestBuilder.post(sim.openAiBaseUri() + "/chat/completions")
        .setBody(SimHttp.chat("gpt-4o", prompt), ContentType.APPLICATION_JSON)
        .build();
  }

  @Test
  void aPriorKnowledgeHttp2ClientIsAnsweredOverHttp2() throws Exception {
    try (LlmSimulator sim = LlmSimulator.start();
        CloseableHttpAsyncClient client = forceHttp2Client()) {
      SimpleHttpResponse models =
          client
              .execute(SimpleRequestBuilder.get(sim.openAiBaseUri() + "/models").build(), null)
              .get(10, TimeUnit.SECONDS);
      SimpleHttpResponse completion =
          client.execute(chat(sim, "hi"), null).get(10, TimeUnit.SECONDS);

      assertThat(models.getVersion()).isEqualTo(HttpVersion.HTTP_2);
      assertThat(models.getCode()).isEqualTo(200);
      assertThat(completion.getVersion()).isEqualTo(HttpVersion.HTTP_2);
      assertThat(completion.getCode()).isEqualTo(200);
      assertThat(completion.getBodyText()).contains("\"object\":\"chat.completion\"");
      assertThat(completion.getFirstHeader("x-request-id")).isNotNull();
      assertThat(sim.lastRequest().protocol()).isEqualTo("HTTP/2.0");
      assertThat(sim.lastRequest().json().path("messages").get(0).path("content").asText())
          .isEqualTo("hi");
    }
  }

  @Test
  void rawRepliesGoOutOverHttp2Too() throws Exception {
    try (LlmSimulator sim = LlmSimulator.start();
        CloseableHttpAsyncClient client = multiplexingClient()) {
      sim.enqueueRaw(
          RawReply.text(418, "text/plain; charset=utf-8", "short and stout")
              .header("X-Teapot", "yes")
              .after(Duration.ofMillis(50)));

      SimpleHttpResponse r = client.execute(chat(sim, "tea?"), null).get(10, TimeUnit.SECONDS);

      assertThat(r.getVersion()).isEqualTo(HttpVersion.HTTP_2);
      assertThat(r.getCode()).isEqualTo(418);
      assertThat(r.getFirstHeader("x-teapot").getValue()).isEqualTo("yes");
      assertThat(r.getFirstHeader("content-type").getValue())
          .isEqualTo("text/plain; charset=utf-8");
      assertThat(r.getBodyText()).isEqualTo("short and stout");
      assertThat(sim.counters().responses(418)).isEqualTo(1);
    }
  }

  @Test
  void twoHundredConcurrentStreamsShareOneConnection() throws Exception {
    int streams = 200;
    try (LlmSimulator sim =
            LlmSimulator.builder().latency(LatencyModel.fixed(Duration.ofMillis(700))).start();
        CloseableHttpAsyncClient client = multiplexingClient()) {
      // One warm-up call opens the single h2 connection the streams then share.
      client
          .execute(SimpleRequestBuilder.get(sim.openAiBaseUri() + "/models").build(), null)
          .get(10, TimeUnit.SECONDS);
      List<Future<SimpleHttpResponse>> calls = new ArrayList<>();
      for (int i = 0; i < streams; i++) {
        calls.add(client.execute(chat(sim, "stream " + i), null));
      }
      List<SimpleHttpResponse> responses = new ArrayList<>();
      for (Future<SimpleHttpResponse> call : calls) {
        responses.add(call.get(20, TimeUnit.SECONDS));
      }

      assertThat(responses)
          .allSatisfy(
              r -> {
                assertThat(r.getCode()).isEqualTo(200);
                assertThat(r.getVersion()).isEqualTo(HttpVersion.HTTP_2);
              });
      assertThat(sim.counters().connectionsAccepted()).isEqualTo(1);
      assertThat(sim.counters().maxInFlight()).isEqualTo(streams);
      assertThat(sim.requests(Route.CHAT_COMPLETIONS))
          .hasSize(streams)
          .allSatisfy(r -> assertThat(r.protocol()).isEqualTo("HTTP/2.0"));
    }
  }

  @Test
  void httpOneClientsStillWorkOnTheSamePortIncludingShortRequests() throws Exception {
    try (LlmSimulator sim = LlmSimulator.start()) {
      SimHttp.Response viaHttp1 = new SimHttp(sim).get("/v1/models");
      // Shorter than the 24-byte HTTP/2 preface: decided on the first byte that differs.
      String http10 = exchange(sim.port(), "GET /v1/models HTTP/1.0\r\n\r\n");

      assertThat(viaHttp1.status()).isEqualTo(200);
      assertThat(sim.requests().get(0).protocol()).isEqualTo("HTTP/1.1");
      assertThat(http10).startsWith("HTTP/1.");
      assertThat(http10).contains("200").endsWith("\"data\":[]}");
      assertThat(exchange(sim.port(), "GET /v1/models HTTP/1.0\r\n\r\n", true))
          .as("a short request followed by a half-close (nc -N) is still answered")
          .contains("200")
          .endsWith("\"data\":[]}");
    }
  }

  @Test
  void aPrefaceSplitAcrossPacketsIsStillRecognised() throws Exception {
    try (LlmSimulator sim = LlmSimulator.start();
        Socket socket = new Socket("127.0.0.1", sim.port())) {
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      byte[] preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
      out.write(preface, 0, 5);
      out.flush();
      Thread.sleep(100);
      out.write(preface, 5, preface.length - 5);
      out.write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0}); // empty SETTINGS
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] frameHeader = in.readNBytes(9);

      assertThat(frameHeader).hasSize(9);
      assertThat(frameHeader[3]).as("frame type SETTINGS").isEqualTo((byte) 4);
      int length =
          ((frameHeader[0] & 0xff) << 16)
              | ((frameHeader[1] & 0xff) << 8)
              | (frameHeader[2] & 0xff);
      byte[] settings = in.readNBytes(length);
      for (int i = 0; i + 6 <= settings.length; i += 6) {
        int id = ((settings[i] & 0xff) << 8) | (settings[i + 1] & 0xff);
        int value = java.nio.ByteBuffer.wrap(settings, i + 2, 4).getInt();
        if (id == 2) {
          assertThat(value).as("a server must not offer SETTINGS_ENABLE_PUSH=1").isZero();
        }
      }
    }
  }

  private static String exchange(int port, String request) throws IOException {
    return exchange(port, request, false);
  }

  private static String exchange(int port, String request, boolean halfClose) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(5000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      if (halfClose) {
        socket.shutdownOutput();
      }
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
