package dev.llmclient.testkit.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The simulator's protocol logic: turns one received request into a {@link Reply}. Runs on the
 * server's I/O threads, never blocks, and keeps all mutable state thread-safe.
 */
final class SimulatorEngine {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Set<String> ROLES =
      Set.of("system", "developer", "user", "assistant", "tool", "function");
  static final String REFUSAL_TEXT = "I'm sorry, but I can't help with that request.";
  private static final int REASONING_TOKENS = 64;
  private static final int MAX_EMBEDDING_INPUTS = 2048;

  /** IMF-fixdate (RFC 9110 section 5.6.7), always two-digit days and GMT. */
  private static final DateTimeFormatter HTTP_DATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ENGLISH)
          .withZone(ZoneOffset.UTC);

  /** One request as it arrived. */
  record Incoming(
      String method,
      String path,
      String query,
      Map<String, String> headers,
      byte[] body,
      String protocol) {}

  private record ParsedRoute(
      Route route, ApiStyle style, @Nullable String pathDeployment, boolean knownPath) {}

  private static final class FaultState {
    final Fault fault;
    final AtomicLong matches = new AtomicLong();
    final AtomicLong fired = new AtomicLong();

    FaultState(Fault fault) {
      this.fault = fault;
    }
  }

  private record Script(String phrase, String content) {}

  private final LlmSimulator.Builder config;
  private final Clock clock;
  private final SimulatorCounters counters = new SimulatorCounters();
  private final RateLimiter rateLimiter;
  private final Random random;
  private final AtomicLong sequence = new AtomicLong();
  private final Deque<RecordedRequest> recorded = new ArrayDeque<>();
  private final Map<String, Deployment> deployments = new ConcurrentHashMap<>();
  private final List<FaultState> faults = new CopyOnWriteArrayList<>();
  private final List<Script> scripts = new CopyOnWriteArrayList<>();
  private final Queue<String> queuedReplies = new ConcurrentLinkedQueue<>();
  private final Queue<RawReply> queuedRaw = new ConcurrentLinkedQueue<>();
  private final List<RawRule> rawRules = new CopyOnWriteArrayList<>();

  private record RawRule(
      Predicate<RecordedRequest> when, Function<RecordedRequest, RawReply> reply) {}

  SimulatorEngine(LlmSimulator.Builder config) {
    this.config = config;
    this.clock = config.clock;
    this.rateLimiter = new RateLimiter(clock, config.rateWindow.toMillis());
    this.random = new Random(config.seed);
    reset();
  }

  // ---------------------------------------------------------------- state

  SimulatorCounters counters() {
    return counters;
  }

  Random random() {
    return random;
  }

  void reset() {
    deployments.clear();
    for (Deployment d : config.deployments()) {
      deployments.put(d.name(), d);
    }
    faults.clear();
    config.faults.forEach(f -> faults.add(new FaultState(f)));
    scripts.clear();
    config.scripts.forEach((phrase, content) -> scripts.add(new Script(phrase, content)));
    queuedReplies.clear();
    queuedRaw.clear();
    rawRules.clear();
    rateLimiter.reset();
    counters.reset();
    synchronized (recorded) {
      recorded.clear();
    }
  }

  void addFault(Fault fault) {
    faults.add(new FaultState(Objects.requireNonNull(fault, "fault")));
  }

  void clearFaults() {
    faults.clear();
  }

  void script(String phrase, String content) {
    scripts.add(new Script(phrase, content));
  }

  void enqueueReply(String content) {
    queuedReplies.add(content);
  }

  void respond(Predicate<RecordedRequest> when, Function<RecordedRequest, RawReply> reply) {
    rawRules.add(new RawRule(when, reply));
  }

  void enqueueRaw(RawReply reply) {
    queuedRaw.add(reply);
  }

  void addDeployment(Deployment d) {
    deployments.put(d.name(), d);
  }

  List<Deployment> deployments() {
    return List.copyOf(deployments.values());
  }

  List<RecordedRequest> recorded() {
    synchronized (recorded) {
      return List.copyOf(recorded);
    }
  }

  void clearRecorded() {
    synchronized (recorded) {
      recorded.clear();
    }
  }

  // ---------------------------------------------------------------- dispatch

  Reply handle(Incoming in) {
    ParsedRoute pr = parse(in.method(), in.path());
    long seq = sequence.incrementAndGet();
    String requestId = UUID.nameUUIDFromBytes((config.seed + ":" + seq).getBytes(UTF8)).toString();
    JsonNode json = null;
    String bodyText = new String(in.body(), UTF8);
    if (!bodyText.isEmpty()) {
      try {
        json = Reply.MAPPER.readTree(bodyText);
      } catch (IOException e) {
        json = null;
      }
    }
    String deploymentName = pr.pathDeployment();
    if (deploymentName == null && json != null && json.path("model").isTextual()) {
      deploymentName = json.get("model").asText();
    }
    RecordedRequest recordedRequest = record(in, seq, pr, deploymentName, bodyText);
    counters.route(pr.route());

    Reply raw = rawReply(recordedRequest);
    if (raw != null) {
      if (!raw.resetBeforeHeaders) {
        boolean ownId = false;
        for (Map.Entry<String, String> h : raw.extraHeaders) {
          String name = h.getKey().toLowerCase(Locale.ROOT);
          ownId |= name.equals("x-request-id") || name.equals("apim-request-id");
        }
        if (!ownId) {
          raw.headers.put("x-request-id", requestId);
          raw.headers.put("apim-request-id", requestId);
        }
      }
      return raw;
    }
    Reply reply = dispatch(in, pr, json, bodyText, deploymentName);
    if (!reply.resetBeforeHeaders) {
      reply.headers.putIfAbsent("x-request-id", requestId);
      reply.headers.putIfAbsent("apim-request-id", requestId);
      if (pr.style() != ApiStyle.OPENAI) {
        reply.headers.putIfAbsent("x-ms-region", "Simulator Local");
      }
      Deployment d = deploymentName == null ? null : deployments.get(deploymentName);
      rateLimitHeaders(reply, d == null ? template() : d, pr.style());
    }
    return reply;
  }

  /** The first queued raw reply, else the first matching rule's, as a playable reply; or null. */
  private @Nullable Reply rawReply(RecordedRequest request) {
    RawReply chosen = queuedRaw.poll();
    if (chosen == null) {
      for (RawRule rule : rawRules) {
        try {
          if (rule.when().test(request)) {
            chosen =
                Objects.requireNonNull(
                    rule.reply().apply(request), "the respond(...) reply function returned null");
            break;
          }
        } catch (RuntimeException e) {
          return Reply.text(
              500,
              "text/plain; charset=utf-8",
              "A respond(...) rule of the simulator failed on "
                  + request.method()
                  + " "
                  + request.path()
                  + ": "
                  + e
                  + "; fix the rule's predicate or reply function");
        }
      }
    }
    return chosen == null ? null : Reply.raw(chosen);
  }

  private RecordedRequest record(
      Incoming in, long seq, ParsedRoute pr, @Nullable String deployment, String bodyText) {
    RecordedRequest r =
        new RecordedRequest(
            seq,
            clock.instant(),
            in.method(),
            in.path(),
            in.query(),
            in.headers(),
            bodyText,
            pr.route(),
            pr.style(),
            deployment,
            in.protocol());
    if (config.maxRecordedRequests == 0) {
      return r;
    }
    synchronized (recorded) {
      recorded.addLast(r);
      while (recorded.size() > config.maxRecordedRequests) {
        recorded.removeFirst();
      }
    }
    return r;
  }

  private static ParsedRoute parse(String method, String path) {
    if (path.startsWith("/openai/deployments/")) {
      String rest = path.substring("/openai/deployments/".length());
      int slash = rest.indexOf('/');
      if (slash > 0) {
        String deployment = rest.substring(0, slash);
        String op = rest.substring(slash);
        if (op.equals("/chat/completions")) {
          return new ParsedRoute(Route.CHAT_COMPLETIONS, ApiStyle.AZURE, deployment, true);
        }
        if (op.equals("/embeddings")) {
          return new ParsedRoute(Route.EMBEDDINGS, ApiStyle.AZURE, deployment, true);
        }
      }
      return new ParsedRoute(Route.UNKNOWN, ApiStyle.AZURE, null, false);
    }
    ApiStyle style;
    String op;
    if (path.startsWith("/openai/v1/")) {
      style = ApiStyle.AZURE_V1;
      op = path.substring("/openai/v1".length());
    } else if (path.startsWith("/v1/")) {
      style = ApiStyle.OPENAI;
      op = path.substring("/v1".length());
    } else {
      return new ParsedRoute(
          Route.UNKNOWN,
          path.startsWith("/openai") ? ApiStyle.AZURE : ApiStyle.OPENAI,
          null,
          false);
    }
    Route route =
        switch (op) {
          case "/chat/completions" -> Route.CHAT_COMPLETIONS;
          case "/embeddings" -> Route.EMBEDDINGS;
          case "/models" -> Route.MODELS;
          default -> Route.UNKNOWN;
        };
    return new ParsedRoute(route, style, null, route != Route.UNKNOWN);
  }

  private Reply dispatch(
      Incoming in,
      ParsedRoute pr,
      @Nullable JsonNode json,
      String bodyText,
      @Nullable String deploymentName) {
    ApiStyle style = pr.style();
    if (pr.route() == Route.UNKNOWN) {
      return error(404, WireErrors.unknownRoute(style, in.method(), in.path()));
    }
    String expectedMethod = pr.route() == Route.MODELS ? "GET" : "POST";
    if (!expectedMethod.equals(in.method())) {
      return error(
              405,
              style == ApiStyle.OPENAI
                  ? WireErrors.invalidRequest(
                      "Not allowed to " + in.method() + " on " + in.path() + ".", null, null)
                  : WireErrors.azure("405", "Method not allowed; use " + expectedMethod + "."))
          .header("allow", expectedMethod);
    }
    Reply auth = authenticate(in, style);
    if (auth != null) {
      return auth;
    }
    String apiVersion = queryParam(in.query(), "api-version");
    if (style == ApiStyle.AZURE) {
      if (apiVersion == null) {
        return error(404, WireErrors.azure("404", "Resource not found"));
      }
      if (!config.apiVersions.contains(apiVersion)) {
        return error(400, WireErrors.azure("BadRequest", "API version not supported"));
      }
    }
    if (pr.route() == Route.MODELS) {
      Fault f = pickFault(pr.route());
      Reply fr = f == null ? null : faultReply(f, style, pr.route(), null);
      return fr != null ? fr : models();
    }
    if (json == null || !json.isObject()) {
      return error(
          400,
          WireErrors.invalidRequest(
              bodyText.isEmpty()
                  ? "We could not parse the JSON body of your request. The body is empty."
                  : "We could not parse the JSON body of your request. (HINT: This likely means"
                      + " you aren't using your HTTP library correctly. The OpenAI API expects a"
                      + " JSON payload, but what was sent was not valid JSON.)",
              null,
              null));
    }
    if (deploymentName == null) {
      return error(
          400, WireErrors.invalidRequest("you must provide a model parameter", "model", null));
    }
    Deployment deployment = resolveDeployment(deploymentName);
    if (deployment == null) {
      return error(404, WireErrors.notFound(style, deploymentName));
    }
    Fault fault = pickFault(pr.route());
    if (fault != null) {
      Reply early = faultReply(fault, style, pr.route(), apiVersion);
      if (early != null) {
        return early;
      }
    }
    String version = apiVersion == null ? "v1" : apiVersion;
    Reply reply =
        pr.route() == Route.CHAT_COMPLETIONS
            ? chat(json, deployment, style, version, fault)
            : embeddings(json, deployment, style, version);
    if (fault != null) {
      applyTransportFault(fault, reply);
    }
    return reply;
  }

  private @Nullable Reply authenticate(Incoming in, ApiStyle style) {
    if (config.apiKeys.isEmpty() && config.bearerTokens.isEmpty()) {
      return null;
    }
    String authorization = in.headers().get("authorization");
    String bearer = null;
    if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      bearer = authorization.substring(7).trim();
    }
    if (style == ApiStyle.OPENAI) {
      if (bearer == null) {
        return error(401, WireErrors.unauthorized(style, false, true));
      }
      return config.apiKeys.contains(bearer) || config.bearerTokens.contains(bearer)
          ? null
          : error(401, WireErrors.unauthorized(style, false, false));
    }
    String apiKey = in.headers().get("api-key");
    if (apiKey != null) {
      return config.apiKeys.contains(apiKey.trim())
          ? null
          : error(401, WireErrors.unauthorized(style, false, false));
    }
    if (bearer != null) {
      boolean ok =
          config.bearerTokens.contains(bearer)
              || (style == ApiStyle.AZURE_V1 && config.apiKeys.contains(bearer));
      return ok ? null : error(401, WireErrors.unauthorized(style, true, false));
    }
    return error(401, WireErrors.unauthorized(style, false, true));
  }

  private @Nullable Deployment resolveDeployment(String name) {
    Deployment d = deployments.get(name);
    if (d != null) {
      return d;
    }
    if (!config.strictDeployments()) {
      return deployments.computeIfAbsent(name, this::implicitDeployment);
    }
    return null;
  }

  private Deployment implicitDeployment(String name) {
    Deployment t = template();
    return new Deployment(
        name,
        name,
        t.requestsPerMinute(),
        t.tokensPerMinute(),
        t.contextWindow(),
        t.embeddingDimensions(),
        t.reasoning());
  }

  private Deployment template() {
    return config.template;
  }

  private Reply models() {
    ObjectNode body = NODES.objectNode();
    body.put("object", "list");
    ArrayNode data = body.putArray("data");
    deployments.values().stream()
        .sorted((a, b) -> a.name().compareTo(b.name()))
        .forEach(
            d -> {
              ObjectNode m = data.addObject();
              m.put("id", d.name());
              m.put("object", "model");
              m.put("created", 1_700_000_000L);
              m.put("owned_by", "system");
            });
    return ok(body);
  }

  // ---------------------------------------------------------------- faults

  private @Nullable Fault pickFault(Route route) {
    for (FaultState s : faults) {
      Fault f = s.fault;
      if (!f.matches(route) || (isContentFault(f.kind()) && route != Route.CHAT_COMPLETIONS)) {
        continue;
      }
      long n = s.matches.incrementAndGet();
      if (n % f.everyNthValue() != 0) {
        continue;
      }
      if (f.probability() < 1 && random.nextDouble() >= f.probability()) {
        continue;
      }
      if (s.fired.incrementAndGet() > f.timesValue()) {
        continue;
      }
      counters.fault(f.kind());
      return f;
    }
    return null;
  }

  private static boolean isContentFault(Fault.Kind kind) {
    return kind == Fault.Kind.EMPTY_CONTENT
        || kind == Fault.Kind.INVALID_AGAINST_SCHEMA
        || kind == Fault.Kind.REFUSAL;
  }

  /** Faults that replace the answer entirely; null for those applied to a normal answer. */
  private @Nullable Reply faultReply(
      Fault f, ApiStyle style, Route route, @Nullable String apiVersion) {
    long ttfb = config.latency.firstByteMillis(random);
    Reply r =
        switch (f.kind()) {
          case SERVER_ERROR_500 -> error(500, WireErrors.serverStatus(style, 500));
          case BAD_GATEWAY_502 -> error(502, WireErrors.serverStatus(style, 502));
          case SERVICE_UNAVAILABLE_503 -> error(503, WireErrors.serverStatus(style, 503));
          case GATEWAY_TIMEOUT_504 -> error(504, WireErrors.serverStatus(style, 504));
          case REQUEST_TIMEOUT_408 -> error(408, WireErrors.serverStatus(style, 408));
          case CONFLICT_409 -> error(409, WireErrors.conflict(style));
          case FORBIDDEN_403 -> {
            Reply x = error(403, WireErrors.forbidden(style));
            if (style != ApiStyle.OPENAI) {
              x.header("policy-id", "ThrowExceptionDueToTrafficDenied");
            }
            yield x;
          }
          case RATE_LIMITED_429 -> {
            long ms = Math.max(1, f.duration().toMillis());
            long seconds = (ms + 999) / 1000;
            Reply x =
                error(
                    429,
                    WireErrors.rateLimited(
                        style,
                        operation(route),
                        apiVersion == null ? "v1" : apiVersion,
                        "the model",
                        false,
                        0,
                        seconds));
            retryHeaders(x, ms);
            yield x;
          }
          case RESET_BEFORE_HEADERS -> Reply.reset(ttfb);
          case NON_JSON_200 -> Reply.text(200, "text/plain; charset=utf-8", "OK");
          case HTML_GATEWAY_PAGE -> Reply.text(502, "text/html", WireErrors.HTML_GATEWAY);
          default -> null;
        };
    if (r != null && !r.resetBeforeHeaders) {
      r.headerDelayMillis = ttfb;
    }
    return r;
  }

  private void applyTransportFault(Fault f, Reply reply) {
    switch (f.kind()) {
      case DELAYED_HEADERS -> reply.headerDelayMillis += f.duration().toMillis();
      case TRUNCATED_JSON -> {
        if (!reply.streaming) {
          byte[] body = reply.body();
          byte[] half = java.util.Arrays.copyOf(body, Math.max(1, body.length / 2));
          reply.chunks.clear();
          reply.chunks.add(new Reply.Chunk(half, 0));
        } else {
          int keep = Math.max(1, reply.chunks.size() / 2);
          reply.chunks.subList(keep, reply.chunks.size()).clear();
        }
      }
      case RESET_MID_BODY -> {
        if (!reply.streaming) {
          byte[] body = reply.body();
          reply.declaredLength = body.length;
          byte[] half = java.util.Arrays.copyOf(body, Math.max(1, body.length / 2));
          reply.chunks.clear();
          reply.chunks.add(new Reply.Chunk(half, 0));
        } else {
          int keep = Math.max(1, reply.chunks.size() / 2);
          reply.chunks.subList(keep, reply.chunks.size()).clear();
        }
        reply.ending = Reply.Ending.RESET;
      }
      default -> {
        // content faults were applied while generating
      }
    }
  }

  private static String operation(Route route) {
    return switch (route) {
      case EMBEDDINGS -> "embeddings_create"; // the spec's operationId, lower case as it is
      case MODELS -> "Models_List";
      default -> "ChatCompletions_Create";
    };
  }

  // ---------------------------------------------------------------- chat

  private Reply chat(
      JsonNode req, Deployment d, ApiStyle style, String apiVersion, @Nullable Fault fault) {
    JsonNode messages = req.get("messages");
    if (messages == null || messages.isNull()) {
      return error(
          400, WireErrors.invalidRequest("'messages' is a required property", "messages", null));
    }
    if (!messages.isArray()) {
      return error(
          400,
          WireErrors.invalidRequest(
              "Invalid type for 'messages': expected an array, but got "
                  + messages.getNodeType().name().toLowerCase(Locale.ROOT)
                  + " instead.",
              "messages",
              "invalid_type"));
    }
    if (messages.isEmpty()) {
      return error(
          400,
          WireErrors.invalidRequest(
              "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an"
                  + " empty array instead.",
              "messages",
              "empty_array"));
    }
    List<String> contents = new ArrayList<>();
    for (int i = 0; i < messages.size(); i++) {
      JsonNode m = messages.get(i);
      String role = m.path("role").asText("");
      if (!ROLES.contains(role)) {
        return error(
            400,
            WireErrors.invalidRequest(
                "Invalid value: '"
                    + role
                    + "'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool',"
                    + " and 'developer'.",
                "messages[" + i + "].role",
                "invalid_value"));
      }
      contents.add(contentText(m.path("content")));
    }
    Reply invalid = validateChatParameters(req, d);
    if (invalid != null) {
      return invalid;
    }
    JsonNode format = req.path("response_format");
    String formatType = format.path("type").asText("text");
    JsonNode schema = null;
    String schemaName = null;
    switch (formatType) {
      case "text" -> {
        // nothing to check
      }
      case "json_object" -> {
        if (config.requireJsonWord
            && contents.stream().noneMatch(c -> c.toLowerCase(Locale.ROOT).contains("json"))) {
          return error(
              400,
              WireErrors.invalidRequest(
                  "'messages' must contain the word 'json' in some form, to use 'response_format'"
                      + " of type 'json_object'.",
                  "messages",
                  null));
        }
      }
      case "json_schema" -> {
        JsonNode js = format.get("json_schema");
        if (js == null || !js.isObject()) {
          return error(
              400,
              WireErrors.invalidRequest(
                  "Missing required parameter: 'response_format.json_schema'.",
                  "response_format.json_schema",
                  "missing_required_parameter"));
        }
        schemaName = js.path("name").asText("");
        if (!schemaName.matches("[A-Za-z0-9_-]{1,64}")) {
          return error(
              400,
              WireErrors.invalidRequest(
                  "Invalid 'response_format.json_schema.name': string does not match pattern."
                      + " Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.",
                  "response_format.json_schema.name",
                  "invalid_value"));
        }
        schema = js.get("schema");
        if (schema == null || !schema.isObject()) {
          return error(
              400,
              WireErrors.invalidRequest(
                  "Invalid schema for response_format '"
                      + schemaName
                      + "': schema must be a JSON"
                      + " Schema of 'type: \"object\"', got 'type: \"None\"'.",
                  "response_format",
                  "invalid_json_schema"));
        }
        if (js.path("strict").asBoolean(false)) {
          String problem = StrictSchemaCheck.problem(schema);
          if (problem != null) {
            return error(
                400,
                WireErrors.invalidRequest(
                    "Invalid schema for response_format '" + schemaName + "': " + problem,
                    "response_format",
                    "invalid_json_schema"));
          }
        }
      }
      default -> {
        return error(
            400,
            WireErrors.invalidRequest(
                "Invalid value: '"
                    + formatType
                    + "'. Supported values are: 'json_object', 'json_schema', and 'text'.",
                "response_format.type",
                "invalid_value"));
      }
    }
    String promptText = String.join("\n", contents);
    String lowerPrompt = promptText.toLowerCase(Locale.ROOT);
    if (containsTrigger(lowerPrompt, config.promptFilterTrigger)) {
      return error(400, WireErrors.promptFiltered(config.filterCategory, config.filterSeverity));
    }
    int promptTokens = TokenEstimator.promptTokens(contents);
    Integer maxTokens = maxTokens(req);
    long requested = promptTokens + (maxTokens == null ? 0 : maxTokens);
    if (requested > d.contextWindow()) {
      return error(
          400,
          WireErrors.invalidRequest(
              "This model's maximum context length is "
                  + d.contextWindow()
                  + " tokens. However, you requested "
                  + requested
                  + " tokens ("
                  + promptTokens
                  + " in the messages, "
                  + (maxTokens == null ? 0 : maxTokens)
                  + " in the completion). Please reduce the length of the messages or completion.",
              "messages",
              "context_length_exceeded"));
    }

    // Decide the answer.
    long seed = contentSeed(d, req);
    Random rnd = new Random(seed);
    String content = null;
    String refusal = null;
    String finish = "stop";
    String filteredCategory = null;
    Fault.Kind contentFault = fault == null ? null : fault.kind();
    if (contentFault == Fault.Kind.REFUSAL) {
      refusal = REFUSAL_TEXT;
    } else if (contentFault == Fault.Kind.EMPTY_CONTENT) {
      content = "";
    } else if (contentFault == Fault.Kind.INVALID_AGAINST_SCHEMA) {
      content = invalidAgainst(schema, rnd);
    } else if (containsTrigger(lowerPrompt, config.completionFilterTrigger)) {
      finish = "content_filter";
      filteredCategory = config.filterCategory;
    } else if (containsTrigger(lowerPrompt, config.refusalTrigger)) {
      refusal = REFUSAL_TEXT;
    } else {
      content = scripted(promptText);
      if (content == null) {
        content = generate(formatType, schema, rnd);
      }
    }
    int completionTokens = TokenEstimator.tokens(content != null ? content : nullToEmpty(refusal));
    if (maxTokens != null && content != null && completionTokens > maxTokens) {
      content = content.substring(0, Math.min(content.length(), maxTokens * 4));
      completionTokens = TokenEstimator.tokens(content);
      finish = "length";
    }
    int reasoningTokens = d.reasoning() ? REASONING_TOKENS : 0;
    completionTokens += reasoningTokens;

    RateLimiter.Decision decision =
        rateLimiter.acquire(d, promptTokens + (maxTokens != null ? maxTokens : completionTokens));
    if (!decision.allowed()) {
      return quotaExceeded(decision, d, style, Route.CHAT_COMPLETIONS, apiVersion);
    }

    String id = "chatcmpl-" + Long.toUnsignedString(seed ^ sequence.get(), 36);
    long created = clock.instant().getEpochSecond();
    ObjectNode usage = usage(promptTokens, completionTokens, reasoningTokens);
    long ttfb = config.latency.firstByteMillis(random);
    boolean azure = style != ApiStyle.OPENAI;
    if (req.path("stream").asBoolean(false)) {
      boolean includeUsage = req.path("stream_options").path("include_usage").asBoolean(false);
      return stream(
          id,
          created,
          d,
          content,
          refusal,
          finish,
          filteredCategory,
          includeUsage ? usage : null,
          azure,
          ttfb);
    }
    ObjectNode body = NODES.objectNode();
    body.put("id", id);
    body.put("object", "chat.completion");
    body.put("created", created);
    body.put("model", d.model());
    body.put("system_fingerprint", "fp_simulator");
    if (azure) {
      ArrayNode pfr = body.putArray("prompt_filter_results");
      ObjectNode p = pfr.addObject();
      p.put("prompt_index", 0);
      p.set("content_filter_results", WireErrors.filterResults(null, "safe", true));
    }
    ArrayNode choices = body.putArray("choices");
    ObjectNode choice = choices.addObject();
    choice.put("index", 0);
    ObjectNode message = choice.putObject("message");
    message.put("role", "assistant");
    message.put("content", content);
    message.put("refusal", refusal);
    choice.putNull("logprobs");
    choice.put("finish_reason", finish);
    if (azure) {
      choice.set(
          "content_filter_results",
          WireErrors.filterResults(filteredCategory, config.filterSeverity, false));
    }
    body.set("usage", usage);
    Reply r = ok(body);
    r.headerDelayMillis = ttfb + config.latency.tokensMillis(completionTokens, random);
    return r;
  }

  private @Nullable Reply validateChatParameters(JsonNode req, Deployment d) {
    JsonNode t = req.get("temperature");
    if (t != null && !t.isNull()) {
      if (!t.isNumber()) {
        return error(
            400,
            WireErrors.invalidRequest(
                "Invalid type for 'temperature': expected a decimal, but got a "
                    + t.getNodeType().name().toLowerCase(Locale.ROOT)
                    + " instead.",
                "temperature",
                "invalid_type"));
      }
      double v = t.asDouble();
      if (v > 2) {
        return error(
            400,
            WireErrors.invalidRequest(
                "Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got "
                    + v
                    + " instead.",
                "temperature",
                "decimal_above_max_value"));
      }
      if (v < 0) {
        return error(
            400,
            WireErrors.invalidRequest(
                "Invalid 'temperature': decimal below minimum value. Expected a value >= 0, but got "
                    + v
                    + " instead.",
                "temperature",
                "decimal_below_min_value"));
      }
      if (d.reasoning() && v != 1) {
        return error(
            400,
            WireErrors.invalidRequest(
                "Unsupported value: 'temperature' does not support "
                    + v
                    + " with this model. Only the default (1) value is supported.",
                "temperature",
                "unsupported_value"));
      }
    }
    for (String name : new String[] {"max_tokens", "max_completion_tokens"}) {
      JsonNode m = req.get(name);
      if (m == null || m.isNull()) {
        continue;
      }
      if (!m.isIntegralNumber()) {
        return error(
            400,
            WireErrors.invalidRequest(
                "Invalid type for '" + name + "': expected an integer.", name, "invalid_type"));
      }
      if (m.asLong() < 1) {
        return error(
            400,
            WireErrors.invalidRequest(
                "Invalid '"
                    + name
                    + "': integer below minimum value. Expected a value >= 1, but got "
                    + m.asLong()
                    + " instead.",
                name,
                "integer_below_min_value"));
      }
      if (d.reasoning() && name.equals("max_tokens")) {
        return error(
            400,
            WireErrors.invalidRequest(
                "Unsupported parameter: 'max_tokens' is not supported with this model. Use"
                    + " 'max_completion_tokens' instead.",
                "max_tokens",
                "unsupported_parameter"));
      }
    }
    if (req.has("reasoning_effort") && !d.reasoning()) {
      return error(
          400,
          WireErrors.invalidRequest(
              "Unrecognized request argument supplied: reasoning_effort",
              "reasoning_effort",
              "unsupported_parameter"));
    }
    return null;
  }

  private static @Nullable Integer maxTokens(JsonNode req) {
    JsonNode m = req.get("max_completion_tokens");
    if (m == null || m.isNull()) {
      m = req.get("max_tokens");
    }
    return m == null || m.isNull() ? null : m.asInt();
  }

  private static boolean containsTrigger(String lowerPrompt, @Nullable String trigger) {
    return trigger != null && lowerPrompt.contains(trigger.toLowerCase(Locale.ROOT));
  }

  private static String nullToEmpty(@Nullable String s) {
    return s == null ? "" : s;
  }

  static String contentText(JsonNode content) {
    if (content.isTextual()) {
      return content.asText();
    }
    if (content.isArray()) {
      StringBuilder sb = new StringBuilder();
      for (JsonNode part : content) {
        if (part.has("text")) {
          if (sb.length() > 0) {
            sb.append('\n');
          }
          sb.append(part.get("text").asText());
        }
      }
      return sb.toString();
    }
    return "";
  }

  private @Nullable String scripted(String promptText) {
    String queued = queuedReplies.poll();
    if (queued != null) {
      return queued;
    }
    for (Script s : scripts) {
      if (promptText.contains(s.phrase())) {
        return s.content();
      }
    }
    return null;
  }

  private String generate(String formatType, @Nullable JsonNode schema, Random rnd) {
    if (schema != null) {
      return SchemaValueGenerator.generate(schema, rnd.nextLong()).toString();
    }
    String sentence = sentence(rnd);
    if (formatType.equals("json_object")) {
      ObjectNode o = NODES.objectNode();
      o.put("answer", sentence);
      o.put("confidence", 0.5 + rnd.nextInt(50) / 100.0);
      return o.toString();
    }
    return sentence;
  }

  private static String sentence(Random rnd) {
    String words = SchemaValueGenerator.words(rnd, 6 + rnd.nextInt(8));
    return Character.toUpperCase(words.charAt(0)) + words.substring(1) + ".";
  }

  private static String invalidAgainst(@Nullable JsonNode schema, Random rnd) {
    if (schema == null) {
      return "[\"not\", \"an\", \"object\"]";
    }
    JsonNode valid = SchemaValueGenerator.generate(schema, rnd.nextLong());
    JsonNode required = schema.path("required");
    if (valid instanceof ObjectNode o && required.isArray() && !required.isEmpty()) {
      o.remove(required.get(0).asText());
      return o.toString();
    }
    return valid.isArray() ? "{\"unexpected\":true}" : "[\"unexpected\"]";
  }

  private long contentSeed(Deployment d, JsonNode req) {
    ObjectNode key = NODES.objectNode();
    key.put("seed", config.seed);
    key.put("deployment", d.name());
    key.set("messages", req.get("messages"));
    key.set("response_format", req.get("response_format"));
    if (req.has("seed")) {
      key.set("request_seed", req.get("seed"));
    }
    byte[] digest = sha256(key.toString().getBytes(UTF8));
    return ByteBuffer.wrap(digest).getLong();
  }

  private static ObjectNode usage(int prompt, int completion, int reasoning) {
    ObjectNode usage = NODES.objectNode();
    usage.put("prompt_tokens", prompt);
    usage.put("completion_tokens", completion);
    usage.put("total_tokens", prompt + completion);
    usage.putObject("prompt_tokens_details").put("cached_tokens", 0);
    usage.putObject("completion_tokens_details").put("reasoning_tokens", reasoning);
    return usage;
  }

  private Reply stream(
      String id,
      long created,
      Deployment d,
      @Nullable String content,
      @Nullable String refusal,
      String finish,
      @Nullable String filteredCategory,
      @Nullable ObjectNode usage,
      boolean azure,
      long ttfb) {
    Reply r = new Reply(200, "text/event-stream; charset=utf-8");
    r.streaming = true;
    r.headerDelayMillis = ttfb;
    long perToken = config.latency.perOutputToken().toMillis();
    if (azure) {
      ObjectNode first = NODES.objectNode();
      first.putArray("choices");
      first.put("created", 0);
      first.put("id", "");
      first.put("model", "");
      first.put("object", "");
      ObjectNode p = first.putArray("prompt_filter_results").addObject();
      p.put("prompt_index", 0);
      p.set("content_filter_results", WireErrors.filterResults(null, "safe", true));
      r.chunks.add(sse(first, 0));
    }
    ObjectNode roleDelta = NODES.objectNode();
    roleDelta.put("role", "assistant");
    roleDelta.put("content", "");
    roleDelta.putNull("refusal");
    r.chunks.add(sse(chunk(id, created, d, roleDelta, null, null, false), 0));
    String text = content != null ? content : refusal;
    String field = content != null ? "content" : "refusal";
    if (text != null) {
      for (int i = 0; i < text.length(); i += 4) {
        ObjectNode delta = NODES.objectNode();
        delta.put(field, text.substring(i, Math.min(text.length(), i + 4)));
        r.chunks.add(
            sse(
                chunk(id, created, d, delta, null, null, azure),
                config.latency.tokensMillis(1, random)));
      }
    }
    ObjectNode last =
        chunk(
            id,
            created,
            d,
            NODES.objectNode(),
            finish,
            azure ? WireErrors.filterResults(filteredCategory, config.filterSeverity, false) : null,
            false);
    r.chunks.add(sse(last, perToken > 0 ? perToken : 0));
    if (usage != null) {
      ObjectNode u = NODES.objectNode();
      u.put("id", id);
      u.put("object", "chat.completion.chunk");
      u.put("created", created);
      u.put("model", d.model());
      u.put("system_fingerprint", "fp_simulator");
      u.putArray("choices");
      u.set("usage", usage);
      r.chunks.add(sse(u, 0));
    }
    r.chunks.add(new Reply.Chunk("data: [DONE]\n\n".getBytes(UTF8), 0));
    r.header("cache-control", "no-cache");
    return r;
  }

  private ObjectNode chunk(
      String id,
      long created,
      Deployment d,
      ObjectNode delta,
      @Nullable String finish,
      @Nullable ObjectNode filterResults,
      boolean safeFilterResults) {
    ObjectNode c = NODES.objectNode();
    c.put("id", id);
    c.put("object", "chat.completion.chunk");
    c.put("created", created);
    c.put("model", d.model());
    c.put("system_fingerprint", "fp_simulator");
    ObjectNode choice = c.putArray("choices").addObject();
    choice.put("index", 0);
    choice.set("delta", delta);
    choice.putNull("logprobs");
    choice.put("finish_reason", finish);
    if (filterResults != null) {
      choice.set("content_filter_results", filterResults);
    } else if (safeFilterResults) {
      choice.set("content_filter_results", WireErrors.filterResults(null, "safe", false));
    }
    return c;
  }

  private static Reply.Chunk sse(JsonNode data, long delayMillis) {
    return new Reply.Chunk(("data: " + data + "\n\n").getBytes(UTF8), delayMillis);
  }

  // ---------------------------------------------------------------- embeddings

  private Reply embeddings(JsonNode req, Deployment d, ApiStyle style, String apiVersion) {
    JsonNode input = req.get("input");
    List<String> inputs = new ArrayList<>();
    if (input == null || input.isNull()) {
      return error(400, WireErrors.invalidRequest("'input' is a required property", "input", null));
    }
    if (input.isTextual()) {
      inputs.add(input.asText());
    } else if (input.isArray() && !input.isEmpty()) {
      boolean tokenArray = input.get(0).isNumber();
      if (tokenArray) {
        inputs.add(input.toString());
      } else {
        for (JsonNode item : input) {
          inputs.add(item.isTextual() ? item.asText() : item.toString());
        }
      }
    }
    if (inputs.isEmpty() || inputs.stream().anyMatch(String::isEmpty)) {
      return error(
          400,
          WireErrors.invalidRequest(
              "'$.input' is invalid. Please check the API reference:"
                  + " https://platform.openai.com/docs/api-reference.",
              "input",
              null));
    }
    if (inputs.size() > MAX_EMBEDDING_INPUTS) {
      return error(
          400,
          WireErrors.invalidRequest(
              "Too many inputs. The max number of inputs is "
                  + MAX_EMBEDDING_INPUTS
                  + ". We recommend splitting your request into smaller chunks.",
              "input",
              "invalid_value"));
    }
    int dims = d.embeddingDimensions();
    JsonNode dn = req.get("dimensions");
    if (dn != null && !dn.isNull() && !d.acceptsDimensions()) {
      // What OpenAI and Azure answer for text-embedding-ada-002, even when dimensions is its size.
      return error(
          400,
          WireErrors.invalidRequest(
              "This model does not support specifying dimensions.", null, null));
    }
    if (dn != null && !dn.isNull()) {
      if (!dn.isIntegralNumber() || dn.asInt() < 1 || dn.asInt() > d.embeddingDimensions()) {
        return error(
            400,
            WireErrors.invalidRequest(
                "Invalid 'dimensions': must be between 1 and " + d.embeddingDimensions() + ".",
                "dimensions",
                "invalid_value"));
      }
      dims = dn.asInt();
    }
    String encoding = req.path("encoding_format").asText("float");
    if (!encoding.equals("float") && !encoding.equals("base64")) {
      return error(
          400,
          WireErrors.invalidRequest(
              "Invalid value: '" + encoding + "'. Supported values are: 'float' and 'base64'.",
              "encoding_format",
              "invalid_value"));
    }
    int tokens = 0;
    for (String s : inputs) {
      tokens += TokenEstimator.tokens(s);
    }
    for (String s : inputs) {
      if (TokenEstimator.tokens(s) > 8192) {
        return error(
            400,
            WireErrors.invalidRequest(
                "This model's maximum context length is 8192 tokens, however you requested "
                    + TokenEstimator.tokens(s)
                    + " tokens. Please reduce your prompt; or completion length.",
                "input",
                "context_length_exceeded"));
      }
    }
    RateLimiter.Decision decision = rateLimiter.acquire(d, tokens);
    if (!decision.allowed()) {
      return quotaExceeded(decision, d, style, Route.EMBEDDINGS, apiVersion);
    }
    ObjectNode body = NODES.objectNode();
    body.put("object", "list");
    ArrayNode data = body.putArray("data");
    for (int i = 0; i < inputs.size(); i++) {
      float[] v = embedding(inputs.get(i), dims);
      ObjectNode item = data.addObject();
      item.put("object", "embedding");
      item.put("index", i);
      if (encoding.equals("base64")) {
        ByteBuffer buf = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
          buf.putFloat(f);
        }
        item.put("embedding", Base64.getEncoder().encodeToString(buf.array()));
      } else {
        ArrayNode arr = item.putArray("embedding");
        for (float f : v) {
          arr.add(f);
        }
      }
    }
    body.put("model", d.model());
    ObjectNode usage = body.putObject("usage");
    usage.put("prompt_tokens", tokens);
    usage.put("total_tokens", tokens);
    Reply r = ok(body);
    r.headerDelayMillis = config.latency.firstByteMillis(random);
    return r;
  }

  /** The deterministic unit vector for an input: equal inputs give equal vectors. */
  static float[] embedding(String input, int dimensions) {
    byte[] digest = sha256(input.getBytes(UTF8));
    Random rnd = new Random(ByteBuffer.wrap(digest).getLong());
    double[] raw = new double[dimensions];
    double norm = 0;
    for (int i = 0; i < dimensions; i++) {
      raw[i] = rnd.nextGaussian();
      norm += raw[i] * raw[i];
    }
    norm = Math.sqrt(norm);
    float[] out = new float[dimensions];
    for (int i = 0; i < dimensions; i++) {
      out[i] = (float) (raw[i] / norm);
    }
    return out;
  }

  // ---------------------------------------------------------------- helpers

  private Reply quotaExceeded(
      RateLimiter.Decision decision, Deployment d, ApiStyle style, Route route, String apiVersion) {
    counters.rateLimitedByQuota();
    long ms = decision.retryAfterMillis();
    long seconds = Math.max(1, (ms + 999) / 1000);
    long limit = decision.tokensExhausted() ? d.tokensPerMinute() : d.requestsPerMinute();
    Reply r =
        error(
            429,
            WireErrors.rateLimited(
                style,
                operation(route),
                apiVersion,
                d.model(),
                decision.tokensExhausted(),
                limit,
                seconds));
    retryHeaders(r, ms);
    return r;
  }

  /**
   * Adds the retry headers the builder asks for: {@code Retry-After} in whole seconds (rounded up)
   * or as an HTTP date, and optionally {@code retry-after-ms} and {@code x-ms-retry-after-ms}.
   */
  private void retryHeaders(Reply r, long waitMillis) {
    long seconds = Math.max(1, (waitMillis + 999) / 1000);
    if (config.retryAfterHttpDate) {
      long at = clock.millis() + waitMillis;
      long atSecond = (at + 999) / 1000;
      r.header("retry-after", HTTP_DATE.format(Instant.ofEpochSecond(atSecond)));
    } else {
      r.header("retry-after", Long.toString(seconds));
    }
    if (config.sendRetryAfterMs) {
      r.header("retry-after-ms", Long.toString(waitMillis));
    }
    if (config.sendMsRetryAfter) {
      r.header("x-ms-retry-after-ms", Long.toString(waitMillis));
    }
  }

  private void rateLimitHeaders(Reply reply, Deployment d, ApiStyle style) {
    RateLimiter.Decision now = rateLimiter.peek(d);
    reply.headers.putIfAbsent(
        "x-ratelimit-remaining-requests", Long.toString(now.remainingRequests()));
    reply.headers.putIfAbsent("x-ratelimit-remaining-tokens", Long.toString(now.remainingTokens()));
    if (style == ApiStyle.OPENAI) {
      reply.headers.putIfAbsent(
          "x-ratelimit-limit-requests", Integer.toString(d.requestsPerMinute()));
      reply.headers.putIfAbsent("x-ratelimit-limit-tokens", Integer.toString(d.tokensPerMinute()));
      String reset = formatReset(now.retryAfterMillis());
      reply.headers.putIfAbsent("x-ratelimit-reset-requests", reset);
      reply.headers.putIfAbsent("x-ratelimit-reset-tokens", reset);
    }
  }

  private static String formatReset(long millis) {
    if (millis < 1000) {
      return millis + "ms";
    }
    long s = millis / 1000;
    long ms = millis % 1000;
    return ms == 0 ? s + "s" : s + "." + String.format(Locale.ROOT, "%03d", ms) + "s";
  }

  private Reply error(int status, ObjectNode body) {
    Reply r = Reply.json(status, body);
    if (status == 401) {
      r.header("www-authenticate", "Bearer");
    }
    return r;
  }

  private static Reply ok(ObjectNode body) {
    return Reply.json(200, body);
  }

  private static @Nullable String queryParam(String query, String name) {
    if (query.isEmpty()) {
      return null;
    }
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      String key = java.net.URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), UTF8);
      if (key.equals(name)) {
        return eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), UTF8);
      }
    }
    return null;
  }

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JDK", e);
    }
  }

  private static final java.nio.charset.Charset UTF8 = StandardCharsets.UTF_8;
}
