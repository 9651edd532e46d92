package dev.llmclient.openai;

import dev.llmclient.api.spi.RateLimitInfo;
import java.time.Duration;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/** Reads OpenAI's and Azure's {@code x-ratelimit-*} response headers. */
final class RateLimitHeaders {

  private RateLimitHeaders() {}

  /**
   * Reads the rate-limit headers; a header that is absent or unreadable stays null.
   *
   * @param header looks a header up by lower-case name
   * @return the info, {@link RateLimitInfo#NONE} when there is none
   */
  static RateLimitInfo parse(Function<String, @Nullable String> header) {
    Long remainingRequests = number(header.apply("x-ratelimit-remaining-requests"));
    Long remainingTokens = number(header.apply("x-ratelimit-remaining-tokens"));
    Long limitRequests = number(header.apply("x-ratelimit-limit-requests"));
    Long limitTokens = number(header.apply("x-ratelimit-limit-tokens"));
    Duration resetRequests = Durations.parse(header.apply("x-ratelimit-reset-requests"));
    Duration resetTokens = Durations.parse(header.apply("x-ratelimit-reset-tokens"));
    if (resetTokens == null) {
      // Older Azure responses spell it with an extra hyphen.
      resetTokens = Durations.parse(header.apply("x-rate-limit-reset-tokens"));
    }
    if (remainingRequests == null
        && remainingTokens == null
        && limitRequests == null
        && limitTokens == null
        && resetRequests == null
        && resetTokens == null) {
      return RateLimitInfo.NONE;
    }
    return new RateLimitInfo(
        remainingRequests, remainingTokens, limitRequests, limitTokens, resetRequests, resetTokens);
  }

  private static @Nullable Long number(@Nullable String value) {
    if (value == null) {
      return null;
    }
    try {
      return Long.valueOf(value.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
