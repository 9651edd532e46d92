package dev.llmclient.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.llmclient.api.spi.ChatBackend;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.testkit.simulator.LlmSimulator;
import dev.llmclient.testkit.simulator.RawReply;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A canary key must never reach a log line or an exception message, even when echoed back. */
class SecretsNeverLeakTest {

  private static final String CANARY_KEY = "sk-CANARY-7f3a9c1e5b2d4f6a";
  private static final String CANARY_HEADER = "gw-CANARY-secret-0042";
  private static final String CANARY_PROXY_PASSWORD = "proxy-CANARY-pw-99";

  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private Logger root;
  private Level previous;

  @BeforeEach
  void capture() {
    root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    previous = ((Logger) LoggerFactory.getLogger("dev.llmclient")).getLevel();
    ((Logger) LoggerFactory.getLogger("dev.llmclient")).setLevel(Level.TRACE);
    appender.start();
    root.addAppender(appender);
  }

  @AfterEach
  void release() {
    root.detachAppender(appender);
    ((Logger) LoggerFactory.getLogger("dev.llmclient")).setLevel(previous);
  }

  @Test
  void theApiKeyNeverAppearsInLogsOrExceptionMessages() throws Exception {
    List<String> texts = new ArrayList<>();
    try (LlmSimulator sim =
        LlmSimulator.builder().apiKey(CANARY_KEY).requireJsonWordForJsonObject(false).start()) {
      ProviderSettings settings =
          Fixtures.openAiSettings(sim.openAiBaseUri(), CANARY_KEY).toBuilder()
              .set(OpenAiProvider.EXTRA_HEADERS, "X-Gateway-Key=" + CANARY_HEADER)
              .set(HttpTransportSettings.PROXY_PASSWORD, CANARY_PROXY_PASSWORD)
              .set(HttpTransportSettings.PROXY_USER, "me")
              .set(HttpTransportSettings.NO_PROXY, "*")
              .set(HttpTransportSettings.PROXY, "http://127.0.0.1:1")
              .build();
      try (ChatBackend chat = new OpenAiProvider().createChatBackend(settings)) {
        texts.add(chat.toString());
        assertThat(settings.toString())
            .doesNotContain(CANARY_KEY, CANARY_PROXY_PASSWORD, CANARY_HEADER);
        texts.add(HttpTransportSettings.fromSettings(settings).toString());
        // The simulator's own reply, which it only sends for the right key.
        texts.add(chat.complete(Fixtures.request()).join().toString());
        // Servers that echo the credential back, in JSON and in HTML.
        for (RawReply reply :
            List.of(
                RawReply.json(
                    401,
                    "{\"error\":{\"message\":\"Incorrect API key provided: "
                        + CANARY_KEY
                        + ". Header "
                        + CANARY_HEADER
                        + "\",\"code\":\"invalid_api_key\"}}"),
                RawReply.json(
                    400, "{\"error\":{\"message\":\"bad key Bearer " + CANARY_KEY + "\"}}"),
                RawReply.json(
                    429, "{\"error\":{\"code\":\"429\",\"message\":\"" + CANARY_KEY + "\"}}"),
                RawReply.json(502, "<html><body>upstream saw " + CANARY_KEY + "</body></html>"),
                RawReply.json(200, "not json " + CANARY_KEY))) {
          sim.enqueueRaw(reply);
          Throwable t = catchThrowable(() -> chat.complete(Fixtures.request()).join());
          assertThat(t).isNotNull();
          collect(t, texts);
        }
      }
      assertThat(sim.lastRequest().headers())
          .containsEntry("authorization", "Bearer " + CANARY_KEY);
      assertThat(sim.requests()).hasSize(6);
    }
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    try (ChatBackend chat =
        new OpenAiProvider()
            .createChatBackend(
                Fixtures.openAiSettings(
                    java.net.URI.create("http://127.0.0.1:" + port + "/v1"), CANARY_KEY))) {
      collect(catchThrowable(() -> chat.complete(Fixtures.request()).join()), texts);
    }
    for (ILoggingEvent event : appender.list) {
      texts.add(event.getFormattedMessage());
      if (event.getThrowableProxy() != null) {
        texts.add(event.getThrowableProxy().getMessage());
      }
    }

    assertThat(appender.list)
        .as("the provider logs each exchange at DEBUG")
        .anySatisfy(
            e -> assertThat(e.getFormattedMessage()).contains("POST /v1/chat/completions -> 200"));
    assertThat(texts)
        .isNotEmpty()
        .allSatisfy(
            text ->
                assertThat(text)
                    .doesNotContain(CANARY_KEY)
                    .doesNotContain(CANARY_HEADER)
                    .doesNotContain(CANARY_PROXY_PASSWORD));
  }

  private static void collect(Throwable t, List<String> texts) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      texts.add(String.valueOf(c.getMessage()));
      texts.add(c.toString());
    }
  }
}
