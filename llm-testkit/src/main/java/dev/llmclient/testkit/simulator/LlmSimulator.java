package dev.llmclient.testkit.simulator;

import java.io.UncheckedIOException;
import java.net.SocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * A deterministic simulator of the Azure OpenAI and OpenAI HTTP APIs: a real HTTP server on
 * loopback (httpcore5's asynchronous server), for tests, demos and the command line. One port
 * serves HTTP/1.1 and cleartext HTTP/2 with prior knowledge (h2c, as {@code curl
 * --http2-prior-knowledge} or httpclient5's HTTP/2 client speak it), told apart by the connection's
 * first bytes; an HTTP/1.1 {@code Upgrade: h2c} request is answered in HTTP/1.1.
 *
 * <p>It serves OpenAI's {@code /v1/chat/completions}, {@code /v1/embeddings} and {@code
 * /v1/models}, Azure's {@code /openai/deployments/{deployment}/chat/completions|embeddings?
 * api-version=...} and Azure's {@code /openai/v1/...}. It checks keys and tokens, deployments and
 * API versions, answers the services' errors in their exact shapes, enforces per-deployment RPM and
 * TPM over short sub-windows, delays replies on timers (never by sleeping), injects faults, and
 * records every request (bounded) and counts everything for assertions. Replies are deterministic:
 * the same seed and request give the same answer; JSON-schema requests get a value valid against
 * their schema.
 *
 * <pre>{@code
 * try (LlmSimulator sim = LlmSimulator.builder()
 *     .apiKey("test-key")
 *     .deployment(Deployment.of("gpt-4o").withRequestsPerMinute(60))
 *     .latency(LatencyModel.fixed(Duration.ofMillis(20)))
 *     .start()) {
 *   // point a client at sim.openAiBaseUri() or sim.azureEndpoint()
 *   assertThat(sim.lastRequest().json().path("model").asText()).isEqualTo("gpt-4o");
 * }
 * }</pre>
 *
 * <p>Triggers in the prompt (case-insensitive, configurable): {@value
 * #DEFAULT_PROMPT_FILTER_TRIGGER} gets a 400 prompt content-filter error, {@value
 * #DEFAULT_COMPLETION_FILTER_TRIGGER} a completion with {@code finish_reason: content_filter}, and
 * {@value #DEFAULT_REFUSAL_TRIGGER} a refusal.
 *
 * <p>Thread-safe. The server uses one I/O thread (configurable) and one timer thread however many
 * requests it holds.
 */
public final class LlmSimulator implements AutoCloseable {

  /** The prompt phrase that triggers Azure's prompt content filter (HTTP 400). */
  public static final String DEFAULT_PROMPT_FILTER_TRIGGER = "[simulate:prompt-filter]";

  /** The prompt phrase that triggers a completion with {@code finish_reason: content_filter}. */
  public static final String DEFAULT_COMPLETION_FILTER_TRIGGER = "[simulate:completion-filter]";

  /** The prompt phrase that triggers a refusal. */
  public static final String DEFAULT_REFUSAL_TRIGGER = "[simulate:refusal]";

  /** The refusal text the simulator sends. */
  public static final String REFUSAL_TEXT = SimulatorEngine.REFUSAL_TEXT;

  /** The API versions accepted on Azure deployment routes unless the builder names others. */
  public static final Set<String> DEFAULT_API_VERSIONS =
      Set.of(
          "2024-02-01",
          "2024-06-01",
          "2024-10-21",
          "2024-08-01-preview",
          "2024-12-01-preview",
          "2025-01-01-preview",
          "2025-03-01-preview",
          "2025-04-01-preview");

  private final SimulatorConfig config;
  private final SimulatorEngine engine;
  private final SimulatorServer server;

  private LlmSimulator(SimulatorConfig config) {
    this.config = config;
    this.engine = new SimulatorEngine(config);
    this.server =
        new SimulatorServer(config, engine.counters(), () -> new SimulatorExchangeHandler(this));
  }

  /**
   * A builder with the defaults: a free port, no authentication, any deployment name accepted, no
   * latency, no faults, seed 0.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts a simulator with all defaults.
   *
   * @return the running simulator
   */
  public static LlmSimulator start() {
    return builder().start();
  }

  /**
   * The TCP port the simulator listens on.
   *
   * @return the port
   */
  public int port() {
    return server.port();
  }

  /**
   * The server root, {@code http://127.0.0.1:PORT}; also the Azure endpoint.
   *
   * @return the URI
   */
  public URI baseUri() {
    return URI.create("http://127.0.0.1:" + port());
  }

  /**
   * The OpenAI base URL, {@code http://127.0.0.1:PORT/v1}, as {@code OPENAI_BASE_URL} takes it.
   *
   * @return the URI
   */
  public URI openAiBaseUri() {
    return URI.create(baseUri() + "/v1");
  }

  /**
   * The Azure OpenAI endpoint, as {@code AZURE_OPENAI_ENDPOINT} takes it.
   *
   * @return the URI, equal to {@link #baseUri()}
   */
  public URI azureEndpoint() {
    return baseUri();
  }

  /**
   * The base of Azure's v1 routes, {@code http://127.0.0.1:PORT/openai/v1}.
   *
   * @return the URI
   */
  public URI azureV1BaseUri() {
    return URI.create(baseUri() + "/openai/v1");
  }

  /**
   * Every request received, oldest first, up to the builder's recording limit.
   *
   * @return a snapshot
   */
  public List<RecordedRequest> requests() {
    return engine.recorded();
  }

  /**
   * The requests received on one route, oldest first.
   *
   * @param route the route
   * @return a snapshot
   */
  public List<RecordedRequest> requests(Route route) {
    return engine.recorded().stream().filter(r -> r.route() == route).toList();
  }

  /**
   * The most recent request.
   *
   * @return the request
   * @throws IllegalStateException when none was recorded
   */
  public RecordedRequest lastRequest() {
    List<RecordedRequest> all = engine.recorded();
    if (all.isEmpty()) {
      throw new IllegalStateException(
          "The simulator has recorded no request; check that the client points at " + baseUri());
    }
    return all.get(all.size() - 1);
  }

  /** Forgets the recorded requests. */
  public void clearRequests() {
    engine.clearRecorded();
  }

  /**
   * The live counters.
   *
   * @return the counters
   */
  public SimulatorCounters counters() {
    return engine.counters();
  }

  /**
   * Adds a fault after those already configured.
   *
   * @param fault the fault
   * @return this simulator
   */
  public LlmSimulator addFault(Fault fault) {
    engine.addFault(fault);
    return this;
  }

  /** Removes every fault, including the builder's. */
  public void clearFaults() {
    engine.clearFaults();
  }

  /**
   * Answers chat requests whose messages contain {@code phrase} with {@code content}.
   *
   * @param phrase the text to look for in any message (case-sensitive)
   * @param content the message content to return
   * @return this simulator
   */
  public LlmSimulator script(String phrase, String content) {
    engine.script(Objects.requireNonNull(phrase, "phrase"), Objects.requireNonNull(content));
    return this;
  }

  /**
   * Answers the next chat request (whatever its prompt) with {@code content}; queued replies are
   * used in order, before {@link #script(String, String)} rules.
   *
   * @param content the message content to return
   * @return this simulator
   */
  public LlmSimulator enqueueReply(String content) {
    engine.enqueueReply(Objects.requireNonNull(content, "content"));
    return this;
  }

  /**
   * Answers every request that {@code when} accepts with the exact reply {@code reply} builds,
   * until {@link #reset()}. Rules are tried in the order added and the first match wins; replies
   * queued with {@link #enqueueRaw(RawReply)} come first.
   *
   * <p>A raw reply replaces everything else the simulator would do: the request is still recorded
   * and counted (route, in flight, status), but authentication, routing checks, rate limits, faults
   * and the normal reply are skipped. The simulator adds only its {@code x-request-id} and {@code
   * apim-request-id} headers, and not even those when the reply sets either. A rule that throws
   * gets a 500 naming the exception.
   *
   * <pre>{@code
   * sim.respond(r -> r.route() == Route.EMBEDDINGS && r.body().contains("\"dimensions\""),
   *     r -> RawReply.json(400, "{\"error\":{\"code\":\"invalid\"}}"));
   * }</pre>
   *
   * @param when which recorded requests the rule answers; called on an I/O thread, so keep it fast
   * @param reply builds the reply for a matching request
   * @return this simulator
   */
  public LlmSimulator respond(
      Predicate<RecordedRequest> when, Function<RecordedRequest, RawReply> reply) {
    engine.respond(Objects.requireNonNull(when, "when"), Objects.requireNonNull(reply, "reply"));
    return this;
  }

  /**
   * Answers every request with {@code reply} until {@link #reset()}; the same as {@code respond(r
   * -> true, r -> reply)}.
   *
   * @param reply the reply
   * @return this simulator
   */
  public LlmSimulator respondAlways(RawReply reply) {
    Objects.requireNonNull(reply, "reply");
    return respond(r -> true, r -> reply);
  }

  /**
   * Answers the next request, on any route, with {@code reply}, once. Queued raw replies are used
   * in order, before any {@link #respond(Predicate, Function)} rule; see there for what a raw reply
   * skips.
   *
   * @param reply the reply
   * @return this simulator
   */
  public LlmSimulator enqueueRaw(RawReply reply) {
    engine.enqueueRaw(Objects.requireNonNull(reply, "reply"));
    return this;
  }

  /**
   * Adds or replaces a deployment while running.
   *
   * @param deployment the deployment
   * @return this simulator
   */
  public LlmSimulator addDeployment(Deployment deployment) {
    engine.addDeployment(Objects.requireNonNull(deployment, "deployment"));
    return this;
  }

  /**
   * The deployments known now (configured, added, or created on first use).
   *
   * @return a snapshot
   */
  public List<Deployment> deployments() {
    return engine.deployments();
  }

  /**
   * Restores the configuration the builder gave (deployments, faults, scripts), drops the raw
   * replies and rules ({@link #respond(Predicate, Function)}, {@link #enqueueRaw(RawReply)}) and
   * clears recordings, counters and rate-limit windows. For sharing one simulator across tests.
   */
  public void reset() {
    engine.reset();
  }

  /**
   * The vector the simulator returns for an input, for comparing in tests: a unit vector, equal for
   * equal inputs; a shorter {@code dimensions} gives the renormalised prefix of a longer one.
   *
   * @param input the text
   * @param dimensions the vector size
   * @return the vector
   */
  public static float[] embeddingOf(String input, int dimensions) {
    return SimulatorEngine.embedding(input, dimensions);
  }

  /**
   * The phrase that triggers the prompt content filter, or null when disabled.
   *
   * @return the phrase
   */
  public @Nullable String promptFilterTrigger() {
    return config.promptFilterTrigger();
  }

  /**
   * The phrase that triggers a filtered completion, or null when disabled.
   *
   * @return the phrase
   */
  public @Nullable String completionFilterTrigger() {
    return config.completionFilterTrigger();
  }

  /**
   * The phrase that triggers a refusal, or null when disabled.
   *
   * @return the phrase
   */
  public @Nullable String refusalTrigger() {
    return config.refusalTrigger();
  }

  /** Stops the server at once: open connections are closed and pending replies dropped. */
  @Override
  public void close() {
    server.close();
  }

  /** Shows the address and the counters. */
  @Override
  public String toString() {
    return "LlmSimulator[" + baseUri() + ", " + counters() + "]";
  }

  SimulatorEngine engine() {
    return engine;
  }

  Future<?> schedule(Runnable task, long delayMillis) {
    return server.schedule(task, delayMillis);
  }

  /** Resets (RST) the client connection with this remote address. */
  void resetConnection(@Nullable SocketAddress remote) {
    server.resetConnection(remote);
  }

  /**
   * Configures and starts an {@link LlmSimulator}. Not thread-safe.
   *
   * <p>Deployments named with {@link #deployment(String...)} take the builder's RPM, TPM and token
   * limit; with no deployment at all, any name is accepted and created on first use.
   */
  public static final class Builder {
    int port;
    final Set<String> apiKeys = new LinkedHashSet<>();
    final Set<String> bearerTokens = new LinkedHashSet<>();
    private final List<String> deploymentNames = new ArrayList<>();
    private final Map<String, Deployment> explicitDeployments = new LinkedHashMap<>();
    Set<String> apiVersions = DEFAULT_API_VERSIONS;
    int requestsPerMinute = Deployment.DEFAULT_REQUESTS_PER_MINUTE;
    int tokensPerMinute = Deployment.DEFAULT_TOKENS_PER_MINUTE;
    int tokenLimit = Deployment.DEFAULT_CONTEXT_WINDOW;
    Duration rateWindow = Duration.ofSeconds(10);
    boolean sendRetryAfterMs;
    boolean retryAfterHttpDate;
    boolean sendMsRetryAfter;
    @Nullable String promptFilterTrigger = DEFAULT_PROMPT_FILTER_TRIGGER;
    @Nullable String completionFilterTrigger = DEFAULT_COMPLETION_FILTER_TRIGGER;
    @Nullable String refusalTrigger = DEFAULT_REFUSAL_TRIGGER;
    String filterCategory = "violence";
    String filterSeverity = "medium";
    LatencyModel latency = LatencyModel.NONE;
    final List<Fault> faults = new ArrayList<>();
    final Map<String, String> scripts = new LinkedHashMap<>();
    long seed;
    int maxRecordedRequests = 1000;
    Clock clock = Clock.systemUTC();
    boolean requireJsonWord = true;
    int ioThreads = 1;

    private Builder() {}

    /**
     * The port to listen on; 0 (the default) picks a free one.
     *
     * @param value the port
     * @return this builder
     */
    public Builder port(int value) {
      if (value < 0 || value > 65535) {
        throw new IllegalArgumentException("port must be 0..65535, got " + value);
      }
      this.port = value;
      return this;
    }

    /**
     * Keys accepted as {@code api-key} (Azure) or {@code Authorization: Bearer} (OpenAI and Azure
     * v1). With no key and no token configured, requests are not authenticated.
     *
     * @param keys the keys
     * @return this builder
     */
    public Builder apiKey(String... keys) {
      apiKeys.addAll(List.of(keys));
      return this;
    }

    /**
     * Entra ID access tokens accepted as {@code Authorization: Bearer} on Azure routes.
     *
     * @param tokens the tokens
     * @return this builder
     */
    public Builder bearerToken(String... tokens) {
      bearerTokens.addAll(List.of(tokens));
      return this;
    }

    /**
     * Deployments (models) served with the builder's limits; unknown names then get 404.
     *
     * @param names the deployment names
     * @return this builder
     */
    public Builder deployment(String... names) {
      deploymentNames.addAll(List.of(names));
      return this;
    }

    /**
     * A deployment with its own limits; unknown names then get 404.
     *
     * @param deployment the deployment
     * @return this builder
     */
    public Builder deployment(Deployment deployment) {
      explicitDeployments.put(deployment.name(), deployment);
      return this;
    }

    /**
     * The {@code api-version} values accepted on Azure deployment routes (replacing {@link
     * #DEFAULT_API_VERSIONS}); others get 400.
     *
     * @param versions the versions
     * @return this builder
     */
    public Builder apiVersions(String... versions) {
      this.apiVersions = Set.of(versions);
      return this;
    }

    /**
     * The context window of deployments without their own: a prompt plus requested output above it
     * gets 400 {@code context_length_exceeded}.
     *
     * @param tokens the limit
     * @return this builder
     */
    public Builder tokenLimit(int tokens) {
      this.tokenLimit = tokens;
      return this;
    }

    /**
     * The RPM quota of deployments without their own.
     *
     * @param rpm requests per minute
     * @return this builder
     */
    public Builder requestsPerMinute(int rpm) {
      this.requestsPerMinute = rpm;
      return this;
    }

    /**
     * The TPM quota of deployments without their own.
     *
     * @param tpm tokens per minute
     * @return this builder
     */
    public Builder tokensPerMinute(int tpm) {
      this.tokensPerMinute = tpm;
      return this;
    }

    /**
     * The sub-window quotas are enforced over (default 10 s, as Azure evaluates RPM); each window
     * admits its share of the per-minute quota.
     *
     * @param window the window, 1 ms to 60 s
     * @return this builder
     */
    public Builder rateLimitWindow(Duration window) {
      if (window.toMillis() < 1 || window.compareTo(Duration.ofMinutes(1)) > 0) {
        throw new IllegalArgumentException("rateLimitWindow must be 1 ms to 60 s, got " + window);
      }
      this.rateWindow = window;
      return this;
    }

    /**
     * Whether 429 responses also carry {@code retry-after-ms} (as provisioned deployments do);
     * {@code Retry-After} is always sent, in seconds unless {@link #retryAfterHttpDate(boolean)}.
     *
     * @param send true to send it
     * @return this builder
     */
    public Builder retryAfterMs(boolean send) {
      this.sendRetryAfterMs = send;
      return this;
    }

    /**
     * Whether a 429 (quota or {@link Fault.Kind#RATE_LIMITED_429} fault) sends {@code Retry-After}
     * as an HTTP date ({@code Fri, 27 Nov 2026 05:00:02 GMT}, rounded up to the next whole second
     * on the simulator's clock) instead of whole seconds (default false). RFC 9110 allows both, and
     * Azure's own SDKs parse both.
     *
     * @param asDate true for an HTTP date
     * @return this builder
     */
    public Builder retryAfterHttpDate(boolean asDate) {
      this.retryAfterHttpDate = asDate;
      return this;
    }

    /**
     * Whether a 429 (quota or {@link Fault.Kind#RATE_LIMITED_429} fault) also sends {@code
     * x-ms-retry-after-ms}, the Azure SDKs' millisecond retry header (default false).
     *
     * @param send true to send it
     * @return this builder
     */
    public Builder msRetryAfterHeader(boolean send) {
      this.sendMsRetryAfter = send;
      return this;
    }

    /**
     * The prompt phrase that triggers the prompt content filter; null disables it.
     *
     * @param phrase the phrase, matched case-insensitively
     * @return this builder
     */
    public Builder promptFilterTrigger(@Nullable String phrase) {
      this.promptFilterTrigger = phrase;
      return this;
    }

    /**
     * The prompt phrase that triggers a filtered completion; null disables it.
     *
     * @param phrase the phrase, matched case-insensitively
     * @return this builder
     */
    public Builder completionFilterTrigger(@Nullable String phrase) {
      this.completionFilterTrigger = phrase;
      return this;
    }

    /**
     * The prompt phrase that triggers a refusal; null disables it.
     *
     * @param phrase the phrase, matched case-insensitively
     * @return this builder
     */
    public Builder refusalTrigger(@Nullable String phrase) {
      this.refusalTrigger = phrase;
      return this;
    }

    /**
     * The category and severity the content filter reports as filtered (default violence, medium).
     *
     * @param category {@code hate}, {@code self_harm}, {@code sexual} or {@code violence}
     * @param severity {@code low}, {@code medium} or {@code high}
     * @return this builder
     */
    public Builder contentFilterCategory(String category, String severity) {
      this.filterCategory = Objects.requireNonNull(category, "category");
      this.filterSeverity = Objects.requireNonNull(severity, "severity");
      return this;
    }

    /**
     * How long replies take.
     *
     * @param model the latency model
     * @return this builder
     */
    public Builder latency(LatencyModel model) {
      this.latency = Objects.requireNonNull(model, "model");
      return this;
    }

    /**
     * A fault to inject; faults are tried in the order added.
     *
     * @param fault the fault
     * @return this builder
     */
    public Builder fault(Fault fault) {
      faults.add(Objects.requireNonNull(fault, "fault"));
      return this;
    }

    /**
     * A scripted reply: chat requests whose messages contain the phrase get this content.
     *
     * @param phrase the text to look for (case-sensitive)
     * @param content the content to return
     * @return this builder
     */
    public Builder script(String phrase, String content) {
      scripts.put(Objects.requireNonNull(phrase), Objects.requireNonNull(content));
      return this;
    }

    /**
     * The seed of every generated value, id and random draw.
     *
     * @param value the seed
     * @return this builder
     */
    public Builder seed(long value) {
      this.seed = value;
      return this;
    }

    /**
     * How many requests to keep for {@link LlmSimulator#requests()} (default 1000; oldest dropped).
     *
     * @param count the limit, 0 to record none
     * @return this builder
     */
    public Builder maxRecordedRequests(int count) {
      if (count < 0) {
        throw new IllegalArgumentException("maxRecordedRequests must be >= 0, got " + count);
      }
      this.maxRecordedRequests = count;
      return this;
    }

    /**
     * The clock for rate-limit windows, {@code created} and recorded times; inject one in tests.
     *
     * @param value the clock
     * @return this builder
     */
    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    /**
     * Whether {@code json_object} requests must mention "json" in a message, as OpenAI requires
     * (default true).
     *
     * @param require true to require it
     * @return this builder
     */
    public Builder requireJsonWordForJsonObject(boolean require) {
      this.requireJsonWord = require;
      return this;
    }

    /**
     * The number of I/O threads (default 1).
     *
     * @param threads 1 or more
     * @return this builder
     */
    public Builder ioThreads(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("ioThreads must be >= 1, got " + threads);
      }
      this.ioThreads = threads;
      return this;
    }

    boolean strictDeployments() {
      return !deploymentNames.isEmpty() || !explicitDeployments.isEmpty();
    }

    List<Deployment> deployments() {
      List<Deployment> all = new ArrayList<>();
      for (String name : deploymentNames) {
        if (!explicitDeployments.containsKey(name)) {
          all.add(
              Deployment.of(name)
                  .withRequestsPerMinute(requestsPerMinute)
                  .withTokensPerMinute(tokensPerMinute)
                  .withContextWindow(tokenLimit));
        }
      }
      all.addAll(explicitDeployments.values());
      return all;
    }

    /**
     * Starts the simulator.
     *
     * @return the running simulator; close it when done
     * @throws UncheckedIOException when the port is taken
     */
    public LlmSimulator start() {
      return new LlmSimulator(freeze());
    }

    /** This builder's settings as they are now; later changes to the builder do not reach it. */
    SimulatorConfig freeze() {
      Deployment template =
          Deployment.of("template")
              .withRequestsPerMinute(requestsPerMinute)
              .withTokensPerMinute(tokensPerMinute)
              .withContextWindow(tokenLimit);
      return new SimulatorConfig(
          port,
          apiKeys,
          bearerTokens,
          apiVersions,
          deployments(),
          strictDeployments(),
          template,
          rateWindow,
          sendRetryAfterMs,
          retryAfterHttpDate,
          sendMsRetryAfter,
          promptFilterTrigger,
          completionFilterTrigger,
          refusalTrigger,
          filterCategory,
          filterSeverity,
          latency,
          faults,
          scripts,
          seed,
          maxRecordedRequests,
          clock,
          requireJsonWord,
          ioThreads);
    }
  }
}
