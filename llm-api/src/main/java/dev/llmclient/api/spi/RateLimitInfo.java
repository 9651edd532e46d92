package dev.llmclient.api.spi;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The rate-limit headers a server sent with a response. Every part is null when absent; Azure sends
 * only the remaining counts, and may send {@code -1}.
 *
 * @param remainingRequests {@code x-ratelimit-remaining-requests}
 * @param remainingTokens {@code x-ratelimit-remaining-tokens}
 * @param limitRequests {@code x-ratelimit-limit-requests}
 * @param limitTokens {@code x-ratelimit-limit-tokens}
 * @param resetRequests {@code x-ratelimit-reset-requests}, parsed
 * @param resetTokens {@code x-ratelimit-reset-tokens}, parsed
 */
public record RateLimitInfo(
    @Nullable Long remainingRequests,
    @Nullable Long remainingTokens,
    @Nullable Long limitRequests,
    @Nullable Long limitTokens,
    @Nullable Duration resetRequests,
    @Nullable Duration resetTokens) {

  /** No rate-limit headers at all. */
  public static final RateLimitInfo NONE = new RateLimitInfo(null, null, null, null, null, null);
}
