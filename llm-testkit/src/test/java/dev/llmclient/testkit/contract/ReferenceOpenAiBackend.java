package dev.llmclient.testkit.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmclient.api.AuthenticationException;
import dev.llmclient.api.ContentFilterException;
import dev.llmclient.api.ContextLengthExceededException;
import dev.llmclient.api.ErrorContext;
import dev.llmclient.api.InvalidRequestException;
import dev.llmclient.api.InvalidResponseException;
import dev.llmclient.api.LlmConnectionException;
import dev.llmclient.api.LlmException;
import dev.llmclient.api.LlmTimeoutException;
import dev.llmclient.api.Message;
import dev.llmclient.api.NotFoundException;
import dev.llmclient.api.RateLimitException;
import dev.llmclient.api.ServerException;
import dev.llmclient.api.Usage;
import dev.llmclient.api.spi.BackendInfo;
import dev.llmclient.api.spi.ChatBackend;
import dev.llmclient.api.spi.ChatCompletion;
import dev.llmclient.api.spi.ChatCompletionRequest;
import dev.llmclient.api.spi.EmbeddingBackend;
import dev.llmclient.api.spi.EmbeddingRequest;
import dev.llmclient.api.spi.EmbeddingResult;
import dev.llmclient.api.spi.RateLimitInfo;
import dev.llmclient.api.spi.ResponseFormat;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A minimal OpenAI-wire backend on java.net.http, used only to prove the contract kit can be passed
 * (and fails when a rule is broken). Not a product: no pooling settings, no proxies.
 */
final class ReferenceOpenAiBackend implements ChatBackend, EmbeddingBackend {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  static final String PROVIDER = "reference";

  private final URI base;
  private final String apiKey;
  private final Duration timeout;
  private final ExecutorService executor;
  private final HttpClient client;
  private final Set<CompletableFuture<?>> inFlight = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  ReferenceOpenAiBackend(URI openAiBase, String apiKey, Duration timeout) {
    this.base = openAiBase;
    this.apiKey = apiKey;
    this.timeout = timeout;
    this.executor =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "reference-backend");
              t.setDaemon(true);
              return t;
            });
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .executor(executor)
            .connectTimeout(timeout)
            .build();
  }

  @Override
  public BackendInfo info() {
    return new BackendInfo(PROVIDER, "openai", base, null, null);
  }

  @Override
  public CompletableFuture<ChatCompletion> complete(ChatCompletionRequest request) {
    ObjectNode body = MAPPER.createObjectNode();
    body.put("model", request.model());
    ArrayNode messages = body.putArray("messages");
    for (Message m : request.messages()) {
      messages
          .addObject()
          .put("role", m.role().name().toLowerCase(java.util.Locale.ROOT))
          .put("content", m.content());
    }
    if (request.temperature() != null) {
      body.put("temperature", request.temperature());
    }
    if (request.maxOutputTokens() != null) {
      body.put("max_completion_tokens", request.maxOutputTokens());
    }
    if (request.responseFormat() instanceof ResponseFormat.JsonObject) {
      body.putObject("response_format").put("type", "json_object");
    } else if (request.responseFormat() instanceof ResponseFormat.JsonSchema s) {
      ObjectNode f = body.putObject("response_format");
      f.put("type", "json_schema");
      ObjectNode js = f.putObject("json_schema");
      js.put("name", s.name());
      js.put("strict", s.strict());
      js.set("schema", parse(s.schemaJson()));
    }
    if (request.user() != null) {
      body.put("user", request.user());
    }
    return send("/chat/completions", body, request.headers(), this::completion);
  }

  @Override
  public CompletableFuture<EmbeddingResult> embed(EmbeddingRequest request) {
    ObjectNode body = MAPPER.createObjectNode();
    body.put("model", request.model());
    ArrayNode input = body.putArray("input");
    request.inputs().forEach(input::add);
    if (request.dimensions() != null) {
      body.put("dimensions", request.dimensions());
    }
    return send("/embeddings", body, request.headers(), this::embeddings);
  }

  private <T> CompletableFuture<T> send(
      String path,
      ObjectNode body,
      Map<String, String> headers,
      Function<HttpResponse<String>, T> onOk) {
    CompletableFuture<T> result = new CompletableFuture<>();
    if (closed) {
      result.completeExceptionally(new LlmConnectionException("the backend is closed"));
      return result;
    }
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(timeout)
            .header("content-type", "application/json")
            .header("authorization", "Bearer " + apiKey)
            .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
    headers.forEach(b::header);
    inFlight.add(result);
    client
        .sendAsync(b.build(), HttpResponse.BodyHandlers.ofString())
        .whenComplete(
            (response, error) -> {
              try {
                if (error != null) {
                  result.completeExceptionally(transportFailure(error));
                } else if (response.statusCode() == 200) {
                  result.complete(onOk.apply(response));
                } else {
                  result.completeExceptionally(httpFailure(response));
                }
              } catch (LlmException e) {
                result.completeExceptionally(e);
              } finally {
                inFlight.remove(result);
              }
            });
    return result;
  }

  private ChatCompletion completion(HttpResponse<String> response) {
    JsonNode json = body(response);
    JsonNode choice = json.path("choices").path(0);
    String requestId = requestId(response);
    if ("content_filter".equals(choice.path("finish_reason").asText())) {
      throw new ContentFilterException(
          "The completion was filtered",
          context(200, requestId),
          ContentFilterException.Side.COMPLETION,
          results(choice.path("content_filter_results")),
          null);
    }
    JsonNode message = choice.path("message");
    JsonNode usage = json.path("usage");
    return new ChatCompletion(
        text(message.get("content")),
        text(message.get("refusal")),
        text(choice.get("finish_reason")),
        Usage.of(usage.path("prompt_tokens").asLong(), usage.path("completion_tokens").asLong()),
        text(json.get("model")),
        text(json.get("id")),
        requestId,
        new RateLimitInfo(
            longHeader(response, "x-ratelimit-remaining-requests"),
            longHeader(response, "x-ratelimit-remaining-tokens"),
            null,
            null,
            null,
            null));
  }

  private EmbeddingResult embeddings(HttpResponse<String> response) {
    JsonNode json = body(response);
    List<float[]> vectors = new ArrayList<>();
    for (JsonNode item : json.path("data")) {
      JsonNode e = item.path("embedding");
      float[] v = new float[e.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) e.get(i).asDouble();
      }
      vectors.add(v);
    }
    return new EmbeddingResult(
        vectors,
        Usage.of(json.path("usage").path("prompt_tokens").asLong(), 0),
        text(json.get("model")),
        requestId(response));
  }

  private JsonNode body(HttpResponse<String> response) {
    try {
      return MAPPER.readTree(response.body());
    } catch (IOException e) {
      if (e instanceof com.fasterxml.jackson.core.JsonParseException
          && response.body().stripLeading().startsWith("{")) {
        // JSON cut off in transit: a broken transfer, retryable like a reset connection.
        throw new dev.llmclient.api.LlmConnectionException(
            "The server's 200 response ended early or broke off",
            context(200, requestId(response)),
            e);
      }
      throw new InvalidResponseException(
          "The server's 200 response is not JSON", context(200, requestId(response)), e);
    }
  }

  private LlmException httpFailure(HttpResponse<String> response) {
    int status = response.statusCode();
    ErrorContext ctx = context(status, requestId(response));
    JsonNode error;
    try {
      error = MAPPER.readTree(response.body()).path("error");
    } catch (IOException e) {
      error = MAPPER.missingNode();
    }
    String message = "HTTP " + status + ": " + error.path("message").asText("no error body");
    String code = text(error.get("code"));
    String param = text(error.get("param"));
    if (status == 401 || status == 403) {
      return new AuthenticationException(message, ctx, null);
    }
    if (status == 404) {
      return new NotFoundException(message, ctx, null);
    }
    if (status == 408) {
      return new LlmTimeoutException(message, ctx, null);
    }
    if (status == 429) {
      Duration wait = null;
      Long ms = longHeader(response, "retry-after-ms");
      Long s = longHeader(response, "retry-after");
      if (ms != null) {
        wait = Duration.ofMillis(ms);
      } else if (s != null) {
        wait = Duration.ofSeconds(s);
      }
      return new RateLimitException(message, ctx, wait, null);
    }
    if (status >= 500) {
      return new ServerException(message, ctx, null);
    }
    if ("content_filter".equals(code)) {
      return new ContentFilterException(
          message,
          ctx,
          ContentFilterException.Side.PROMPT,
          results(error.path("innererror").path("content_filter_result")),
          null);
    }
    if ("context_length_exceeded".equals(code)) {
      return new ContextLengthExceededException(message, ctx, param, null);
    }
    return new InvalidRequestException(message, ctx, param, code, null);
  }

  private static List<ContentFilterException.Result> results(JsonNode map) {
    List<ContentFilterException.Result> out = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : map.properties()) {
      JsonNode r = e.getValue();
      out.add(
          new ContentFilterException.Result(
              e.getKey(),
              r.path("filtered").asBoolean(),
              text(r.get("severity")),
              r.has("detected") ? r.get("detected").asBoolean() : null));
    }
    return out;
  }

  private static LlmException transportFailure(Throwable error) {
    Throwable cause =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause instanceof HttpTimeoutException) {
      return new LlmTimeoutException("No response in time", ErrorContext.provider(PROVIDER), cause);
    }
    return new LlmConnectionException(
        "The connection failed: " + cause.getClass().getSimpleName(),
        ErrorContext.provider(PROVIDER),
        cause);
  }

  private static ErrorContext context(int status, String requestId) {
    return new ErrorContext(PROVIDER, status, requestId);
  }

  private static String requestId(HttpResponse<String> response) {
    return response
        .headers()
        .firstValue("x-request-id")
        .orElse(response.headers().firstValue("apim-request-id").orElse(null));
  }

  private static Long longHeader(HttpResponse<String> response, String name) {
    return response.headers().firstValue(name).map(Long::valueOf).orElse(null);
  }

  private static String text(JsonNode node) {
    return node == null || node.isNull() ? null : node.asText();
  }

  private static JsonNode parse(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  @Override
  public void close() {
    closed = true;
    for (CompletableFuture<?> f : inFlight) {
      f.completeExceptionally(
          new LlmConnectionException(
              "the backend was closed", ErrorContext.provider(PROVIDER), null));
    }
    executor.shutdownNow();
  }
}
