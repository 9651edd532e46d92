package dev.llmclient.testkit.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Takes one request from the wire to an endpoint: records it, plays a test's raw reply if one
 * applies, then checks route, method, credentials, {@code api-version}, body and deployment as the
 * services do, lets the {@link FaultInjector} fire, and hands over to the chat or embeddings
 * endpoint. Adds the request-id, region and rate-limit headers every reply carries.
 */
final class SimulatorRouter {

  private record ParsedRoute(Route route, ApiStyle style, @Nullable String pathDeployment) {}

  private final SimulatorConfig config;
  private final SimulatorCounters counters;
  private final RequestLog log;
  private final DeploymentRegistry deployments;
  private final RawReplies rawReplies;
  private final FaultInjector faults;
  private final RateLimitReplies rateLimits;
  private final ChatEndpoint chat;
  private final EmbeddingsEndpoint embeddings;
  private final BatchEndpoints batches;

  SimulatorRouter(
      SimulatorConfig config,
      SimulatorCounters counters,
      RequestLog log,
      DeploymentRegistry deployments,
      RawReplies rawReplies,
      FaultInjector faults,
      RateLimitReplies rateLimits,
      ChatEndpoint chat,
      EmbeddingsEndpoint embeddings,
      BatchEndpoints batches) {
    this.config = config;
    this.counters = counters;
    this.log = log;
    this.deployments = deployments;
    this.rawReplies = rawReplies;
    this.faults = faults;
    this.rateLimits = rateLimits;
    this.chat = chat;
    this.embeddings = embeddings;
    this.batches = batches;
  }

  Reply handle(SimulatorEngine.Incoming in) {
    ParsedRoute pr = parse(in.path());
    long seq = log.next();
    String requestId =
        UUID.nameUUIDFromBytes((config.seed() + ":" + seq).getBytes(StandardCharsets.UTF_8))
            .toString();
    JsonNode json = null;
    String bodyText = new String(in.body(), StandardCharsets.UTF_8);
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
    RecordedRequest recordedRequest =
        new RecordedRequest(
            seq,
            config.clock().instant(),
            in.method(),
            in.path(),
            in.query(),
            in.headers(),
            bodyText,
            pr.route(),
            pr.style(),
            deploymentName,
            in.protocol());
    log.add(recordedRequest);
    counters.route(pr.route());

    Reply raw = rawReplies.replyTo(recordedRequest);
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
      rateLimits.rateLimitHeaders(reply, d == null ? deployments.template() : d, pr.style());
    }
    return reply;
  }

  private static ParsedRoute parse(String path) {
    if (path.startsWith("/openai/deployments/")) {
      String rest = path.substring("/openai/deployments/".length());
      int slash = rest.indexOf('/');
      if (slash > 0) {
        String deployment = rest.substring(0, slash);
        String op = rest.substring(slash);
        if (op.equals("/chat/completions")) {
          return new ParsedRoute(Route.CHAT_COMPLETIONS, ApiStyle.AZURE, deployment);
        }
        if (op.equals("/embeddings")) {
          return new ParsedRoute(Route.EMBEDDINGS, ApiStyle.AZURE, deployment);
        }
      }
      return new ParsedRoute(Route.UNKNOWN, ApiStyle.AZURE, null);
    }
    ApiStyle style;
    String op;
    if (path.startsWith("/openai/files") || path.startsWith("/openai/batches")) {
      return new ParsedRoute(batchRoute(path.substring("/openai".length())), ApiStyle.AZURE, null);
    }
    if (path.startsWith("/openai/v1/")) {
      style = ApiStyle.AZURE_V1;
      op = path.substring("/openai/v1".length());
    } else if (path.startsWith("/v1/")) {
      style = ApiStyle.OPENAI;
      op = path.substring("/v1".length());
    } else {
      return new ParsedRoute(
          Route.UNKNOWN, path.startsWith("/openai") ? ApiStyle.AZURE : ApiStyle.OPENAI, null);
    }
    Route route =
        switch (op) {
          case "/chat/completions" -> Route.CHAT_COMPLETIONS;
          case "/embeddings" -> Route.EMBEDDINGS;
          case "/models" -> Route.MODELS;
          default -> batchRoute(op);
        };
    return new ParsedRoute(route, style, null);
  }

  private static Route batchRoute(String op) {
    if (op.equals("/files") || op.startsWith("/files/")) {
      return Route.FILES;
    }
    if (op.equals("/batches") || op.startsWith("/batches/")) {
      return Route.BATCHES;
    }
    return Route.UNKNOWN;
  }

  /** The operation path of a files or batches request, such as {@code /batches/batch_1}. */
  private static String batchOperation(String path) {
    for (String prefix : new String[] {"/openai/v1", "/openai", "/v1"}) {
      if (path.startsWith(prefix + "/")) {
        return path.substring(prefix.length());
      }
    }
    return path;
  }

  private Reply dispatch(
      SimulatorEngine.Incoming in,
      ParsedRoute pr,
      @Nullable JsonNode json,
      String bodyText,
      @Nullable String deploymentName) {
    ApiStyle style = pr.style();
    if (pr.route() == Route.UNKNOWN) {
      return Reply.error(404, WireErrors.unknownRoute(style, in.method(), in.path()));
    }
    if (pr.route() == Route.FILES || pr.route() == Route.BATCHES) {
      return batches(in, pr, json);
    }
    String expectedMethod = pr.route() == Route.MODELS ? "GET" : "POST";
    if (!expectedMethod.equals(in.method())) {
      return Reply.error(
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
    String apiVersion = RecordedRequest.queryParameter(in.query(), "api-version");
    if (style == ApiStyle.AZURE) {
      if (apiVersion == null) {
        return Reply.error(404, WireErrors.azure("404", "Resource not found"));
      }
      if (!config.apiVersions().contains(apiVersion)) {
        return Reply.error(400, WireErrors.azure("BadRequest", "API version not supported"));
      }
    }
    if (pr.route() == Route.MODELS) {
      Fault f = faults.pick(pr.route());
      Reply fr = f == null ? null : faults.replacement(f, style, pr.route(), null);
      return fr != null ? fr : embeddings.models();
    }
    if (json == null || !json.isObject()) {
      return Reply.error(
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
      return Reply.error(
          400, WireErrors.invalidRequest("you must provide a model parameter", "model", null));
    }
    Deployment deployment = deployments.resolve(deploymentName);
    if (deployment == null) {
      return Reply.error(404, WireErrors.notFound(style, deploymentName));
    }
    Fault fault = faults.pick(pr.route());
    if (fault != null) {
      Reply early = faults.replacement(fault, style, pr.route(), apiVersion);
      if (early != null) {
        return early;
      }
    }
    String version = apiVersion == null ? "v1" : apiVersion;
    Reply reply =
        pr.route() == Route.CHAT_COMPLETIONS
            ? chat.chat(json, deployment, style, version, fault)
            : embeddings.embeddings(json, deployment, style, version);
    if (fault != null) {
      FaultInjector.applyTransportFault(fault, reply);
    }
    return reply;
  }

  private Reply batches(SimulatorEngine.Incoming in, ParsedRoute pr, @Nullable JsonNode json) {
    ApiStyle style = pr.style();
    Reply auth = authenticate(in, style);
    if (auth != null) {
      return auth;
    }
    String apiVersion = RecordedRequest.queryParameter(in.query(), "api-version");
    if (style == ApiStyle.AZURE) {
      if (apiVersion == null) {
        return Reply.error(404, WireErrors.azure("404", "Resource not found"));
      }
      if (!config.apiVersions().contains(apiVersion)) {
        return Reply.error(400, WireErrors.azure("BadRequest", "API version not supported"));
      }
    }
    Fault fault = faults.pick(pr.route());
    if (fault != null) {
      Reply early = faults.replacement(fault, style, pr.route(), apiVersion);
      if (early != null) {
        return early;
      }
    }
    return batches.handle(
        in.method(),
        batchOperation(in.path()),
        in.query(),
        in.headers(),
        in.body(),
        json,
        style,
        apiVersion == null ? "v1" : apiVersion);
  }

  private @Nullable Reply authenticate(SimulatorEngine.Incoming in, ApiStyle style) {
    if (!config.authenticates()) {
      return null;
    }
    String authorization = in.headers().get("authorization");
    String bearer = null;
    if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      bearer = authorization.substring(7).trim();
    }
    if (style == ApiStyle.OPENAI) {
      if (bearer == null) {
        return Reply.error(401, WireErrors.unauthorized(style, false, true));
      }
      return config.apiKeys().contains(bearer) || config.bearerTokens().contains(bearer)
          ? null
          : Reply.error(401, WireErrors.unauthorized(style, false, false));
    }
    String apiKey = in.headers().get("api-key");
    if (apiKey != null) {
      return config.apiKeys().contains(apiKey.trim())
          ? null
          : Reply.error(401, WireErrors.unauthorized(style, false, false));
    }
    if (bearer != null) {
      boolean ok =
          config.bearerTokens().contains(bearer)
              || (style == ApiStyle.AZURE_V1 && config.apiKeys().contains(bearer));
      return ok ? null : Reply.error(401, WireErrors.unauthorized(style, true, false));
    }
    return Reply.error(401, WireErrors.unauthorized(style, false, true));
  }
}
