package dev.llmclient.it.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.llmclient.api.AuthenticationException;
import dev.llmclient.api.ConflictException;
import dev.llmclient.api.ContentFilterException;
import dev.llmclient.api.ContextLengthExceededException;
import dev.llmclient.api.EmptyResponseException;
import dev.llmclient.api.InvalidResponseException;
import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmConnectionException;
import dev.llmclient.api.LlmException;
import dev.llmclient.api.LlmRequest;
import dev.llmclient.api.LlmResponse;
import dev.llmclient.api.LlmTimeoutException;
import dev.llmclient.api.Message;
import dev.llmclient.api.NotFoundException;
import dev.llmclient.api.RateLimitException;
import dev.llmclient.api.RefusalException;
import dev.llmclient.api.ServerException;
import dev.llmclient.api.spi.ChatBackend;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.azure.AzureOpenAiProvider;
import dev.llmclient.core.LlmClients;
import dev.llmclient.core.pool.DeploymentPool;
import dev.llmclient.it.faults.TestClients.Api;
import dev.llmclient.it.faults.TestClients.City;
import dev.llmclient.it.secrets.Canary;
import dev.llmclient.openai.OpenAiProvider;
import dev.llmclient.testkit.simulator.Deployment;
import dev.llmclient.testkit.simulator.Fault;
import dev.llmclient.testkit.simulator.LlmSimulator;
import dev.llmclient.testkit.simulator.RawReply;
import dev.llmclient.testkit.simulator.RecordedRequest;
import dev.llmclient.testkit.simulator.Route;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fault matrix: how every failure a server can produce ends, for OpenAI and Azure, sync and
 * async, through a real {@link LlmClient} (real provider, real HTTP) with {@link
 * TestClients#fastRetries()} (2 retries, 10-40 ms backoff, server waits up to 3 s, 2 re-asks).
 *
 * <p>Read {@link #TABLE} as documentation. Each row: the fault, how it is produced, the outcome
 * (success with {@code attempts()} / {@code reasks()}, or the exact exception type), the number of
 * requests the server saw, and the elapsed-time bounds (a lower bound where a server-sent wait must
 * be honoured, an upper bound everywhere: no hang). Both are measured from when the simulator
 * received the call's first request, on its clock, to when the call ended, so a slow client
 * start-up can never make a wait look honoured; the upper bound also holds for the whole call
 * including the client's construction and close.
 *
 * <p>Every row is served by an {@link LlmSimulator} (the client's only server), in one of three
 * ways:
 *
 * <ul>
 *   <li>{@code sim(Fault)} rows: the simulator's own fault injection (429 with {@code Retry-After}
 *       seconds, 408, 5xx, resets, delayed headers, truncated or non-JSON bodies, the HTML gateway
 *       page, schema-invalid or empty content, refusal); the two {@code retry-after-ms} rows use a
 *       second simulator built with {@code retryAfterMs(true)}.
 *   <li>{@code raw(RawReply...)} rows: the simulator sends these exact status, headers and bytes
 *       once each, then answers on its own: the 429s with an HTTP-date {@code Retry-After}, with
 *       {@code x-ms-retry-after-ms}, and without any retry header; 409 once. The "every time" rows
 *       (409, 403) install the same kind of reply as a rule for every request.
 *   <li>Rows that change the call: the simulator's native protocol answers them, as the service
 *       would: prompt triggers (refusal, prompt and completion content filter), a wrong key (401),
 *       an unknown deployment (404), more tokens than the context window (400).
 *   <li>{@code pooled(...)} rows: the same provider backend as the only member of a {@link
 *       DeploymentPool}, so that the pool's handling of the fault is on the path too.
 * </ul>
 *
 * <p>A success is always the simulator's own schema-valid {@link City}.
 */
class FaultMatrixTest {

  /** Where a row's fault comes from and what the call looks like. */
  interface Setup {
    void apply(Env env);
  }

  /** How a row ends. */
  sealed interface Outcome permits Succeeds, Fails {}

  /** The call returns a typed value after this many HTTP attempts and re-asks. */
  record Succeeds(int attempts, int reasks) implements Outcome {
    @Override
    public String toString() {
      return "succeeds (attempts " + attempts + ", re-asks " + reasks + ")";
    }
  }

  /** The call fails with exactly this exception type. */
  record Fails(Class<? extends LlmException> type) implements Outcome {
    @Override
    public String toString() {
      return "throws " + type.getSimpleName();
    }
  }

  /** One row of the matrix. */
  record Row(
      String fault,
      Setup setup,
      Outcome outcome,
      int serverRequests,
      Duration minElapsed,
      Duration maxElapsed) {
    @Override
    public String toString() {
      return fault + " -> " + outcome + ", " + serverRequests + " request(s)";
    }
  }

  static final long RESPONSE_TIMEOUT_MS = 400;

  private static Row row(
      String fault, Setup setup, Outcome outcome, int requests, long minMs, long maxMs) {
    return new Row(
        fault, setup, outcome, requests, Duration.ofMillis(minMs), Duration.ofMillis(maxMs));
  }

  private static Succeeds ok(int attempts) {
    return new Succeeds(attempts, 0);
  }

  private static Fails fails(Class<? extends LlmException> type) {
    return new Fails(type);
  }

  private static Setup sim(Fault fault) {
    return env -> env.sim.addFault(fault);
  }

  /** The simulator sends these replies once each, in order, then answers on its own. */
  private static Setup raw(RawReply... replies) {
    return env -> {
      for (RawReply reply : replies) {
        env.sim.enqueueRaw(reply);
      }
    };
  }

  /** The row's fault, with the provider's backend as the only member of a deployment pool. */
  private static Setup pooled(Setup inner) {
    return env -> {
      env.pooled = true;
      inner.apply(env);
    };
  }

  /** The simulator answers every request with this reply. */
  private static Setup rawEveryTime(RawReply reply) {
    return env -> env.sim.respondAlways(reply);
  }

  private static RawReply azureError(int status, String code, String message) {
    return RawReply.json(
        status, "{\"error\":{\"code\":\"" + code + "\",\"message\":\"" + message + "\"}}");
  }

  private static String httpDateIn(Duration d) {
    return DateTimeFormatter.RFC_1123_DATE_TIME.format(
        ZonedDateTime.now(ZoneOffset.UTC).plus(d).plusSeconds(1));
  }

  /**
   * The matrix. Timeouts: the client's response timeout is {@value #RESPONSE_TIMEOUT_MS} ms. Upper
   * bounds are generous (a shared CI machine), except where they tell two behaviours apart: 990 ms
   * proves {@code retry-after-ms} won over {@code Retry-After: 1}.
   */
  static final List<Row> TABLE =
      List.of(
          row(
              "429, Retry-After: 1 (seconds)",
              sim(Fault.rateLimited(Duration.ofSeconds(1)).times(1)),
              ok(2),
              2,
              900,
              4_000),
          row(
              "429, retry-after-ms: 300 (with Retry-After: 1)",
              env ->
                  env.useMsSimulator().addFault(Fault.rateLimited(Duration.ofMillis(300)).times(1)),
              ok(2),
              2,
              250,
              990),
          row(
              "429, Retry-After as an HTTP date (~1-2 s ahead)",
              // The date is computed when the row runs, not when the table is built.
              env ->
                  raw(azureError(429, "429", "Rate limit")
                          .header("Retry-After", httpDateIn(Duration.ofSeconds(1))))
                      .apply(env),
              ok(2),
              2,
              700,
              4_500),
          row(
              "429, x-ms-retry-after-ms: 300 (Azure's header; Retry-After: 5 would pass the cap)",
              raw(
                  azureError(429, "429", "Rate limit")
                      .header("x-ms-retry-after-ms", "300")
                      .header("Retry-After", "5")),
              ok(2),
              2,
              250,
              3_000),
          row(
              "429, Retry-After: Fri, 31 Dec 9999 23:59:59 GMT, through a deployment pool:"
                  + " fails at once, no hang",
              pooled(
                  raw(
                      azureError(429, "429", "Rate limit")
                          .header("Retry-After", "Fri, 31 Dec 9999 23:59:59 GMT"))),
              fails(RateLimitException.class),
              1,
              0,
              3_000),
          row(
              "429, Retry-After: 3153600000 (a century), through a deployment pool: fails at once",
              pooled(raw(azureError(429, "429", "Rate limit").header("Retry-After", "3153600000"))),
              fails(RateLimitException.class),
              1,
              0,
              3_000),
          row(
              "429, Retry-After: 8000000000 (overflows nanoseconds from now), through a deployment"
                  + " pool: fails at once",
              pooled(raw(azureError(429, "429", "Rate limit").header("Retry-After", "8000000000"))),
              fails(RateLimitException.class),
              1,
              0,
              3_000),
          row(
              "429 without any retry header: the policy's backoff",
              raw(azureError(429, "429", "Rate limit")),
              ok(2),
              2,
              0,
              3_000),
          row(
              "429 asking for 30 s, above the 3 s cap: fails at once",
              sim(Fault.rateLimited(Duration.ofSeconds(30))),
              fails(RateLimitException.class),
              1,
              0,
              3_000),
          row(
              "429 every time (retry-after-ms: 50): retries spent",
              env -> env.useMsSimulator().addFault(Fault.rateLimited(Duration.ofMillis(50))),
              fails(RateLimitException.class),
              3,
              90,
              2_000),
          row("408 once", sim(Fault.status(408).times(1)), ok(2), 2, 0, 1_500),
          row("409 once (raw)", raw(azureError(409, "409", "Conflict")), ok(2), 2, 0, 3_000),
          row(
              "409 every time (raw): retries spent",
              rawEveryTime(azureError(409, "409", "Conflict")),
              fails(ConflictException.class),
              3,
              0,
              3_000),
          row("500 once", sim(Fault.status(500).times(1)), ok(2), 2, 0, 1_500),
          row("502 once", sim(Fault.status(502).times(1)), ok(2), 2, 0, 1_500),
          row("503 once", sim(Fault.status(503).times(1)), ok(2), 2, 0, 1_500),
          row("504 once", sim(Fault.status(504).times(1)), ok(2), 2, 0, 1_500),
          row(
              "503 every time: retries spent",
              sim(Fault.status(503)),
              fails(ServerException.class),
              3,
              20,
              3_000),
          row(
              "connection reset before headers, once",
              sim(Fault.resetBeforeHeaders().times(1)),
              ok(2),
              2,
              0,
              3_000),
          row(
              "connection reset every time: retries spent",
              sim(Fault.resetBeforeHeaders()),
              fails(LlmConnectionException.class),
              3,
              20,
              3_000),
          row(
              "connection reset mid-body, once",
              sim(Fault.resetMidBody().times(1)),
              ok(2),
              2,
              0,
              3_000),
          row(
              "headers slower than the response timeout, once",
              sim(Fault.delayedHeaders(Duration.ofSeconds(3)).times(1)),
              ok(2),
              2,
              RESPONSE_TIMEOUT_MS - 50,
              RESPONSE_TIMEOUT_MS + 1_500),
          row(
              "headers slower than the response timeout, every time",
              sim(Fault.delayedHeaders(Duration.ofSeconds(3))),
              fails(LlmTimeoutException.class),
              3,
              3 * RESPONSE_TIMEOUT_MS - 100,
              3 * RESPONSE_TIMEOUT_MS + 2_000),
          row(
              "200 with truncated JSON, once: a broken transfer, retried",
              sim(Fault.of(Fault.Kind.TRUNCATED_JSON).times(1)),
              ok(2),
              2,
              0,
              3_000),
          row(
              "200 with a non-JSON body: typed at once, not retried",
              sim(Fault.of(Fault.Kind.NON_JSON_200).times(1)),
              fails(InvalidResponseException.class),
              1,
              0,
              3_000),
          row(
              "502 HTML gateway page, once",
              sim(Fault.of(Fault.Kind.HTML_GATEWAY_PAGE).times(1)),
              ok(2),
              2,
              0,
              3_000),
          row(
              "502 HTML gateway page every time: retries spent",
              sim(Fault.of(Fault.Kind.HTML_GATEWAY_PAGE)),
              fails(ServerException.class),
              3,
              20,
              3_000),
          row(
              "output invalid against the schema, once: re-asked, then typed",
              sim(Fault.of(Fault.Kind.INVALID_AGAINST_SCHEMA).times(1)),
              new Succeeds(2, 1),
              2,
              0,
              3_000),
          row(
              "output invalid against the schema every time: 2 re-asks, then typed failure",
              sim(Fault.of(Fault.Kind.INVALID_AGAINST_SCHEMA)),
              fails(InvalidResponseException.class),
              3,
              0,
              3_000),
          row(
              "empty content, once: re-asked",
              sim(Fault.of(Fault.Kind.EMPTY_CONTENT).times(1)),
              new Succeeds(2, 1),
              2,
              0,
              3_000),
          row(
              "empty content every time",
              sim(Fault.of(Fault.Kind.EMPTY_CONTENT)),
              fails(EmptyResponseException.class),
              3,
              0,
              3_000),
          row(
              "refusal: never retried",
              sim(Fault.of(Fault.Kind.REFUSAL)),
              fails(RefusalException.class),
              1,
              0,
              3_000),
          row(
              "refusal by prompt trigger",
              env -> env.prompt += " " + LlmSimulator.DEFAULT_REFUSAL_TRIGGER,
              fails(RefusalException.class),
              1,
              0,
              3_000),
          row(
              "content filter on the prompt (400): never retried",
              env -> env.prompt += " " + LlmSimulator.DEFAULT_PROMPT_FILTER_TRIGGER,
              fails(ContentFilterException.class),
              1,
              0,
              3_000),
          row(
              "content filter on the completion (finish_reason): never retried",
              env -> env.prompt += " " + LlmSimulator.DEFAULT_COMPLETION_FILTER_TRIGGER,
              fails(ContentFilterException.class),
              1,
              0,
              3_000),
          row(
              "401 wrong key: never retried",
              env -> env.apiKey = "sk-wrong-key-for-the-401-row",
              fails(AuthenticationException.class),
              1,
              0,
              3_000),
          row(
              "403 (raw): never retried",
              rawEveryTime(
                  azureError(403, "PermissionDenied", "The principal lacks the data action")),
              fails(AuthenticationException.class),
              1,
              0,
              3_000),
          row(
              "404 unknown deployment / model: never retried",
              env -> env.model = "no-such-deployment",
              fails(NotFoundException.class),
              1,
              0,
              3_000),
          row(
              "400 context length exceeded: never retried",
              env -> env.maxTokens = 50_000,
              fails(ContextLengthExceededException.class),
              1,
              0,
              1_000));

  /** A chat completion whose content is a valid {@link City}: the call succeeds on this alone. */
  static final String CITY_COMPLETION =
      "{\"id\":\"chatcmpl-raw\",\"object\":\"chat.completion\",\"created\":1,"
          + "\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"finish_reason\":\"stop\","
          + "\"message\":{\"role\":\"assistant\",\"content\":\"{\\\"name\\\":\\\"Lyon\\\","
          + "\\\"population\\\":522000,\\\"districts\\\":[\\\"Presqu'ile\\\"],"
          + "\\\"size\\\":\\\"SMALL\\\"}\"}}],"
          + "\"usage\":{\"prompt_tokens\":20,\"completion_tokens\":20,\"total_tokens\":40}}";

  /**
   * Rows for the wire's defences (issue 17): hostile {@code Retry-After} values, bodies that would
   * pin an I/O thread, headers beyond the limits, bodies cut off in transit.
   */
  static final List<Row> WIRE_ROWS =
      List.of(
          row(
              "429, Retry-After: Fri, 31 Dec 9999 23:59:59 GMT: above the cap, fails at once",
              raw(
                  azureError(429, "429", "Rate limit")
                      .header("Retry-After", "Fri, 31 Dec 9999 23:59:59 GMT")),
              fails(RateLimitException.class),
              1,
              0,
              3_000),
          row(
              "429, Retry-After: 3153600000 (a century): above the cap, fails at once",
              raw(azureError(429, "429", "Rate limit").header("Retry-After", "3153600000")),
              fails(RateLimitException.class),
              1,
              0,
              3_000),
          row(
              "429, Retry-After: 8000000000: above the cap, fails at once",
              raw(azureError(429, "429", "Rate limit").header("Retry-After", "8000000000")),
              fails(RateLimitException.class),
              1,
              0,
              3_000),
          row(
              "429, x-ms-retry-after-ms beyond a long (Retry-After: 0): the huge wait counts",
              raw(
                  azureError(429, "429", "Rate limit")
                      .header("x-ms-retry-after-ms", "99999999999999999999")
                      .header("Retry-After", "0")),
              fails(RateLimitException.class),
              1,
              0,
              3_000),
          row(
              "502 whose HTML body is 200,000 '<', once: typed at once, retried",
              raw(RawReply.text(502, "text/html", "<".repeat(200_000))),
              ok(2),
              2,
              0,
              3_000),
          row(
              "200 with 40 headers of 200 bytes (raw): within the header limits, succeeds",
              env -> {
                RawReply reply = RawReply.json(200, CITY_COMPLETION);
                for (int i = 0; i < 40; i++) {
                  reply = reply.header("X-Ordinary-" + i, "o".repeat(200));
                }
                env.sim.enqueueRaw(reply);
              },
              ok(1),
              1,
              0,
              3_000),
          row(
              "200 with a 20 KB header line (raw): beyond the limit, typed at once",
              raw(RawReply.json(200, CITY_COMPLETION).header("X-Huge", "h".repeat(20_000))),
              fails(InvalidResponseException.class),
              1,
              0,
              3_000),
          row(
              "200 with 150 headers (raw): beyond the limit, typed at once",
              env -> {
                RawReply reply = RawReply.json(200, CITY_COMPLETION);
                for (int i = 0; i < 150; i++) {
                  reply = reply.header("X-Many-" + i, "v");
                }
                env.sim.enqueueRaw(reply);
              },
              fails(InvalidResponseException.class),
              1,
              0,
              3_000),
          row(
              "200 with truncated JSON every time: retries spent",
              sim(Fault.of(Fault.Kind.TRUNCATED_JSON)),
              fails(LlmConnectionException.class),
              3,
              20,
              3_000));

  /** The mutable parts of one case, set by its row. */
  static final class Env {
    final LlmSimulator sim;
    final LlmSimulator simMs;
    URI root;
    String prompt = "Describe Lyon as JSON.";
    String apiKey = Canary.API_KEY;
    String model = TestClients.MODEL;
    Integer maxTokens = 1_000;
    boolean pooled;
    private LlmSimulator server;

    Env(LlmSimulator sim, LlmSimulator simMs) {
      this.sim = sim;
      this.simMs = simMs;
      this.server = sim;
      this.root = sim.baseUri();
    }

    LlmSimulator useMsSimulator() {
      server = simMs;
      root = simMs.baseUri();
      return simMs;
    }

    long serverRequests() {
      return server.counters().requests(Route.CHAT_COMPLETIONS);
    }

    /** When the server received the call's first request, on the simulator's clock, or null. */
    @Nullable Instant firstRequestReceivedAt() {
      List<RecordedRequest> received = server.requests(Route.CHAT_COMPLETIONS);
      return received.isEmpty() ? null : received.get(0).receivedAt();
    }
  }

  private static LlmSimulator sim;
  private static LlmSimulator simMs;

  @BeforeAll
  static void startServers() {
    sim = newSimulator(false);
    simMs = newSimulator(true);
    // Warm up class loading and schema generation, so that the first row's elapsed time measures
    // the fault and not the JVM (the lower bounds prove that server waits are honoured).
    for (Api api : Api.values()) {
      try (LlmClient client =
          TestClients.client(api, sim.baseUri(), TestClients.fastRetries(), Map.of())) {
        client.generate(List.of(Message.user("Describe Lyon as JSON.")), City.class);
      }
    }
  }

  private static LlmSimulator newSimulator(boolean retryAfterMs) {
    return LlmSimulator.builder()
        .apiKey(Canary.API_KEY)
        .deployment(Deployment.of(TestClients.MODEL).withContextWindow(20_000))
        .retryAfterMs(retryAfterMs)
        .seed(9)
        .start();
  }

  @AfterAll
  static void stopServers() {
    sim.close();
    simMs.close();
    Canary.assertNotLogged();
  }

  enum Mode {
    SYNC,
    ASYNC
  }

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (Row row : Stream.concat(TABLE.stream(), WIRE_ROWS.stream()).toList()) {
      for (Api api : Api.values()) {
        for (Mode mode : Mode.values()) {
          out.add(Arguments.of(api, mode, row));
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} {1}: {2}")
  @MethodSource("cases")
  void everyFaultEndsAsTheTableSays(Api api, Mode mode, Row row) throws Exception {
    sim.reset();
    simMs.reset();
    Env env = new Env(sim, simMs);
    row.setup().apply(env);

    Map<String, String> settings = TestClients.settings(api, env.root, env.model, env.apiKey);
    settings.put("LLM_HTTP_RESPONSE_TIMEOUT", RESPONSE_TIMEOUT_MS + "ms");
    LlmRequest<City> request =
        LlmRequest.builder()
            .messages(List.of(Message.system("Answer in JSON."), Message.user(env.prompt)))
            .responseType(City.class)
            .maxTokens(env.maxTokens)
            .build();

    LlmResponse<City> response = null;
    Throwable failure = null;
    AtomicReference<Instant> ended = new AtomicReference<>();
    long start = System.nanoTime();
    LlmClients.Builder builder =
        LlmClients.builder()
            .settings(ProviderSettings.of(settings))
            .retryPolicy(TestClients.fastRetries());
    if (env.pooled) {
      ChatBackend member =
          api == Api.OPENAI
              ? new OpenAiProvider().createChatBackend(ProviderSettings.of(settings))
              : new AzureOpenAiProvider().createChatBackend(ProviderSettings.of(settings));
      builder.backend(DeploymentPool.builder().member("sim", member).build());
    } else {
      builder.provider(api == Api.OPENAI ? "openai" : "azure");
    }
    try (LlmClient client = builder.build()) {
      try {
        if (mode == Mode.SYNC) {
          try {
            response = client.generate(request);
          } finally {
            ended.set(Instant.now());
          }
        } else {
          CompletableFuture<LlmResponse<City>> future =
              client.<City>generateAsync(request).whenComplete((r, e) -> ended.set(Instant.now()));
          response = future.get(row.maxElapsed().toMillis() + 2_000, TimeUnit.MILLISECONDS);
        }
      } catch (TimeoutException hang) {
        fail("the async call did not complete within " + row.maxElapsed() + " + 2 s: a hang");
      } catch (Exception e) {
        failure = TestClients.unwrap(e);
      }
    }
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
    Instant firstRequest = env.firstRequestReceivedAt();
    // a call that never reached the server (none in the table yet) is timed from its start
    Duration sinceFirstRequest =
        firstRequest == null ? elapsed : Duration.between(firstRequest, ended.get());

    String context =
        row
            + " ["
            + api
            + " "
            + mode
            + "], "
            + sinceFirstRequest.toMillis()
            + " ms from the first request, "
            + elapsed.toMillis()
            + " ms with the client's construction";
    if (row.outcome() instanceof Succeeds s) {
      if (failure != null) {
        throw new AssertionError(context + ": expected success but got " + failure, failure);
      }
      assertThat(response).isNotNull();
      assertThat(response.value().name()).as(context).isNotNull();
      assertThat(response.attempts()).as("attempts() of " + context).isEqualTo(s.attempts());
      assertThat(response.reasks()).as("reasks() of " + context).isEqualTo(s.reasks());
    } else if (row.outcome() instanceof Fails f) {
      if (failure == null) {
        fail(context + ": expected " + f.type().getSimpleName() + " but the call succeeded");
      }
      if (!f.type().equals(failure.getClass())) {
        throw new AssertionError(
            context + ": expected exactly " + f.type().getName() + " but got " + failure, failure);
      }
      Canary.assertAbsentFrom(failure);
      if (failure instanceof ContentFilterException cf) {
        assertThat(cf.side())
            .as(context)
            .isEqualTo(
                env.prompt.contains(LlmSimulator.DEFAULT_PROMPT_FILTER_TRIGGER)
                    ? ContentFilterException.Side.PROMPT
                    : ContentFilterException.Side.COMPLETION);
      }
    }
    assertThat(env.serverRequests())
        .as("requests the server saw, " + context)
        .isEqualTo(row.serverRequests());
    assertThat(sinceFirstRequest)
        .as("from the server receiving the first request to the end of the call, " + context)
        .isGreaterThanOrEqualTo(row.minElapsed())
        .isLessThanOrEqualTo(row.maxElapsed());
    assertThat(elapsed)
        .as("elapsed with the client's construction, " + context)
        .isLessThanOrEqualTo(row.maxElapsed());
  }
}
