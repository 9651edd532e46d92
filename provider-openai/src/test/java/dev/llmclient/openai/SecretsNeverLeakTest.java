package dev.llmclient.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import dev.llmclient.api.spi.ChatBackend;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.testkit.simulator.LlmSimulator;
import dev.llmclient.testkit.simulator.RawReply;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hc.core5.http2.HttpVersionPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A canary key must never reach a log line or an exception message, even when echoed back, with
 * every logger (httpclient5's header and wire loggers included) at TRACE.
 */
class SecretsNeverLeakTest {

  private static final String CANARY_KEY = "sk-CANARY-7f3a9c1e5b2d4f6a";
  private static final String CANARY_HEADER = "gw-CANARY-secret-0042";
  private static final String CANARY_PROXY_PASSWORD = "proxy-CANARY-pw-99";

  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final Map<Logger, Level> previous = new HashMap<>();
  private Logger root;

  @BeforeEach
  void capture() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    // Every logger at TRACE: the root, and every logger configured with its own level.
    for (Logger logger : context.getLoggerList()) {
      if (logger.getLevel() != null) {
        previous.put(logger, logger.getLevel());
        logger.setLevel(Level.TRACE);
      }
    }
    appender.start();
    root.addAppender(appender);
  }

  @AfterEach
  void release() {
    root.detachAppender(appender);
    previous.forEach(Logger::setLevel);
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
    // A key in the base URL's query: the configuration error must not repeat it.
    collect(
        catchThrowable(
            () ->
                new OpenAiProvider()
                    .createChatBackend(
                        Fixtures.openAiSettings(
                            java.net.URI.create(
                                "https://me:"
                                    + CANARY_PROXY_PASSWORD
                                    + "@gw.example/v1?api-key="
                                    + CANARY_KEY),
                            "sk-other"))),
        texts);
    for (ILoggingEvent event : appender.list) {
      texts.add(event.getFormattedMessage());
      if (event.getArgumentArray() != null) {
        for (Object arg : event.getArgumentArray()) {
          texts.add(String.valueOf(arg));
        }
      }
      for (IThrowableProxy p = event.getThrowableProxy(); p != null; p = p.getCause()) {
        texts.add(p.getClassName() + ": " + p.getMessage());
      }
    }

    assertThat(appender.list)
        .as("the provider logs each exchange at DEBUG")
        .anySatisfy(
            e -> assertThat(e.getFormattedMessage()).contains("POST /v1/chat/completions -> 200"));
    assertThat(appender.list)
        .as("httpclient5's header log ran, with the secret headers masked")
        .anySatisfy(
            e -> {
              assertThat(e.getLoggerName()).isEqualTo("org.apache.hc.client5.http.headers");
              assertThat(e.getFormattedMessage()).endsWith(">> Authorization: ****");
            })
        .anySatisfy(e -> assertThat(e.getFormattedMessage()).endsWith(">> X-Gateway-Key: ****"));
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
      for (Throwable s : c.getSuppressed()) {
        collect(s, texts);
      }
    }
  }

  @Test
  void aCauseWhoseMessageEchoesTheKeyIsRedacted() throws Exception {
    // A server that echoes the key in a malformed header line: httpcore's parse exception quotes
    // the line. (httpclient5 itself logs that failure at DEBUG, like the response headers a
    // server sends, which the SDK cannot mask: see HttpTransportSettings.)
    try (RawHttpServer server =
            new RawHttpServer(
                (out, s) ->
                    out.write(
                        ("HTTP/1.1 200 OK\r\n" + CANARY_KEY + "\r\nContent-Length: 2\r\n\r\n{}")
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        ChatBackend chat =
            new OpenAiProvider()
                .createChatBackend(Fixtures.openAiSettings(server.baseUri(), CANARY_KEY))) {
      Throwable t = catchThrowable(() -> chat.complete(Fixtures.request()).join());
      List<String> texts = new ArrayList<>();
      collect(t, texts);

      assertThat(t.getCause()).isInstanceOf(dev.llmclient.api.LlmConnectionException.class);
      assertThat(t.getCause().getCause())
          .as("the cause is kept, redacted")
          .hasToString("org.apache.hc.core5.http.ParseException: Invalid header: <****>");
      assertThat(texts).allSatisfy(text -> assertThat(text).doesNotContain(CANARY_KEY));
    }
  }

  @Test
  void aBaseUrlWithAKeyInItsQueryOrUserInfoIsNotRepeatedInTheError() {
    Throwable t =
        catchThrowable(
            () ->
                new OpenAiProvider()
                    .createChatBackend(
                        Fixtures.openAiSettings(
                            java.net.URI.create(
                                "https://me:"
                                    + CANARY_PROXY_PASSWORD
                                    + "@gw.example/v1?api-key="
                                    + CANARY_KEY),
                            "sk-other")));

    assertThat(t)
        .isInstanceOf(dev.llmclient.api.LlmConfigurationException.class)
        .hasMessageContaining("got 'https://...@gw.example/v1?...'")
        .hasMessageNotContaining(CANARY_KEY)
        .hasMessageNotContaining(CANARY_PROXY_PASSWORD);
  }

  @Test
  void theServersParamAndCodeAreRedactedInTheMessageAndOnTheException() throws Exception {
    try (LlmSimulator sim = LlmSimulator.builder().requireJsonWordForJsonObject(false).start();
        ChatBackend chat =
            new OpenAiProvider()
                .createChatBackend(Fixtures.openAiSettings(sim.openAiBaseUri(), CANARY_KEY))) {
      sim.enqueueRaw(
          RawReply.json(
              400,
              "{\"error\":{\"message\":\"bad\",\"param\":\"key="
                  + CANARY_KEY
                  + "\",\"code\":\""
                  + CANARY_KEY
                  + "\"}}"));

      Throwable t = catchThrowable(() -> chat.complete(Fixtures.request()).join());

      assertThat(t.getCause()).isInstanceOf(dev.llmclient.api.InvalidRequestException.class);
      dev.llmclient.api.InvalidRequestException e =
          (dev.llmclient.api.InvalidRequestException) t.getCause();
      assertThat(e.getMessage()).contains("(param 'key=****')").doesNotContain(CANARY_KEY);
      assertThat(e.param()).isEqualTo("key=****");
      assertThat(e.code()).isEqualTo("****");
    }
  }

  @Test
  void http2IsNotNegotiatedWhileHttpclientWouldLogItsHeaders() {
    HttpTransportSettings h2 = HttpTransportSettings.getDefault();
    Logger hc = (Logger) LoggerFactory.getLogger("org.apache.hc");
    Logger headers = (Logger) LoggerFactory.getLogger("org.apache.hc.client5.http.headers");
    Level before = headers.getLevel();
    Level hcBefore = hc.getLevel();
    try {
      hc.setLevel(Level.INFO);
      headers.setLevel(Level.INFO);
      assertThat(HttpTransport.versionPolicy(h2)).isEqualTo(HttpVersionPolicy.NEGOTIATE);
      headers.setLevel(Level.DEBUG);
      assertThat(HttpTransport.versionPolicy(h2)).isEqualTo(HttpVersionPolicy.FORCE_HTTP_1);
      headers.setLevel(Level.INFO);
      assertThat(HttpTransport.versionPolicy(HttpTransportSettings.builder().http2(false).build()))
          .isEqualTo(HttpVersionPolicy.FORCE_HTTP_1);
      headers.setLevel(null);
      ((Logger) LoggerFactory.getLogger("org.apache.hc.client5.http2.frame.payload"))
          .setLevel(Level.TRACE);
      assertThat(HttpTransport.versionPolicy(h2)).isEqualTo(HttpVersionPolicy.FORCE_HTTP_1);
    } finally {
      ((Logger) LoggerFactory.getLogger("org.apache.hc.client5.http2.frame.payload"))
          .setLevel(null);
      headers.setLevel(before);
      hc.setLevel(hcBefore);
    }
  }
}
