package dev.llmclient.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmConfigurationException;
import dev.llmclient.api.Message;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.api.spi.Tracer;
import dev.llmclient.core.LlmClients;
import dev.llmclient.core.RetryPolicy;
import dev.llmclient.testkit.ScriptedChatBackend;
import dev.llmclient.testkit.simulator.Fault;
import dev.llmclient.testkit.simulator.LlmSimulator;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The call log ({@code LLM_LOG}): what an operator sees at INFO with the switch and without it,
 * with the logging configuration left at its INFO default.
 */
class CallLogTest {

  private static final String KEY = "sk-CALLLOG-4d2b8e6f1a3c";

  record Greeting(String text) {}

  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private Logger root;
  private Level before;

  @BeforeEach
  void capture() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    before = root.getLevel();
    root.setLevel(Level.INFO);
    appender.start();
    root.addAppender(appender);
  }

  @AfterEach
  void release() {
    root.detachAppender(appender);
    root.setLevel(before);
  }

  private List<String> info(String loggerSuffix) {
    return appender.list.stream()
        .filter(e -> e.getLevel() == Level.INFO && e.getLoggerName().endsWith(loggerSuffix))
        .map(ILoggingEvent::getFormattedMessage)
        .toList();
  }

  /** The simulator's settings for gpt-4o, with the call log at {@code log} (null: unset). */
  private static ProviderSettings settings(
      LlmSimulator sim, @org.jspecify.annotations.Nullable String log) {
    ProviderSettings.Builder b =
        Fixtures.openAiSettings(sim.openAiBaseUri(), KEY).toBuilder().set("MODEL_NAME", "gpt-4o");
    return (log == null ? b : b.set(HttpTransportSettings.LOG, log)).build();
  }

  private static LlmClient client(LlmSimulator sim, ProviderSettings settings) {
    return LlmClients.builder()
        .provider("openai")
        .settings(settings)
        .tracer(Tracer.noop())
        .retryPolicy(
            RetryPolicy.builder()
                .initialBackoff(Duration.ofMillis(10))
                .maxBackoff(Duration.ofMillis(20))
                .build())
        .build();
  }

  @Test
  void atDebugEachExchangeAndItsBodiesAreLoggedAtInfoWithTheKeyRemoved() {
    try (LlmSimulator sim = LlmSimulator.builder().apiKey(KEY).deployment("gpt-4o").start();
        LlmClient llm = client(sim, settings(sim, "debug"))) {
      llm.generate(List.of(Message.user("Say hello; my key is " + KEY)), Greeting.class);

      List<String> lines = info("OpenAiWireClient");
      assertThat(lines)
          .anySatisfy(
              l ->
                  assertThat(l)
                      .startsWith("POST /v1/chat/completions -> 200 in ")
                      .contains("url=" + sim.openAiBaseUri().resolve("/v1/chat/completions")));
      assertThat(lines)
          .anySatisfy(l -> assertThat(l).contains("request body: ").contains("Say hello"));
      assertThat(lines).anySatisfy(l -> assertThat(l).contains("response body: {"));
      assertThat(lines).anySatisfy(l -> assertThat(l).contains("my key is ****"));
      assertThat(appender.list)
          .allSatisfy(e -> assertThat(e.getFormattedMessage()).doesNotContain(KEY));
    }
  }

  @Test
  void atInfoExchangesAreLoggedWithoutBodies() {
    try (LlmSimulator sim = LlmSimulator.builder().apiKey(KEY).deployment("gpt-4o").start();
        LlmClient llm = client(sim, settings(sim, "INFO"))) {
      llm.generate(List.of(Message.user("Say hello")), Greeting.class);

      assertThat(info("OpenAiWireClient"))
          .hasSize(1)
          .allSatisfy(l -> assertThat(l).contains("-> 200"));
    }
  }

  @Test
  void theBuilderOptionTurnsTheCallLogOnOverTheSettings() {
    try (LlmSimulator sim = LlmSimulator.builder().apiKey(KEY).deployment("gpt-4o").start();
        LlmClient llm =
            LlmClients.builder()
                .provider("openai")
                .settings(settings(sim, "off"))
                .callLog(dev.llmclient.core.CallLog.INFO)
                .tracer(Tracer.noop())
                .build()) {
      llm.generate(List.of(Message.user("Say hello")), Greeting.class);

      assertThat(info("OpenAiWireClient"))
          .singleElement()
          .satisfies(l -> assertThat(l).contains("-> 200").doesNotContain("body"));
    }
  }

  @Test
  void withoutTheSwitchOnlyRetriesReachInfoAndNoExchangeOrBodyDoes() {
    try (LlmSimulator sim = LlmSimulator.builder().apiKey(KEY).deployment("gpt-4o").start();
        LlmClient llm = client(sim, settings(sim, null))) {
      sim.addFault(Fault.status(503).times(1));
      llm.generate(List.of(Message.user("Say hello")), Greeting.class);

      assertThat(info("OpenAiWireClient")).isEmpty();
      assertThat(info("runtime.Call"))
          .singleElement()
          .satisfies(
              l ->
                  assertThat(l)
                      .startsWith(
                          "openai chat gpt-4o attempt 1 failed with ServerException (HTTP 503);")
                      .contains("retrying in "));
    }
  }

  @Test
  void aReaskIsLoggedAtInfo() {
    ScriptedChatBackend backend =
        new ScriptedChatBackend().enqueueContent("not json").enqueueContent("{\"text\": \"hi\"}");
    try (LlmClient llm =
        LlmClients.builder()
            .backend(backend)
            .settings(ProviderSettings.empty())
            .tracer(Tracer.noop())
            .build()) {
      llm.generate(List.of(Message.user("Say hello")), Greeting.class);
    }
    assertThat(info("chat.GenerateCall"))
        .singleElement()
        .satisfies(
            l ->
                assertThat(l).contains("attempt 1: the answer was").contains("re-asking (1 of 2)"));
  }

  @Test
  void anUnknownLevelIsAConfigurationErrorNamingTheSetting() {
    ProviderSettings settings =
        ProviderSettings.of(java.util.Map.of(HttpTransportSettings.LOG, "loud"));
    assertThatThrownBy(() -> HttpTransportSettings.fromSettings(settings))
        .isInstanceOf(LlmConfigurationException.class)
        .hasMessageContaining("LLM_LOG must be info, debug or off, got 'loud'");
  }
}
