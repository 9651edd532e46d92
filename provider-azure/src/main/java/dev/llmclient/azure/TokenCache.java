package dev.llmclient.azure;

import dev.llmclient.api.AuthenticationException;
import dev.llmclient.api.ErrorContext;
import dev.llmclient.openai.RequestAuthenticator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
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
                  mine.completeExceptionally(authenticationFailed(failure));
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

  private AuthenticationException authenticationFailed(@Nullable Throwable failure) {
    Throwable cause = failure;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
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
