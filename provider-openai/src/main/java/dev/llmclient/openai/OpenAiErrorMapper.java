package dev.llmclient.openai;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.llmclient.api.AuthenticationException;
import dev.llmclient.api.ConflictException;
import dev.llmclient.api.ConnectionPoolTimeoutException;
import dev.llmclient.api.ContentFilterException;
import dev.llmclient.api.ContextLengthExceededException;
import dev.llmclient.api.ErrorContext;
import dev.llmclient.api.InvalidRequestException;
import dev.llmclient.api.InvalidResponseException;
import dev.llmclient.api.LlmConnectionException;
import dev.llmclient.api.LlmException;
import dev.llmclient.api.LlmTimeoutException;
import dev.llmclient.api.NotFoundException;
import dev.llmclient.api.RateLimitException;
import dev.llmclient.api.ServerException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Predicate;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.apache.hc.core5.http.MessageConstraintException;
import org.apache.hc.core5.http2.hpack.HeaderListConstraintException;
import org.apache.hc.core5.util.DeadlineTimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * The one place where an HTTP status and error body become a typed {@link LlmException}.
 *
 * <p>{@code Table.ROWS} is read top to bottom and the first matching row wins. Every row is covered
 * by a test with the exact body the service sends (see {@code azure-openai-errors.md}).
 */
final class OpenAiErrorMapper {

  private static final int EXCERPT = 300;

  /** One row of the table: when it applies and what it produces. */
  private record Row(
      String when, Predicate<Failure> matches, Function<Failure, LlmException> create) {}

  /** Everything the rows look at. */
  record Failure(
      OpenAiErrorMapper mapper,
      int status,
      ErrorContext context,
      CallTarget target,
      Function<String, @Nullable String> header,
      @Nullable String code,
      @Nullable String param,
      @Nullable String innerCode,
      @Nullable JsonNode filterResults,
      String detail) {

    boolean isContentFilter() {
      return "content_filter".equals(code)
          || "ResponsibleAIPolicyViolation".equals(innerCode)
          || filterResults != null;
    }

    boolean isContextLength() {
      return "context_length_exceeded".equals(code)
          || detail.toLowerCase(Locale.ROOT).contains("maximum context length");
    }
  }

  /**
   * The table, in a holder class so that its two dozen lambdas are only bootstrapped when the first
   * error is mapped, not on every client's cold start.
   */
  private static final class Table {
    static final List<Row> ROWS =
        List.of(
            new Row(
                "400 content_filter (prompt filtered)",
                f -> f.status() == 400 && f.isContentFilter(),
                f ->
                    new ContentFilterException(
                        "The content filter blocked the prompt: "
                            + f.detail()
                            + " Change the input; the same text is filtered on every retry.",
                        f.context(),
                        ContentFilterException.Side.PROMPT,
                        filterResults(f.filterResults()),
                        null)),
            new Row(
                "400 context_length_exceeded",
                f -> f.status() == 400 && f.isContextLength(),
                f ->
                    new ContextLengthExceededException(
                        "The prompt and output cap exceed the model's context window: "
                            + f.detail()
                            + " Shorten the messages or lower maxTokens.",
                        f.context(),
                        f.param(),
                        null)),
            new Row(
                "401 / 403",
                f -> f.status() == 401 || f.status() == 403,
                f ->
                    new AuthenticationException(
                        (f.status() == 401 ? "Authentication failed: " : "Access denied: ")
                            + f.detail()
                            + " "
                            + f.mapper().authHint,
                        f.context(),
                        null)),
            new Row(
                "404 / DeploymentNotFound",
                f -> f.status() == 404 || "DeploymentNotFound".equals(f.code()),
                f ->
                    new NotFoundException(
                        "No "
                            + f.mapper().targetNoun
                            + " '"
                            + f.target().model()
                            + "' at "
                            + f.target()
                            + ": "
                            + f.detail()
                            + " "
                            + f.mapper().notFoundHint,
                        f.context(),
                        null)),
            new Row(
                "408",
                f -> f.status() == 408,
                f ->
                    new LlmTimeoutException(
                        "The server timed out waiting for the request: " + f.detail(),
                        f.context(),
                        null)),
            new Row(
                "409",
                f -> f.status() == 409,
                f -> new ConflictException("Conflict: " + f.detail(), f.context(), null)),
            new Row(
                "429",
                f -> f.status() == 429,
                f ->
                    new RateLimitException(
                        "Rate limit exceeded: "
                            + f.detail()
                            + " Lower the concurrency or raise the deployment's quota.",
                        f.context(),
                        RetryAfter.parse(f.header(), f.mapper().clock),
                        null)),
            new Row(
                "407 proxy authentication",
                f -> f.status() == 407,
                f ->
                    new AuthenticationException(
                        "The proxy "
                            + (f.mapper().proxies.isEmpty() ? "" : f.mapper().proxies + " ")
                            + "refused the credentials (407 Proxy Authentication Required). Set "
                            + HttpTransportSettings.PROXY_USER
                            + " and "
                            + HttpTransportSettings.PROXY_PASSWORD
                            + ", or put user:password in the proxy URL (HTTPS_PROXY / HTTP_PROXY).",
                        f.context(),
                        null)),
            new Row(
                "other 4xx (400, 422, ...)",
                f -> f.status() >= 400 && f.status() < 500,
                f ->
                    new InvalidRequestException(
                        "The server rejected the request"
                            + (f.param() == null ? "" : " (param '" + f.param() + "')")
                            + ": "
                            + f.detail(),
                        f.context(),
                        f.param(),
                        f.code(),
                        null)),
            new Row(
                "5xx",
                f -> f.status() >= 500,
                f ->
                    new ServerException(
                        "The server failed (" + f.status() + "): " + f.detail(),
                        f.context(),
                        RetryAfter.parse(f.header(), f.mapper().clock),
                        null)),
            new Row(
                "anything else (1xx, 3xx)",
                f -> true,
                f ->
                    new InvalidResponseException(
                        "Unexpected HTTP status "
                            + f.status()
                            + " from "
                            + f.target()
                            + ": "
                            + f.detail(),
                        f.context(),
                        null)));

    private Table() {}
  }

  private final String providerId;
  private final String targetNoun;
  private final String authHint;
  private final String notFoundHint;
  private final Redactor redactor;
  private final Clock clock;
  private final String proxies;

  OpenAiErrorMapper(
      String providerId,
      String targetNoun,
      String authHint,
      String notFoundHint,
      Redactor redactor,
      Clock clock,
      String proxies) {
    this.providerId = providerId;
    this.proxies = proxies;
    this.targetNoun = targetNoun;
    this.authHint = authHint;
    this.notFoundHint = notFoundHint;
    this.redactor = redactor;
    this.clock = clock;
  }

  /** The context an exception for this response carries. */
  ErrorContext context(@Nullable Integer status, Function<String, @Nullable String> header) {
    return new ErrorContext(providerId, status, requestId(header));
  }

  static @Nullable String requestId(Function<String, @Nullable String> header) {
    String id = header.apply("x-request-id");
    return id != null ? id : header.apply("apim-request-id");
  }

  /**
   * Maps a non-2xx response whose body may be only a prefix of what the server sent.
   *
   * @param status the HTTP status
   * @param header looks a response header up by lower-case name
   * @param body the response body, or its first bytes
   * @param complete whether {@code body} is the whole body
   * @param target what was called
   * @return the exception to complete the call with
   */
  LlmException fromResponse(
      int status,
      Function<String, @Nullable String> header,
      byte[] body,
      boolean complete,
      CallTarget target) {
    ErrorContext context = context(status, header);
    JsonNode error = complete && startsLikeJson(body, '{') ? errorObject(body) : null;
    Failure failure;
    if (error == null) {
      String excerpt = redactor.excerpt(body, complete, EXCERPT);
      String detail = excerpt.isEmpty() ? "(empty body)" : "non-JSON body '" + excerpt + "'.";
      failure = new Failure(this, status, context, target, header, null, null, null, null, detail);
    } else {
      JsonNode inner = error.has("innererror") ? error.get("innererror") : error.get("inner_error");
      JsonNode filter = null;
      String innerCode = null;
      if (inner != null && inner.isObject()) {
        innerCode = textOrNull(inner.get("code"));
        filter =
            inner.has("content_filter_result")
                ? inner.get("content_filter_result")
                : inner.get("content_filter_results");
        if (filter != null && !filter.isObject()) {
          filter = null;
        }
      }
      String message = textOrNull(error.get("message"));
      String detail = message == null ? "(no message)" : redactor.excerpt(message, EXCERPT);
      // param and code are the server's text too: shown in messages and kept on the exception.
      if (!detail.endsWith(".") && !detail.endsWith("...")) {
        detail = detail + ".";
      }
      failure =
          new Failure(
              this,
              status,
              context,
              target,
              header,
              shortText(textOrNull(error.get("code"))),
              shortText(textOrNull(error.get("param"))),
              innerCode,
              filter,
              detail);
    }
    for (Row row : Table.ROWS) {
      if (row.matches().test(failure)) {
        return row.create().apply(failure);
      }
    }
    throw new AssertionError("the last row matches everything");
  }

  /**
   * A 200 whose choice finished with {@code content_filter}.
   *
   * @param context the response's context
   * @param results the choice's {@code content_filter_results}, or null
   * @return the exception
   */
  ContentFilterException completionFiltered(ErrorContext context, @Nullable JsonNode results) {
    return new ContentFilterException(
        "The content filter blocked the completion (finish_reason content_filter)."
            + " Rephrase the prompt so the answer does not trigger the filter.",
        context,
        ContentFilterException.Side.COMPLETION,
        filterResults(results),
        null);
  }

  /**
   * A 2xx whose body is not what the API defines.
   *
   * @param context the response's context
   * @param what what was wrong
   * @param body the body, for a short excerpt
   * @param cause the parse failure, or null
   * @return the exception
   */
  InvalidResponseException invalidBody(
      ErrorContext context, String what, byte[] body, @Nullable Throwable cause) {
    String excerpt = redactor.excerpt(body, true, 200);
    return new InvalidResponseException(
        what
            + (excerpt.isEmpty() ? " (empty body)" : ": '" + excerpt + "'")
            + ". Check that the base URL points at an OpenAI-compatible API.",
        context,
        safeCause(cause));
  }

  /**
   * Whether a 2xx body that failed to parse is a JSON document cut off or broken in transit (retry
   * it) rather than an answer that is not what the API defines (report it at once).
   *
   * @param failure what the parser threw
   * @param body the body
   * @return true for a syntax error or early end (anywhere in the cause chain) in a body that
   *     starts as a JSON object
   */
  static boolean isBrokenJson(Throwable failure, byte[] body) {
    if (!startsLikeJson(body, '{')) {
      return false;
    }
    // Jackson's data binding wraps the parser's exception in a JsonMappingException.
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof JsonParseException) {
        return true;
      }
    }
    return false;
  }

  /**
   * A 2xx body that started as JSON but ended early or broke off: a transfer cut short (a proxy, a
   * reset stream, a server that died mid-answer). Retryable, like a connection failure.
   *
   * @param context the response's context
   * @param target what was called
   * @param body the body received
   * @param cause the parse failure
   * @return the exception
   */
  LlmConnectionException brokenBody(
      ErrorContext context, CallTarget target, byte[] body, Throwable cause) {
    String why =
        cause instanceof JsonProcessingException jpe && jpe.getOriginalMessage() != null
            ? jpe.getOriginalMessage()
            : String.valueOf(cause.getMessage());
    int newline = why.indexOf('\n');
    why = redactor.excerpt(newline < 0 ? why : why.substring(0, newline), 120);
    return new LlmConnectionException(
        "The response body from "
            + target
            + " ended early or broke off after "
            + body.length
            + " bytes ("
            + why
            + "): the transfer was cut short, so the call may be retried. If this keeps"
            + " happening, check the proxies or gateways between you and the server.",
        context,
        safeCause(cause));
  }

  /**
   * The cause to attach to an exception: {@code cause} itself, unless a message in its chain
   * carries a known secret; then a copy of the chain with the secrets removed.
   */
  @Nullable Throwable safeCause(@Nullable Throwable cause) {
    return redactor.safeCause(cause);
  }

  /** The server's short strings (param, code): redacted and cut. */
  private @Nullable String shortText(@Nullable String text) {
    return text == null ? null : redactor.excerpt(text, 100);
  }

  private static boolean startsLikeJson(byte[] body, char first) {
    for (byte b : body) {
      if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
        return b == first;
      }
    }
    return false;
  }

  /**
   * Maps a failure before or during the exchange (no complete response).
   *
   * @param failure what the HTTP client reported
   * @param target what was called
   * @param maxResponseBytes the configured limit, for the too-large message
   * @return the exception
   */
  LlmException fromTransport(Throwable failure, CallTarget target, HttpTransportSettings settings) {
    Throwable t = unwrap(failure);
    if (t instanceof LlmException e) {
      return e;
    }
    ErrorContext context = ErrorContext.provider(providerId);
    String reason =
        t.getClass().getSimpleName()
            + (t.getMessage() == null ? "" : ": " + redactor.excerpt(t.getMessage(), EXCERPT));
    Throwable cause = safeCause(t);
    if (t instanceof ResponseTooLargeException) {
      return new InvalidResponseException(
          "The response from "
              + target
              + " is larger than "
              + settings.maxResponseBytes()
              + " bytes. Raise "
              + HttpTransportSettings.MAX_RESPONSE_BYTES
              + " if such answers are expected.",
          context,
          null);
    }
    if (isHeaderLimit(t)) {
      return new InvalidResponseException(
          "The response headers from "
              + target
              + " exceed the limits ("
              + reason
              + "): at most "
              + HttpTransportSettings.MAX_HEADER_COUNT
              + " headers, "
              + HttpTransportSettings.MAX_HEADER_LINE_BYTES
              + " bytes per line and "
              + HttpTransportSettings.MAX_HEADER_BYTES
              + " bytes in all. Check the server or the proxy in between; no OpenAI-compatible"
              + " API sends such headers.",
          context,
          cause);
    }
    if (t instanceof DeadlineTimeoutException
        || t instanceof HttpTransport.PoolWaitTimeoutException) {
      // The pool's lease deadline, or our own clock for it: the request was never sent.
      return new ConnectionPoolTimeoutException(
          "No pooled connection to "
              + target
              + " became free within "
              + settings.poolWaitTimeout()
              + ": all "
              + settings.maxConnectionsPerRoute()
              + " connections to the host were busy, so the request was not sent. Raise "
              + HttpTransportSettings.MAX_CONNECTIONS
              + " (the pool size, now "
              + settings.maxConnectionsPerRoute()
              + ") or "
              + HttpTransportSettings.POOL_WAIT_TIMEOUT
              + " (the wait, now "
              + settings.poolWaitTimeout()
              + "), or send fewer calls at once.",
          context,
          cause);
    }
    if (t instanceof TimeoutException || t instanceof InterruptedIOException) {
      return new LlmTimeoutException(
          "No complete response from "
              + target
              + " in time ("
              + reason
              + "). Raise "
              + HttpTransportSettings.RESPONSE_TIMEOUT
              + " or "
              + HttpTransportSettings.CONNECT_TIMEOUT
              + " if the model needs longer.",
          context,
          cause);
    }
    if (t instanceof SSLPeerUnverifiedException) {
      return new LlmConnectionException(
          "The TLS certificate of "
              + target
              + " was not issued for that host name ("
              + reason
              + "). Call the host by a name the certificate lists, or fix the certificate;"
              + " never turn host-name checks off.",
          context,
          cause);
    }
    if (t instanceof SSLException) {
      return new LlmConnectionException(
          "TLS failed for "
              + target
              + " ("
              + reason
              + "). If the server uses a private CA, set "
              + HttpTransportSettings.TRUST_STORE
              + ".",
          context,
          cause);
    }
    if (t instanceof CancellationException) {
      return new LlmConnectionException(
          "The call to " + target + " was cancelled, usually because the client was closed.",
          context,
          cause);
    }
    if (t instanceof IOException) {
      return new LlmConnectionException(
          "Connection to "
              + target
              + " failed ("
              + reason
              + "). Check the base URL, the network and the proxy settings.",
          context,
          cause);
    }
    return new LlmConnectionException(
        "The call to " + target + " failed (" + reason + ").", context, cause);
  }

  private static Throwable unwrap(Throwable t) {
    Throwable current = t;
    while ((current instanceof CompletionException || current instanceof ExecutionException)
        && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }

  /** True for the transport's header-limit failures (ours, HTTP/1.1's and HTTP/2's). */
  private static boolean isHeaderLimit(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof ResponseHeadersTooLargeException
          || c instanceof MessageConstraintException
          || c instanceof HeaderListConstraintException) {
        return true;
      }
    }
    return false;
  }

  private static @Nullable JsonNode errorObject(byte[] body) {
    try {
      JsonNode root = Json.MAPPER.readTree(body);
      JsonNode error = root == null ? null : root.get("error");
      if (error != null && error.isObject()) {
        return error;
      }
      if (error != null && error.isTextual()) {
        // Some compatible servers send {"error": "message"}.
        return Json.MAPPER.createObjectNode().put("message", error.asText());
      }
      return root != null && root.isObject() && root.has("message") ? root : null;
    } catch (IOException e) {
      return null;
    }
  }

  private static @Nullable String textOrNull(@Nullable JsonNode node) {
    if (node == null || node.isNull() || node.isContainerNode()) {
      return null;
    }
    return node.asText();
  }

  /** Turns a category map into results, keeping the service's order; skips the error entry. */
  static List<ContentFilterException.Result> filterResults(@Nullable JsonNode results) {
    List<ContentFilterException.Result> list = new ArrayList<>();
    if (results == null || !results.isObject()) {
      return list;
    }
    for (Map.Entry<String, JsonNode> entry : results.properties()) {
      JsonNode value = entry.getValue();
      if (!value.isObject() || !value.has("filtered")) {
        continue;
      }
      JsonNode detected = value.get("detected");
      list.add(
          new ContentFilterException.Result(
              entry.getKey(),
              value.get("filtered").asBoolean(),
              textOrNull(value.get("severity")),
              detected == null || detected.isNull() ? null : detected.asBoolean()));
    }
    return list;
  }
}
