package dev.llmclient.azure;

import dev.llmclient.api.AuthenticationException;
import dev.llmclient.api.ErrorContext;
import dev.llmclient.api.LlmConnectionException;
import dev.llmclient.api.LlmException;
import dev.llmclient.api.LlmTimeoutException;
import dev.llmclient.openai.RequestAuthenticator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * One token shared by every call: reused until {@link #REFRESH_AHEAD} before it expires, then
 * refreshed once, with concurrent callers waiting on the same refresh (single-flight).
 */
final class TokenCache implements RequestAuthenticator {

  /** How long before expiry the token is refreshed. */
  static final Duration REFRESH_AHEAD = Duration.ofMinutes(5);

  private final AzureTokenSource source;
  private final String scope;
  private final Clock clock;
  private final AtomicReference<@Nullable AzureAccessToken> current = new AtomicReference<>();
  private final AtomicReference<@Nullable CompletableFuture<AzureAccessToken>> refreshing =
      new AtomicReference<>();

  /** How long one token fetch may take before callers fail instead of waiting on it. */
  static final Duration FETCH_TIMEOUT = Duration.ofSeconds(30);

  /**
   * After a failed early refresh the still-valid token is used without asking the source again for
   * this long, doubling with each further failure up to {@link #MAX_EARLY_BACKOFF}, so a failing
   * identity endpoint is not asked once per call for the last five minutes.
   */
  static final Duration EARLY_BACKOFF = Duration.ofSeconds(15);

  static final Duration MAX_EARLY_BACKOFF = Duration.ofMinutes(1);

  /** When an early refresh may next be tried; guarded by the refresh slot. */
  private volatile Instant nextEarlyRefresh = Instant.MIN;

  private volatile int earlyFailures;

  TokenCache(AzureTokenSource source, String scope, Clock clock) {
    this.source = source;
    this.scope = scope;
    this.clock = clock;
  }

  /** The current token, refreshing it first when it is missing or within five minutes of expiry. */
  CompletableFuture<AzureAccessToken> token() {
    while (true) {
      AzureAccessToken token = current.get();
      if (fresh(token) || backingOff(token)) {
        return CompletableFuture.completedFuture(token);
      }
      CompletableFuture<AzureAccessToken> running = refreshing.get();
      if (running != null) {
        return running;
      }
      CompletableFuture<AzureAccessToken> mine = new CompletableFuture<>();
      if (!refreshing.compareAndSet(null, mine)) {
        continue;
      }
      // Another refresh may have finished between our read of current and winning the slot.
      AzureAccessToken again = current.get();
      if (fresh(again) || backingOff(again)) {
        refreshing.set(null);
        mine.complete(again);
        return mine;
      }
      CompletableFuture<AzureAccessToken> fetched;
      try {
        fetched = source.fetch(scope);
        if (fetched == null) {
          fetched =
              CompletableFuture.failedFuture(
                  new IllegalStateException("the token source returned no future"));
        }
      } catch (RuntimeException e) {
        fetched = CompletableFuture.failedFuture(e);
      }
      // A token service that never answers must not hold every caller forever.
      fetched
          .toCompletableFuture()
          .orTimeout(FETCH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
          .whenComplete(
              (t, failure) -> {
                if (failure == null && t != null) {
                  current.set(t);
                  if (fresh(t)) {
                    earlyFailures = 0;
                    nextEarlyRefresh = Instant.MIN;
                  } else {
                    // A source that hands out tokens already inside the refresh window (a cache
                    // in front of it, a short lifetime) is asked again only after a backoff too.
                    backOff();
                  }
                  refreshing.set(null);
                  mine.complete(t);
                } else if (again != null && clock.instant().isBefore(again.expiresAt())) {
                  // The early refresh failed but the token has not expired: keep using it, and
                  // try again after a backoff (never later than the token's expiry).
                  backOff();
                  refreshing.set(null);
                  mine.complete(again);
                } else {
                  refreshing.set(null);
                  mine.completeExceptionally(fetchFailed(failure));
                }
              });
      return mine;
    }
  }

  /** Waits 15 s, 30 s, 60 s, 60 s, ... before the next early refresh. */
  private void backOff() {
    int failures = ++earlyFailures;
    Duration wait = EARLY_BACKOFF.multipliedBy(1L << Math.min(failures - 1, 10));
    nextEarlyRefresh =
        clock.instant().plus(wait.compareTo(MAX_EARLY_BACKOFF) > 0 ? MAX_EARLY_BACKOFF : wait);
  }

  /** Whether a still-valid token is being served without retrying a failed early refresh yet. */
  private boolean backingOff(@Nullable AzureAccessToken token) {
    if (token == null) {
      return false;
    }
    Instant now = clock.instant();
    return now.isBefore(nextEarlyRefresh) && now.isBefore(token.expiresAt());
  }

  private boolean fresh(@Nullable AzureAccessToken token) {
    return token != null && clock.instant().isBefore(token.expiresAt().minus(REFRESH_AHEAD));
  }

  /**
   * Types a failed fetch: a transient failure at the identity endpoint (a 5xx, 408 or 429 from it,
   * an I/O error, no answer in time) is retryable; a refusal (a 4xx, a credential that is not
   * available here) or anything unknown is an {@link AuthenticationException}; an {@link
   * LlmException} from the source is kept as it is.
   */
  private LlmException fetchFailed(@Nullable Throwable failure) {
    Throwable cause = failure;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof LlmException e) {
      return e;
    }
    switch (classify(cause)) {
      case TIMEOUT:
        return new LlmTimeoutException(
            "The Entra ID token endpoint did not answer within "
                + FETCH_TIMEOUT.toSeconds()
                + " s while getting a token for "
                + scope
                + ". The call may be retried; if this persists, check the network path to the"
                + " identity endpoint (login.microsoftonline.com, or the managed identity"
                + " endpoint).",
            ErrorContext.provider(AzureOpenAiProvider.ID),
            cause);
      case UNAVAILABLE:
        return new LlmConnectionException(
            "The Entra ID token endpoint failed while getting a token for "
                + scope
                + " ("
                + describe(cause)
                + "). The call may be retried; if this persists, check the network path to the"
                + " identity endpoint (login.microsoftonline.com, or the managed identity"
                + " endpoint) and its status.",
            ErrorContext.provider(AzureOpenAiProvider.ID),
            cause);
      default:
        return authenticationFailed(cause);
    }
  }

  private enum Kind {
    REFUSED,
    UNAVAILABLE,
    TIMEOUT
  }

  /**
   * Reads the cause chain: azure-identity's "credential unavailable" is a refusal (nothing here can
   * authenticate); an HTTP status (azure-core's {@code HttpResponseException.getResponse()
   * .getStatusCode()}, MSAL's {@code statusCode()}) decides by its value; otherwise an I/O error or
   * a timeout anywhere in the chain is transient.
   */
  private static Kind classify(@Nullable Throwable failure) {
    boolean io = false;
    boolean timeout = false;
    int depth = 0;
    for (Throwable t = failure; t != null && depth < 16; t = next(t), depth++) {
      if (t.getClass().getName().equals("com.azure.identity.CredentialUnavailableException")) {
        return Kind.REFUSED;
      }
      Integer status = httpStatus(t);
      if (status != null && status > 0) {
        return status >= 500 || status == 408 || status == 429 ? Kind.UNAVAILABLE : Kind.REFUSED;
      }
      io |= t instanceof IOException || t instanceof UncheckedIOException;
      timeout |= t instanceof TimeoutException;
    }
    return timeout ? Kind.TIMEOUT : io ? Kind.UNAVAILABLE : Kind.REFUSED;
  }

  private static @Nullable Throwable next(Throwable t) {
    return t.getCause() == t ? null : t.getCause();
  }

  /** The HTTP status an identity library's exception carries, found by its public getters. */
  private static @Nullable Integer httpStatus(Throwable t) {
    try {
      Object response = t.getClass().getMethod("getResponse").invoke(t);
      if (response != null) {
        Object code = response.getClass().getMethod("getStatusCode").invoke(response);
        return code instanceof Integer i ? i : null;
      }
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      // not azure-core's shape
    }
    try {
      Object code = t.getClass().getMethod("statusCode").invoke(t);
      return code instanceof Integer i ? i : null;
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return null; // not MSAL's shape either
    }
  }

  private static String describe(@Nullable Throwable cause) {
    if (cause == null) {
      return "no token";
    }
    Integer status = null;
    for (Throwable t = cause; t != null && status == null; t = next(t)) {
      status = httpStatus(t);
    }
    String message = cause.getMessage() == null ? "" : ": " + cause.getMessage();
    if (message.length() > 300) {
      message = message.substring(0, 300) + "...";
    }
    return (status == null ? "" : "HTTP " + status + ", ")
        + cause.getClass().getSimpleName()
        + message;
  }

  private AuthenticationException authenticationFailed(@Nullable Throwable cause) {
    String why =
        cause == null
            ? "the token source returned no token"
            : cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    return new AuthenticationException(
        "Could not get an Entra ID token for "
            + scope
            + ": "
            + why
            + ". Check the identity (AZURE_CLIENT_ID for a user-assigned one, or az login) and"
            + " that it has the 'Cognitive Services OpenAI User' role, or set AZURE_OPENAI_API_KEY.",
        ErrorContext.provider(AzureOpenAiProvider.ID),
        cause);
  }

  @Override
  public CompletableFuture<Map<String, String>> headers() {
    return token().thenApply(t -> Map.of("Authorization", "Bearer " + t.token()));
  }

  @Override
  public List<String> secrets() {
    AzureAccessToken t = current.get();
    return t == null ? List.of() : List.of(t.token());
  }

  @Override
  public String toString() {
    return "TokenCache[scope=" + scope + ", token=****]";
  }
}
