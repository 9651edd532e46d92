package dev.llmclient.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.llmclient.api.AuthenticationException;
import dev.llmclient.api.LlmException;
import dev.llmclient.api.spi.BackendInfo;
import dev.llmclient.api.spi.BatchBackend;
import dev.llmclient.api.spi.BatchFile;
import dev.llmclient.api.spi.BatchJob;
import dev.llmclient.api.spi.BatchResult;
import dev.llmclient.api.spi.BatchResults;
import dev.llmclient.api.spi.BatchStatus;
import dev.llmclient.testkit.simulator.LlmSimulator;
import dev.llmclient.testkit.simulator.RawReply;
import dev.llmclient.testkit.simulator.RecordedRequest;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Batches go through an authenticating proxy like chat calls do: upload, create, status and
 * download all pass a proxy that answers 407 to any request without the right Basic {@code
 * Proxy-Authorization}. The simulator plays the proxy (it receives the absolute-form requests for
 * another host and serves the Files and Batches API itself).
 */
@Timeout(60)
class BatchProxyTest {

  private static final String PASSWORD = "proxy-CANARY-batch-pw-7";
  private static final URI API = URI.create("http://api.example.test/v1");
  private static final RawReply CHALLENGE =
      RawReply.text(407, "text/plain", "").header("Proxy-Authenticate", "Basic realm=\"corp\"");

  @TempDir Path dir;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final Map<Logger, Level> previous = new HashMap<>();
  private Logger root;

  @BeforeEach
  void captureLogs() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
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
  void releaseLogs() {
    root.detachAppender(appender);
    previous.forEach(Logger::setLevel);
  }

  private static BatchBackend backend(int proxyPort, String password) {
    return OpenAiBatchBackend.builder(
            "openai", new BackendInfo("openai", "openai", API, "gpt-4o", "gpt-4o-mini"))
        .routes(BatchRoutes.openAi(API))
        .authenticator(RequestAuthenticator.bearer("sk-test"))
        .transport(
            HttpTransportSettings.builder()
                .proxy(URI.create("http://127.0.0.1:" + proxyPort))
                .proxyCredentials("alice", password)
                .build())
        .build();
  }

  private Path input(BatchBackend backend, int lines) throws Exception {
    Path file = dir.resolve("input.jsonl");
    try (OutputStream out = Files.newOutputStream(file)) {
      for (int i = 0; i < lines; i++) {
        out.write(backend.inputLine("r-" + i, Fixtures.request()));
      }
    }
    return file;
  }

  private static <T> T get(java.util.concurrent.CompletableFuture<T> f) throws Exception {
    return f.get(20, TimeUnit.SECONDS);
  }

  @Test
  void uploadCreateStatusAndDownloadPassAProxyThatDemandsBasicAuthentication() throws Exception {
    String expected =
        "Basic "
            + Base64.getEncoder()
                .encodeToString(("alice:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    try (LlmSimulator proxy = Fixtures.simulator()) {
      proxy.respond(r -> !expected.equals(r.header("proxy-authorization")), r -> CHALLENGE);
      try (BatchBackend backend = backend(proxy.port(), PASSWORD)) {
        BatchFile file = get(backend.upload(input(backend, 5)));
        BatchJob job = get(backend.create(file.id(), Map.of("simulator.phase_ms", "20")));
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!job.status().isTerminal()) {
          assertThat(System.nanoTime()).as("the batch ends within 20 s").isLessThan(deadline);
          Thread.sleep(20);
          job = get(backend.retrieve(job.id()));
        }
        assertThat(job.status()).isEqualTo(BatchStatus.COMPLETED);
        List<String> ids = new ArrayList<>();
        try (BatchResults results = get(backend.results(job.outputFileId()))) {
          while (results.hasNext()) {
            BatchResult r = results.next();
            assertThat(r.completion()).as(r.customId()).isNotNull();
            ids.add(r.customId());
          }
        }

        assertThat(ids).containsExactlyInAnyOrder("r-0", "r-1", "r-2", "r-3", "r-4");
      }
      assertThat(proxy.counters().responses(407)).as("the proxy challenged").isPositive();
      List<RecordedRequest> answered =
          proxy.requests().stream()
              .filter(r -> expected.equals(r.header("proxy-authorization")))
              .toList();
      assertThat(answered)
          .extracting(RecordedRequest::method, RecordedRequest::path)
          .contains(
              org.assertj.core.groups.Tuple.tuple("POST", "/v1/files"),
              org.assertj.core.groups.Tuple.tuple("POST", "/v1/batches"));
      assertThat(answered).allSatisfy(r -> assertThat(r.header("host")).isEqualTo(API.getHost()));
      assertThat(answered.stream().map(RecordedRequest::path))
          .anyMatch(p -> p.startsWith("/v1/batches/"))
          .anyMatch(p -> p.endsWith("/content"));
    }
    assertThat(appender.list)
        .allSatisfy(e -> assertThat(e.getFormattedMessage()).doesNotContain(PASSWORD));
  }

  @Test
  void wrongProxyCredentialsFailTypedNamingTheSettingWithoutThePassword() throws Exception {
    try (LlmSimulator proxy = Fixtures.simulator()) {
      proxy.respondAlways(CHALLENGE);
      try (BatchBackend backend = backend(proxy.port(), PASSWORD)) {
        Path file = input(backend, 2);
        List<Throwable> failures = new ArrayList<>();
        failures.add(catchThrowable(() -> get(backend.upload(file))));
        failures.add(catchThrowable(() -> get(backend.create("file-1", Map.of()))));
        failures.add(catchThrowable(() -> get(backend.retrieve("batch_1"))));
        failures.add(catchThrowable(() -> get(backend.results("file-1"))));

        assertThat(failures)
            .allSatisfy(
                f -> {
                  assertThat(f).cause().isInstanceOf(AuthenticationException.class);
                  LlmException e = (LlmException) f.getCause();
                  assertThat(e.httpStatus()).isEqualTo(407);
                  assertThat(e.getMessage())
                      .contains(HttpTransportSettings.PROXY_USER)
                      .contains("127.0.0.1:" + proxy.port())
                      .doesNotContain(PASSWORD);
                  for (Throwable t = e; t != null; t = t.getCause()) {
                    assertThat(String.valueOf(t.getMessage())).doesNotContain(PASSWORD);
                  }
                });
      }
    }
    assertThat(appender.list)
        .allSatisfy(e -> assertThat(e.getFormattedMessage()).doesNotContain(PASSWORD));
  }
}
