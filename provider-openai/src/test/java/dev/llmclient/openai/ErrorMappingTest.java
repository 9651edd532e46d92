package dev.llmclient.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.llmclient.api.AuthenticationException;
import dev.llmclient.api.ConflictException;
import dev.llmclient.api.ContentFilterException;
import dev.llmclient.api.ContentFilterException.Result;
import dev.llmclient.api.ContextLengthExceededException;
import dev.llmclient.api.InvalidRequestException;
import dev.llmclient.api.InvalidResponseException;
import dev.llmclient.api.LlmConnectionException;
import dev.llmclient.api.LlmException;
import dev.llmclient.api.LlmTimeoutException;
import dev.llmclient.api.NotFoundException;
import dev.llmclient.api.RateLimitException;
import dev.llmclient.api.ServerException;
import dev.llmclient.testkit.simulator.Fault;
import dev.llmclient.testkit.simulator.LlmSimulator;
import dev.llmclient.testkit.simulator.RawReply;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every row of {@link OpenAiErrorMapper}'s table, through a real HTTP exchange with the simulator:
 * each error row sends the service's exact bytes as a {@link RawReply}; the timeout rows use the
 * simulator's delayed-headers fault.
 */
class ErrorMappingTest {

  private static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");

  private LlmSimulator sim;
  private OpenAiWireClient wire;

  @BeforeEach
  void start() {
    sim = Fixtures.simulator();
    wire =
        OpenAiWireClient.builder("openai")
            .routes(OpenAiRoutes.under(sim.openAiBaseUri()))
            .authenticator(RequestAuthenticator.bearer("sk-test-key-123456"))
            .clock(Clock.fixed(NOW, ZoneOffset.UTC))
            .hints("deployment", "Check AZURE_OPENAI_API_KEY.", "Check the deployment name.")
            .build();
  }

  @AfterEach
  void stop() {
    wire.close();
    sim.close();
  }

  private LlmException failure(RawReply reply) {
    sim.enqueueRaw(reply);
    Throwable t = catchThrowable(() -> wire.complete(Fixtures.request()).get(10, TimeUnit.SECONDS));
    assertThat(t).hasCauseInstanceOf(LlmException.class);
    LlmException e = (LlmException) t.getCause();
    assertThat(e.provider()).isEqualTo("openai");
    return e;
  }

  @Test
  void promptBlockedByTheContentFilterOnTheWireIsAContentFilterExceptionWithEveryCategory() {
    LlmException e =
        failure(
            RawReply.json(400, Fixtures.AZURE_PROMPT_FILTERED).header("apim-request-id", "apim-1"));

    assertThat(e).isInstanceOf(ContentFilterException.class);
    ContentFilterException cf = (ContentFilterException) e;
    assertThat(cf.httpStatus()).isEqualTo(400);
    assertThat(cf.requestId()).isEqualTo("apim-1");
    assertThat(cf.isRetryable()).isFalse();
    assertThat(cf.side()).isEqualTo(ContentFilterException.Side.PROMPT);
    assertThat(cf.results())
        .containsExactly(
            new Result("hate", false, "safe", null),
            new Result("jailbreak", false, null, false),
            new Result("self_harm", false, "safe", null),
            new Result("sexual", false, "safe", null),
            new Result("violence", true, "medium", null));
    assertThat(cf.filteredCategories()).extracting(Result::category).containsExactly("violence");
  }

  @Test
  void promptBlockedWithTheSpecSpellingInnerErrorIsReadToo() {
    LlmException e =
        failure(RawReply.json(400, Fixtures.SPEC_PROMPT_FILTERED).header("x-request-id", "req-9"));

    assertThat(e).isInstanceOf(ContentFilterException.class);
    ContentFilterException cf = (ContentFilterException) e;
    assertThat(cf.requestId()).isEqualTo("req-9");
    assertThat(cf.side()).isEqualTo(ContentFilterException.Side.PROMPT);
    assertThat(cf.filteredCategories())
        .containsExactly(
            new Result("sexual", true, "high", null), new Result("jailbreak", true, null, true));
    assertThat(cf.results()).hasSize(6).contains(new Result("profanity", false, null, true));
  }

  @Test
  void completionFinishedByTheContentFilterIsAContentFilterExceptionOnTheCompletionSide() {
    LlmException e =
        failure(
            RawReply.json(200, Fixtures.COMPLETION_FILTERED).header("apim-request-id", "apim-2"));

    assertThat(e).isInstanceOf(ContentFilterException.class);
    ContentFilterException cf = (ContentFilterException) e;
    assertThat(cf.httpStatus()).isEqualTo(200);
    assertThat(cf.requestId()).isEqualTo("apim-2");
    assertThat(cf.side()).isEqualTo(ContentFilterException.Side.COMPLETION);
    assertThat(cf.filteredCategories())
        .containsExactly(new Result("self_harm", true, "high", null));
    assertThat(cf.results())
        .contains(
            new Result("violence", false, "low", null),
            new Result("protected_material_text", false, null, false));
  }

  @Test
  void contextLengthExceededKeepsParamAndCode() {
    LlmException e =
        failure(RawReply.json(400, Fixtures.CONTEXT_LENGTH).header("x-request-id", "req-ctx"));

    assertThat(e).isInstanceOf(ContextLengthExceededException.class);
    ContextLengthExceededException c = (ContextLengthExceededException) e;
    assertThat(c.httpStatus()).isEqualTo(400);
    assertThat(c.requestId()).isEqualTo("req-ctx");
    assertThat(c.param()).isEqualTo("messages");
    assertThat(c.code()).isEqualTo("context_length_exceeded");
    assertThat(c.getMessage()).contains("maximum context length is 128000", "lower maxTokens");
  }

  @Test
  void otherBadRequestsAreInvalidRequestExceptionsWithParamAndCode() {
    LlmException e =
        failure(RawReply.json(400, Fixtures.INVALID_PARAM).header("x-request-id", "req-400"));

    assertThat(e).isExactlyInstanceOf(InvalidRequestException.class);
    InvalidRequestException i = (InvalidRequestException) e;
    assertThat(i.httpStatus()).isEqualTo(400);
    assertThat(i.requestId()).isEqualTo("req-400");
    assertThat(i.param()).isEqualTo("max_tokens");
    assertThat(i.code()).isEqualTo("unsupported_parameter");
    assertThat(i.isRetryable()).isFalse();
  }

  @Test
  void unprocessableEntityIsAnInvalidRequestException() {
    LlmException e =
        failure(
            RawReply.json(
                    422,
                    "{\"error\":{\"message\":\"messages: field required\",\"code\":\"invalid_value\",\"param\":\"messages\"}}")
                .header("x-request-id", "req-422"));

    assertThat(e).isExactlyInstanceOf(InvalidRequestException.class);
    assertThat(e.httpStatus()).isEqualTo(422);
    assertThat(e.requestId()).isEqualTo("req-422");
    assertThat(((InvalidRequestException) e).param()).isEqualTo("messages");
  }

  @Test
  void unauthorizedIsAnAuthenticationExceptionThatSaysWhatToCheck() {
    LlmException e =
        failure(RawReply.json(401, Fixtures.AZURE_401).header("apim-request-id", "apim-401"));

    assertThat(e).isInstanceOf(AuthenticationException.class);
    assertThat(e.httpStatus()).isEqualTo(401);
    assertThat(e.requestId()).isEqualTo("apim-401");
    assertThat(e.getMessage()).contains("Access denied", "Check AZURE_OPENAI_API_KEY");
    assertThat(e.isRetryable()).isFalse();
  }

  @Test
  void forbiddenIsAnAuthenticationException() {
    LlmException e =
        failure(
            RawReply.json(
                    403,
                    "{\"error\":{\"code\":\"PermissionDenied\",\"message\":\"Principal does not have access.\"}}")
                .header("x-request-id", "req-403"));

    assertThat(e).isInstanceOf(AuthenticationException.class);
    assertThat(e.httpStatus()).isEqualTo(403);
    assertThat(e.requestId()).isEqualTo("req-403");
  }

  @Test
  void deploymentNotFoundNamesTheDeploymentAndTheRoute() {
    LlmException e =
        failure(RawReply.json(404, Fixtures.AZURE_404).header("apim-request-id", "apim-404"));

    assertThat(e).isInstanceOf(NotFoundException.class);
    assertThat(e.httpStatus()).isEqualTo(404);
    assertThat(e.requestId()).isEqualTo("apim-404");
    assertThat(e.getMessage())
        .contains("deployment 'gpt-4o'", "POST /v1/chat/completions", "Check the deployment name");
  }

  @Test
  void requestTimeoutIsAnLlmTimeoutException() {
    LlmException e =
        failure(
            RawReply.json(408, "{\"error\":{\"message\":\"Request timed out.\"}}")
                .header("x-request-id", "req-408"));

    assertThat(e).isInstanceOf(LlmTimeoutException.class);
    assertThat(e.httpStatus()).isEqualTo(408);
    assertThat(e.requestId()).isEqualTo("req-408");
    assertThat(e.isRetryable()).isTrue();
  }

  @Test
  void conflictIsARetryableConflictException() {
    LlmException e =
        failure(
            RawReply.json(409, "{\"error\":{\"message\":\"busy\"}}")
                .header("x-request-id", "req-409"));

    assertThat(e).isInstanceOf(ConflictException.class);
    assertThat(e.httpStatus()).isEqualTo(409);
    assertThat(e.requestId()).isEqualTo("req-409");
    assertThat(e.isRetryable()).isTrue();
  }

  @Test
  void rateLimitedReadsRetryAfterSeconds() {
    LlmException e =
        failure(
            RawReply.json(429, Fixtures.AZURE_429)
                .header("Retry-After", "7")
                .header("apim-request-id", "apim-429"));

    assertThat(e).isInstanceOf(RateLimitException.class);
    RateLimitException r = (RateLimitException) e;
    assertThat(r.httpStatus()).isEqualTo(429);
    assertThat(r.requestId()).isEqualTo("apim-429");
    assertThat(r.retryAfter()).isEqualTo(Duration.ofSeconds(7));
    assertThat(r.isRetryable()).isTrue();
  }

  @Test
  void rateLimitedPrefersTheMillisecondHeaders() {
    RateLimitException r =
        (RateLimitException)
            failure(
                RawReply.json(429, Fixtures.AZURE_429)
                    .header("Retry-After", "7")
                    .header("retry-after-ms", "1500")
                    .header("x-ms-retry-after-ms", "250"));

    assertThat(r.retryAfter()).isEqualTo(Duration.ofMillis(250));
  }

  @Test
  void rateLimitedWithAnHttpDateWaitsUntilThatDate() {
    RateLimitException r =
        (RateLimitException)
            failure(
                RawReply.json(429, Fixtures.AZURE_429)
                    .header("Retry-After", "Fri, 27 Nov 2026 10:00:30 GMT"));

    assertThat(r.retryAfter()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void rateLimitedWithoutRetryHeadersHasNoRetryAfter() {
    RateLimitException r =
        (RateLimitException)
            failure(
                RawReply.json(429, Fixtures.AZURE_429)
                    .header("x-ratelimit-remaining-tokens", "-1")
                    .header("x-request-id", "req-429"));

    assertThat(r.retryAfter()).isNull();
    assertThat(r.requestId()).isEqualTo("req-429");
  }

  @Test
  void serverErrorsAreServerExceptions() {
    LlmException e =
        failure(RawReply.json(500, Fixtures.OPENAI_500).header("x-request-id", "req-500"));

    assertThat(e).isInstanceOf(ServerException.class);
    assertThat(e.httpStatus()).isEqualTo(500);
    assertThat(e.requestId()).isEqualTo("req-500");
    assertThat(e.isRetryable()).isTrue();
    assertThat(((ServerException) e).retryAfter()).isNull();
  }

  @Test
  void aServiceUnavailableKeepsTheServersRetryAfter() {
    LlmException e =
        failure(
            RawReply.json(503, Fixtures.OPENAI_500)
                .header("x-request-id", "req-503")
                .header("Retry-After", "4"));

    assertThat(e).isInstanceOf(ServerException.class);
    assertThat(e.httpStatus()).isEqualTo(503);
    assertThat(((ServerException) e).retryAfter()).isEqualTo(Duration.ofSeconds(4));
  }

  @Test
  void anHtmlGatewayPageBecomesAShortExcerpt() {
    LlmException e =
        failure(
            RawReply.text(502, "text/html", Fixtures.GATEWAY_HTML)
                .header("x-request-id", "req-502"));

    assertThat(e).isInstanceOf(ServerException.class);
    assertThat(e.httpStatus()).isEqualTo(502);
    assertThat(e.requestId()).isEqualTo("req-502");
    assertThat(e.getMessage()).contains("502 Bad Gateway").doesNotContain("<html>", "<center>");
  }

  @Test
  void aSuccessWhoseBodyIsNotACompletionIsAnInvalidResponseException() {
    LlmException e =
        failure(
            RawReply.text(
                    200, "text/html", "<html><body>Welcome to the captive portal</body></html>")
                .header("x-request-id", "req-200"));

    assertThat(e).isInstanceOf(InvalidResponseException.class);
    assertThat(e.httpStatus()).isEqualTo(200);
    assertThat(e.requestId()).isEqualTo("req-200");
    assertThat(e.getMessage()).contains("captive portal");
  }

  @Test
  void aSuccessWithoutChoicesIsAnInvalidResponseException() {
    LlmException e = failure(RawReply.json(200, "{\"object\":\"chat.completion\",\"choices\":[]}"));

    assertThat(e).isInstanceOf(InvalidResponseException.class);
    assertThat(e.getMessage()).contains("no choices");
  }

  @Test
  void anUnexpectedRedirectIsAnInvalidResponseException() {
    LlmException e = failure(RawReply.json(302, "{}").header("Location", "http://elsewhere/"));

    assertThat(e).isInstanceOf(InvalidResponseException.class);
    assertThat(e.httpStatus()).isEqualTo(302);
  }

  @Test
  void aSilentServerIsAnLlmTimeoutException() {
    sim.addFault(Fault.delayedHeaders(Duration.ofSeconds(5)));
    try (OpenAiWireClient quick =
        OpenAiWireClient.builder("openai")
            .routes(OpenAiRoutes.under(sim.openAiBaseUri()))
            .transport(
                HttpTransportSettings.builder().responseTimeout(Duration.ofMillis(200)).build())
            .build()) {
      Throwable t = catchThrowable(() -> quick.complete(Fixtures.request()).join());

      assertThat(t)
          .isInstanceOf(CompletionException.class)
          .hasCauseInstanceOf(LlmTimeoutException.class);
      assertThat(t.getCause().getMessage()).contains(HttpTransportSettings.RESPONSE_TIMEOUT);
    }
  }

  @Test
  void theCallTimeoutEndsAnExchangeThatTakesTooLong() {
    sim.respondAlways(RawReply.json(200, Fixtures.COMPLETION).after(Duration.ofSeconds(5)));
    try (OpenAiWireClient quick =
        OpenAiWireClient.builder("openai")
            .routes(OpenAiRoutes.under(sim.openAiBaseUri()))
            .transport(HttpTransportSettings.builder().callTimeout(Duration.ofMillis(200)).build())
            .build()) {
      long start = System.nanoTime();
      Throwable t = catchThrowable(() -> quick.complete(Fixtures.request()).join());

      assertThat(t).hasCauseInstanceOf(LlmTimeoutException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    }
  }

  @Test
  void aRefusedConnectionIsAnLlmConnectionException() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    try (OpenAiWireClient nowhere =
        OpenAiWireClient.builder("openai")
            .routes(OpenAiRoutes.under(URI.create("http://127.0.0.1:" + port + "/v1")))
            .build()) {
      Throwable t = catchThrowable(() -> nowhere.complete(Fixtures.request()).join());

      assertThat(t).hasCauseInstanceOf(LlmConnectionException.class);
      LlmException e = (LlmException) t.getCause();
      assertThat(e.provider()).isEqualTo("openai");
      assertThat(e.httpStatus()).isNull();
      assertThat(e.isRetryable()).isTrue();
    }
  }

  @Test
  void aResponseOverTheSizeLimitIsAnInvalidResponseExceptionNotAnOutOfMemoryError() {
    byte[] big = new byte[64 * 1024];
    java.util.Arrays.fill(big, (byte) 'x');
    sim.enqueueRaw(RawReply.bytes(200, "application/json", big));
    try (OpenAiWireClient small =
        OpenAiWireClient.builder("openai")
            .routes(OpenAiRoutes.under(sim.openAiBaseUri()))
            .transport(HttpTransportSettings.builder().maxResponseBytes(16 * 1024).build())
            .build()) {
      Throwable t = catchThrowable(() -> small.complete(Fixtures.request()).join());

      assertThat(t).hasCauseInstanceOf(InvalidResponseException.class);
      assertThat(t.getCause().getMessage())
          .contains("16384 bytes", HttpTransportSettings.MAX_RESPONSE_BYTES);
    }
  }

  @Test
  void aClosedClientFailsCallsWithAConnectionException() {
    wire.close();
    Throwable t = catchThrowable(() -> wire.complete(Fixtures.request()).join());
    assertThat(t).hasCauseInstanceOf(LlmConnectionException.class);
  }
}
