package dev.llmclient.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.identity.CredentialUnavailableException;
import dev.llmclient.api.AuthenticationException;
import dev.llmclient.api.LlmConnectionException;
import dev.llmclient.api.LlmException;
import dev.llmclient.api.LlmTimeoutException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

class TokenCacheTest {

  private static final Instant START = Instant.parse("2026-11-27T10:00:00Z");

  /** A clock the test moves by hand. */
  static final class MutableClock extends Clock {
    private volatile Instant now = START;

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneId.of("UTC");
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  /** Hands out token-1, token-2, ... valid for one hour from the clock's now, when released. */
  static final class FakeCredential implements AzureTokenSource {
    final AtomicInteger calls = new AtomicInteger();
    final List<CompletableFuture<AzureAccessToken>> pending = new ArrayList<>();
    final MutableClock clock;
    volatile boolean fail;

    FakeCredential(MutableClock clock) {
      this.clock = clock;
    }

    @Override
    public synchronized CompletableFuture<AzureAccessToken> fetch(String scope) {
      assertThat(scope).isEqualTo("https://cognitiveservices.azure.com/.default");
      int n = calls.incrementAndGet();
      CompletableFuture<AzureAccessToken> f = new CompletableFuture<>();
      pending.add(f);
      if (fail) {
        f.completeExceptionally(
            new IllegalStateException("ManagedIdentityCredential authentication unavailable."));
      } else {
        f.complete(new AzureAccessToken("token-" + n, clock.instant().plus(Duration.ofHours(1))));
      }
      return f;
    }
  }

  @Test
  void oneRefreshServesOneHundredConcurrentCallers() throws Exception {
    MutableClock clock = new MutableClock();
    AtomicInteger calls = new AtomicInteger();
    CompletableFuture<AzureAccessToken> gate = new CompletableFuture<>();
    TokenCache cache =
        new TokenCache(
            scope -> {
              calls.incrementAndGet();
              return gate;
            },
            AzureOpenAiProvider.SCOPE,
            clock);
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      CountDownLatch ready = new CountDownLatch(100);
      List<CompletableFuture<CompletableFuture<AzureAccessToken>>> callers = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        callers.add(
            CompletableFuture.supplyAsync(
                () -> {
                  ready.countDown();
                  return cache.token();
                },
                pool));
      }
      assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
      List<CompletableFuture<AzureAccessToken>> tokens = new ArrayList<>();
      for (var c : callers) {
        tokens.add(c.get(10, TimeUnit.SECONDS));
      }
      assertThat(tokens).allSatisfy(t -> assertThat(t).isNotDone());

      gate.complete(new AzureAccessToken("shared", START.plus(Duration.ofHours(1))));

      assertThat(tokens)
          .allSatisfy(t -> assertThat(t.get(5, TimeUnit.SECONDS).token()).isEqualTo("shared"));
      assertThat(calls).hasValue(1);
      assertThat(cache.token().get().token()).isEqualTo("shared");
      assertThat(calls).hasValue(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void theTokenIsRefreshedFiveMinutesBeforeItExpires() throws Exception {
    MutableClock clock = new MutableClock();
    FakeCredential credential = new FakeCredential(clock);
    TokenCache cache = new TokenCache(credential, AzureOpenAiProvider.SCOPE, clock);

    assertThat(cache.token().get().token()).isEqualTo("token-1");
    clock.advance(Duration.ofMinutes(54).plusSeconds(59));
    assertThat(cache.token().get().token()).isEqualTo("token-1");
    clock.advance(Duration.ofSeconds(1)); // exactly 5 minutes left
    assertThat(cache.token().get().token()).isEqualTo("token-2");
    assertThat(credential.calls).hasValue(2);
    assertThat(cache.headers().get()).containsEntry("Authorization", "Bearer token-2");
  }

  @Test
  void aFailedRefreshIsAnAuthenticationExceptionWithTheCredentialsMessageAndIsRetriedNextTime()
      throws Exception {
    MutableClock clock = new MutableClock();
    FakeCredential credential = new FakeCredential(clock);
    credential.fail = true;
    TokenCache cache = new TokenCache(credential, AzureOpenAiProvider.SCOPE, clock);

    Throwable t = catchThrowable(() -> cache.token().join());

    assertThat(t).hasCauseInstanceOf(AuthenticationException.class);
    AuthenticationException e = (AuthenticationException) t.getCause();
    assertThat(e.getMessage())
        .contains("ManagedIdentityCredential authentication unavailable", "AZURE_CLIENT_ID");
    assertThat(e.provider()).isEqualTo("azure");

    credential.fail = false;
    assertThat(cache.token().get().token()).isEqualTo("token-2");
  }

  /** A token that expired, then a refresh that fails with {@code failure}. */
  private static Throwable refreshAfterExpiryFailingWith(Throwable failure) throws Exception {
    MutableClock clock = new MutableClock();
    AtomicInteger calls = new AtomicInteger();
    TokenCache cache =
        new TokenCache(
            scope ->
                calls.incrementAndGet() == 1
                    ? CompletableFuture.completedFuture(
                        new AzureAccessToken("token-1", START.plus(Duration.ofHours(1))))
                    : CompletableFuture.failedFuture(failure),
            AzureOpenAiProvider.SCOPE,
            clock);
    assertThat(cache.token().get().token()).isEqualTo("token-1");
    clock.advance(Duration.ofMinutes(61));
    Throwable t = catchThrowable(() -> cache.token().join());
    assertThat(calls).hasValue(2);
    assertThat(t).isInstanceOf(CompletionException.class);
    return t.getCause();
  }

  @Test
  void anIdentityEndpointThatIsDownAfterExpiryIsARetryableFailure() throws Exception {
    Throwable refused = refreshAfterExpiryFailingWith(new ConnectException("Connection refused"));
    Throwable wrapped =
        refreshAfterExpiryFailingWith(
            new RuntimeException(
                "MSAL failed", new UncheckedIOException(new SocketException("reset"))));
    Throwable slow = refreshAfterExpiryFailingWith(new TimeoutException());

    assertThat(refused).isInstanceOf(LlmConnectionException.class);
    assertThat(((LlmException) refused).isRetryable()).isTrue();
    assertThat(refused.getMessage())
        .contains("Entra ID token endpoint failed", "ConnectException: Connection refused");
    assertThat(wrapped).isInstanceOf(LlmConnectionException.class);
    assertThat(slow).isInstanceOf(LlmTimeoutException.class);
    assertThat(((LlmException) slow).isRetryable()).isTrue();
  }

  @Test
  void theIdentityEndpointsStatusDecidesBetweenRetryableAndRefused() throws Exception {
    for (int status : new int[] {500, 502, 503, 504, 408, 429}) {
      Throwable t =
          refreshAfterExpiryFailingWith(
              new ClientAuthenticationException("identity said " + status, response(status)));
      assertThat(t).as("status %d", status).isInstanceOf(LlmConnectionException.class);
      assertThat(t.getMessage()).contains("HTTP " + status);
    }
    for (int status : new int[] {400, 401, 403}) {
      // invalid_client (a wrong client secret) is a 400 or 401 from the token endpoint.
      Throwable t =
          refreshAfterExpiryFailingWith(
              new ClientAuthenticationException(
                  "AADSTS7000215: Invalid client secret provided.", response(status)));
      assertThat(t).as("status %d", status).isInstanceOf(AuthenticationException.class);
      assertThat(t.getMessage()).contains("Invalid client secret");
    }
    // A refusal with an I/O error somewhere below it is still a refusal.
    Throwable unavailable =
        refreshAfterExpiryFailingWith(
            new CredentialUnavailableException(
                "ManagedIdentityCredential authentication unavailable.",
                new ConnectException("IMDS")));
    assertThat(unavailable).isInstanceOf(AuthenticationException.class);
  }

  @Test
  void anLlmExceptionFromTheSourceKeepsItsType() throws Exception {
    LlmConnectionException own = new LlmConnectionException("my token service is restarting");

    assertThat(refreshAfterExpiryFailingWith(own)).isSameAs(own);
  }

  private static HttpResponse response(int status) {
    HttpRequest request =
        new HttpRequest(HttpMethod.POST, "https://login.microsoftonline.com/t/oauth2/v2.0/token");
    return new HttpResponse(request) {
      @Override
      public int getStatusCode() {
        return status;
      }

      @Override
      @Deprecated
      public String getHeaderValue(String name) {
        return null;
      }

      @Override
      public HttpHeaders getHeaders() {
        return new HttpHeaders();
      }

      @Override
      public Flux<ByteBuffer> getBody() {
        return Flux.empty();
      }

      @Override
      public Mono<byte[]> getBodyAsByteArray() {
        return Mono.empty();
      }

      @Override
      public Mono<String> getBodyAsString() {
        return Mono.empty();
      }

      @Override
      public Mono<String> getBodyAsString(Charset charset) {
        return Mono.empty();
      }
    };
  }

  @Test
  void aSourceThatThrowsIsTypedToo() {
    TokenCache cache =
        new TokenCache(
            scope -> {
              throw new IllegalStateException("no az login");
            },
            AzureOpenAiProvider.SCOPE,
            new MutableClock());
    assertThat(catchThrowable(() -> cache.token().join()))
        .hasCauseInstanceOf(AuthenticationException.class)
        .hasMessageContaining("no az login");
    assertThat(cache.toString()).doesNotContain("token-");
  }

  @Test
  void aFailedEarlyRefreshKeepsUsingTheTokenUntilItReallyExpires() throws Exception {
    MutableClock clock = new MutableClock();
    FakeCredential credential = new FakeCredential(clock);
    TokenCache cache = new TokenCache(credential, AzureOpenAiProvider.SCOPE, clock);
    assertThat(cache.token().get().token()).isEqualTo("token-1");

    credential.fail = true;
    clock.advance(Duration.ofMinutes(57)); // 3 minutes left: refresh due, and it fails
    assertThat(cache.token().get().token()).isEqualTo("token-1");
    clock.advance(Duration.ofMinutes(3)); // expired now: the failure surfaces
    assertThat(catchThrowable(() -> cache.token().join()))
        .hasCauseInstanceOf(AuthenticationException.class);
    assertThat(credential.calls).hasValue(3);
  }

  @Test
  void aFailingEarlyRefreshIsRetriedWithBackoffNotOnEveryCall() throws Exception {
    MutableClock clock = new MutableClock();
    FakeCredential credential = new FakeCredential(clock);
    TokenCache cache = new TokenCache(credential, AzureOpenAiProvider.SCOPE, clock);
    assertThat(cache.token().get().token()).isEqualTo("token-1");

    credential.fail = true;
    clock.advance(Duration.ofMinutes(56)); // refresh due; the identity endpoint is failing
    for (int i = 0; i < 100; i++) {
      assertThat(cache.token().get().token()).isEqualTo("token-1");
    }
    assertThat(credential.calls).as("one failed refresh, then 15 s of backoff").hasValue(2);

    clock.advance(Duration.ofSeconds(15));
    cache.token().get();
    assertThat(credential.calls).hasValue(3);
    clock.advance(Duration.ofSeconds(29)); // the second failure doubled the backoff to 30 s
    cache.token().get();
    assertThat(credential.calls).hasValue(3);
    clock.advance(Duration.ofSeconds(1));
    cache.token().get();
    assertThat(credential.calls).hasValue(4);

    credential.fail = false;
    clock.advance(Duration.ofSeconds(60));
    assertThat(cache.token().get().token()).isEqualTo("token-5");
    assertThat(cache.token().get().token()).isEqualTo("token-5");
    assertThat(credential.calls).as("a fresh token ends the backoff").hasValue(5);
  }

  @Test
  void aSourceThatOnlyHasShortLivedTokensIsAlsoAskedWithBackoff() throws Exception {
    MutableClock clock = new MutableClock();
    AtomicInteger calls = new AtomicInteger();
    AzureTokenSource shortLived =
        scope ->
            CompletableFuture.completedFuture(
                new AzureAccessToken(
                    "short-" + calls.incrementAndGet(),
                    clock.instant().plus(Duration.ofMinutes(3))));
    TokenCache cache = new TokenCache(shortLived, AzureOpenAiProvider.SCOPE, clock);

    for (int i = 0; i < 50; i++) {
      assertThat(cache.token().get().token()).isEqualTo("short-1");
    }
    assertThat(calls).as("the 3-minute token is used, not re-fetched per call").hasValue(1);
    clock.advance(Duration.ofSeconds(15));
    assertThat(cache.token().get().token()).isEqualTo("short-2");
  }

  @Test
  void aSourceThatReturnsNoFutureIsTypedAndDoesNotBlockLaterCalls() {
    AtomicInteger calls = new AtomicInteger();
    TokenCache cache =
        new TokenCache(
            scope ->
                calls.incrementAndGet() == 1
                    ? null
                    : CompletableFuture.completedFuture(
                        new AzureAccessToken("t", START.plus(Duration.ofHours(1)))),
            AzureOpenAiProvider.SCOPE,
            new MutableClock());

    assertThat(catchThrowable(() -> cache.token().join()))
        .hasCauseInstanceOf(AuthenticationException.class)
        .hasMessageContaining("no future");
    assertThat(cache.token().join().token()).isEqualTo("t");
  }
}
