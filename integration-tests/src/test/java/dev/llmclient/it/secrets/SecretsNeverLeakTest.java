package dev.llmclient.it.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmException;
import dev.llmclient.api.LlmRequest;
import dev.llmclient.api.LlmResponse;
import dev.llmclient.api.Message;
import dev.llmclient.api.spi.ChatBackend;
import dev.llmclient.api.spi.EmbeddingBackend;
import dev.llmclient.api.spi.EmbeddingRequest;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.azure.AzureAccessToken;
import dev.llmclient.azure.AzureOpenAiProvider;
import dev.llmclient.core.LlmClients;
import dev.llmclient.core.LlmConfig;
import dev.llmclient.it.faults.TestClients;
import dev.llmclient.it.faults.TestClients.City;
import dev.llmclient.openai.HttpTransportSettings;
import dev.llmclient.openai.OpenAiProvider;
import dev.llmclient.otel.OtelTracing;
import dev.llmclient.testkit.simulator.Fault;
import dev.llmclient.testkit.simulator.LlmSimulator;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The canary API key and bearer token, used on every path a call can take (success, re-ask, 401,
 * 429, 5xx, reset, timeout, content filter, refusal; OpenAI, Azure api-key, Azure bearer, v1), with
 * every logger at TRACE (the SDK's and httpclient5's header, wire and exchange loggers) and tracing
 * with message capture on, never appear in a log event, an exception, the {@code toString()} of any
 * SDK object reachable from the clients, or a span.
 */
class SecretsNeverLeakTest {

  private static LlmSimulator sim;
  private static InMemorySpanExporter spans;
  private static OpenTelemetrySdk otel;
  private static final Map<Logger, Level> LEVELS = new LinkedHashMap<>();

  /** Every logger at TRACE for this class: the root and each logger the config gave a level. */
  @BeforeAll
  static void everyLoggerAtTrace() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    for (Logger logger : context.getLoggerList()) {
      if (logger.getLevel() != null) {
        LEVELS.put(logger, logger.getLevel());
        logger.setLevel(Level.TRACE);
      }
    }
  }

  @AfterAll
  static void restoreLevels() {
    LEVELS.forEach(Logger::setLevel);
  }

  @BeforeAll
  static void start() {
    sim =
        LlmSimulator.builder()
            .apiKey(Canary.API_KEY)
            .bearerToken(Canary.BEARER_TOKEN)
            .retryAfterMs(true)
            .start();
    spans = InMemorySpanExporter.create();
    otel =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(spans))
                    .build())
            .build();
  }

  @AfterAll
  static void stop() {
    sim.close();
    otel.close();
  }

  private static OtelTracing tracing() {
    return OtelTracing.builder(otel).captureMessageContent(true).build();
  }

  private static Map<String, String> common() {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("LLM_HTTP_RESPONSE_TIMEOUT", "300ms");
    return s;
  }

  /** The clients under test: every provider and authentication, all with the canary. */
  private static Map<String, Supplier<LlmClient>> clients() {
    Map<String, Supplier<LlmClient>> out = new LinkedHashMap<>();
    out.put(
        "openai",
        () -> {
          Map<String, String> s =
              TestClients.settings(TestClients.Api.OPENAI, sim.baseUri(), "gpt-4o", Canary.API_KEY);
          s.putAll(common());
          return LlmClients.builder()
              .provider("openai")
              .settings(ProviderSettings.of(s))
              .retryPolicy(TestClients.fastRetries())
              .tracer(tracing())
              .build();
        });
    out.put(
        "azure api-key via LlmConfig.apiKey",
        () -> {
          Map<String, String> s = common();
          s.put(AzureOpenAiProvider.ENDPOINT, sim.azureEndpoint().toString());
          s.put(AzureOpenAiProvider.DEPLOYMENT_NAME, "gpt-4o");
          return LlmClients.builder()
              .provider("azure")
              .settings(ProviderSettings.of(s))
              .config(LlmConfig.builder().apiKey(Canary.API_KEY).build())
              .retryPolicy(TestClients.fastRetries())
              .tracer(tracing())
              .build();
        });
    out.put(
        "azure v1 bearer",
        () -> {
          Map<String, String> s = common();
          s.put(AzureOpenAiProvider.ENDPOINT, sim.azureEndpoint().toString());
          s.put(AzureOpenAiProvider.DEPLOYMENT_NAME, "gpt-4o");
          s.put(AzureOpenAiProvider.API_MODE, "v1");
          ProviderSettings settings = ProviderSettings.of(s);
          return LlmClients.builder()
              .settings(settings)
              .backend(bearerProvider().createChatBackend(settings))
              .retryPolicy(TestClients.fastRetries())
              .tracer(tracing())
              .build();
        });
    return out;
  }

  private static AzureOpenAiProvider bearerProvider() {
    return new AzureOpenAiProvider(
        scope ->
            CompletableFuture.completedFuture(
                new AzureAccessToken(Canary.BEARER_TOKEN, Instant.now().plusSeconds(3600))));
  }

  /** Each scenario: a fault or a prompt trigger, and whether it authenticates wrongly. */
  private static final Map<String, Fault> FAULTS = new LinkedHashMap<>();

  static {
    FAULTS.put("success", null);
    FAULTS.put("429 then success", Fault.rateLimited(Duration.ofMillis(20)).times(1));
    FAULTS.put("429 above the cap", Fault.rateLimited(Duration.ofSeconds(30)));
    FAULTS.put("500", Fault.status(500));
    FAULTS.put("reset", Fault.resetBeforeHeaders());
    FAULTS.put("reset mid-body", Fault.resetMidBody());
    FAULTS.put("timeout", Fault.delayedHeaders(Duration.ofSeconds(2)).times(1));
    FAULTS.put("invalid output", Fault.of(Fault.Kind.INVALID_AGAINST_SCHEMA));
    FAULTS.put("truncated", Fault.of(Fault.Kind.TRUNCATED_JSON));
    FAULTS.put("html", Fault.of(Fault.Kind.HTML_GATEWAY_PAGE));
  }

  private static final List<String> TRIGGERS =
      List.of(
          LlmSimulator.DEFAULT_PROMPT_FILTER_TRIGGER,
          LlmSimulator.DEFAULT_COMPLETION_FILTER_TRIGGER,
          LlmSimulator.DEFAULT_REFUSAL_TRIGGER);

  @Test
  void noSecretInExceptionsSpansLogsOrToStringOnAnyPath() throws Exception {
    int failures = 0;
    int successes = 0;
    List<Object> reachable = new ArrayList<>();
    for (Map.Entry<String, Supplier<LlmClient>> c : clients().entrySet()) {
      try (LlmClient client = c.getValue().get()) {
        reachable.add(client);
        List<String> prompts = new ArrayList<>();
        for (Map.Entry<String, Fault> f : FAULTS.entrySet()) {
          sim.reset();
          if (f.getValue() != null) {
            sim.addFault(f.getValue());
          }
          Object outcome = call(client, "Describe Lyon as JSON (" + f.getKey() + ")");
          if (outcome instanceof LlmException e) {
            failures++;
            Canary.assertAbsentFrom(e);
          } else {
            successes++;
            reachable.add(outcome);
            assertNoSecretInToString(outcome, c.getKey() + " response");
          }
        }
        sim.reset();
        for (String trigger : TRIGGERS) {
          Object outcome = call(client, "Describe Lyon as JSON " + trigger);
          assertThat(outcome).isInstanceOf(LlmException.class);
          Canary.assertAbsentFrom((Throwable) outcome);
          failures++;
          prompts.add(trigger);
        }
        assertNoSecretReachableFrom(client, c.getKey());
      }
    }
    // A wrong key: the 401 message must not echo the key that was sent either.
    Map<String, String> wrong =
        TestClients.settings(
            TestClients.Api.AZURE, sim.baseUri(), "gpt-4o", Canary.API_KEY + "-wrong");
    try (LlmClient client =
        LlmClients.builder().provider("azure").settings(ProviderSettings.of(wrong)).build()) {
      Object outcome = call(client, "as JSON");
      assertThat(outcome).isInstanceOf(dev.llmclient.api.AuthenticationException.class);
      Canary.assertAbsentFrom((Throwable) outcome);
    }

    assertThat(successes).as("successful calls").isGreaterThan(3);
    assertThat(failures).as("failed calls").isGreaterThan(20);
    assertNoSecretInSpans();
    assertThat(CanaryLogWatcher.sdkEvents()).as("SDK log events captured at DEBUG").isPositive();
    assertThat(CanaryLogWatcher.events("org.apache.hc.client5.http.headers"))
        .as("httpclient5's request and response header lines, logged at DEBUG")
        .isGreaterThan(100);
    assertThat(CanaryLogWatcher.events("org.apache.hc.client5.http"))
        .as("httpclient5's exchange and connection events, logged at DEBUG")
        .isGreaterThan(CanaryLogWatcher.events("org.apache.hc.client5.http.headers"));
    Canary.assertNotLogged();
  }

  private static Object call(LlmClient client, String prompt) throws Exception {
    LlmRequest<City> request =
        LlmRequest.builder()
            .messages(List.of(Message.user(prompt)))
            .responseType(City.class)
            .build();
    try {
      LlmResponse<City> r = client.<City>generateAsync(request).get(20, TimeUnit.SECONDS);
      return r;
    } catch (java.util.concurrent.ExecutionException e) {
      return TestClients.unwrap(e);
    }
  }

  @Test
  void settingsConfigsBackendsAndTokensRedactTheirSecrets() {
    Map<String, String> s = new LinkedHashMap<>();
    s.put(OpenAiProvider.API_KEY, Canary.API_KEY);
    s.put(OpenAiProvider.BASE_URL, sim.openAiBaseUri().toString());
    s.put(AzureOpenAiProvider.API_KEY, Canary.API_KEY);
    s.put(AzureOpenAiProvider.ENDPOINT, sim.azureEndpoint().toString());
    s.put(HttpTransportSettings.PROXY, "http://user:" + Canary.BEARER_TOKEN + "@127.0.0.1:9");
    s.put(HttpTransportSettings.PROXY_PASSWORD, Canary.BEARER_TOKEN);
    s.put(OpenAiProvider.EXTRA_HEADERS, "X-Api-Key=" + Canary.API_KEY);
    ProviderSettings settings = ProviderSettings.of(s);
    List<Object> objects = new ArrayList<>();
    objects.add(settings);
    objects.add(HttpTransportSettings.fromSettings(settings));
    objects.add(LlmConfig.builder().apiKey(Canary.API_KEY).build());
    objects.add(
        LlmClients.builder()
            .settings(settings)
            .config(LlmConfig.builder().apiKey(Canary.API_KEY).build()));
    objects.add(new AzureAccessToken(Canary.BEARER_TOKEN, Instant.now()));
    objects.add(bearerProvider());
    objects.add(new OpenAiProvider());
    try (ChatBackend openAiChat = new OpenAiProvider().createChatBackend(settings);
        ChatBackend azureChat = new AzureOpenAiProvider().createChatBackend(settings);
        ChatBackend bearerChat = bearerProvider().createChatBackend(settings);
        EmbeddingBackend openAiEmbeddings = new OpenAiProvider().createEmbeddingBackend(settings);
        EmbeddingBackend azureEmbeddings =
            new AzureOpenAiProvider().createEmbeddingBackend(settings)) {
      objects.addAll(List.of(openAiChat, azureChat, bearerChat, openAiEmbeddings, azureEmbeddings));
      objects.add(new EmbeddingRequest("m", List.of("x"), null, Map.of()));
      for (Object o : objects) {
        assertNoSecretInToString(o, o.getClass().getSimpleName());
        assertNoSecretReachableFrom(o, o.getClass().getSimpleName());
      }
    }
    Canary.assertNotLogged();
  }

  @Test
  void theLogWatcherSeesASecretInAMessageAnArgumentAndACause() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger logger = context.getLogger("dev.llmclient.selftest");
    LoggingEvent inArgument =
        new LoggingEvent(
            "x",
            logger,
            Level.DEBUG,
            "sending {}",
            null,
            new Object[] {"Bearer " + Canary.API_KEY});
    LoggingEvent inCause =
        new LoggingEvent(
            "x",
            logger,
            Level.WARN,
            "failed",
            new IllegalStateException("outer", new RuntimeException("key " + Canary.BEARER_TOKEN)),
            null);
    LoggingEvent clean =
        new LoggingEvent("x", logger, Level.INFO, "fine {}", null, new Object[] {1});
    assertThat(Canary.findIn(CanaryLogWatcher.render(inArgument))).isNotNull();
    assertThat(Canary.findIn(CanaryLogWatcher.render(inCause))).isNotNull();
    assertThat(Canary.findIn(CanaryLogWatcher.render(clean))).isNull();
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private static void assertNoSecretInToString(Object o, String what) {
    Canary.assertAbsent(
        "toString() of " + what + " (" + o.getClass().getName() + ")", o.toString());
  }

  /**
   * Walks the object graph from {@code root} through every field of every {@code dev.llmclient}
   * object (and the collections and maps they hold) and checks the {@code toString()} of each SDK
   * object found: what a debugger, a log line or an error report would print.
   */
  private static void assertNoSecretReachableFrom(Object root, String what) {
    Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    Deque<Object[]> queue = new ArrayDeque<>();
    queue.add(new Object[] {root, what, 0});
    int checked = 0;
    while (!queue.isEmpty()) {
      Object[] item = queue.poll();
      Object o = item[0];
      String path = (String) item[1];
      int depth = (Integer) item[2];
      if (o == null || !seen.add(o) || depth > 8) {
        continue;
      }
      if (o instanceof Collection<?> coll) {
        int i = 0;
        for (Object e : List.copyOf(coll)) {
          if (i++ > 50) {
            break;
          }
          queue.add(new Object[] {e, path + "[]", depth + 1});
        }
        continue;
      }
      if (o instanceof Map<?, ?> map) {
        for (Object e : List.copyOf(map.values())) {
          queue.add(new Object[] {e, path + "{}", depth + 1});
        }
        continue;
      }
      if (!o.getClass().getName().startsWith("dev.llmclient")) {
        continue;
      }
      Canary.assertAbsent(
          "toString() of " + path + " (" + o.getClass().getName() + ")", String.valueOf(o));
      checked++;
      for (Class<?> c = o.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
        for (Field f : c.getDeclaredFields()) {
          if (Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()) {
            continue;
          }
          try {
            f.setAccessible(true);
            queue.add(new Object[] {f.get(o), path + "." + f.getName(), depth + 1});
          } catch (RuntimeException | IllegalAccessException inaccessible) {
            // A JDK-internal field: not ours to inspect.
          }
        }
      }
    }
    assertThat(checked).as("SDK objects reachable from %s", what).isPositive();
  }

  private static void assertNoSecretInSpans() {
    List<SpanData> all = spans.getFinishedSpanItems();
    assertThat(all).as("spans recorded").isNotEmpty();
    for (SpanData span : all) {
      Canary.assertAbsent("span " + span.getName(), span.getName());
      span.getAttributes()
          .forEach(
              (AttributeKey<?> k, Object v) ->
                  Canary.assertAbsent(
                      "attribute " + k + " of span " + span.getName(), k + "=" + v));
      Canary.assertAbsent("status of " + span.getName(), span.getStatus().toString());
      for (EventData event : span.getEvents()) {
        Canary.assertAbsent(
            "event " + event.getName() + " of " + span.getName(),
            event.getName() + " " + event.getAttributes());
      }
    }
  }
}
