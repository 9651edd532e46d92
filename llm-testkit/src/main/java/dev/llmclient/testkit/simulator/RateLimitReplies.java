package dev.llmclient.testkit.simulator;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The 429 replies and rate-limit headers of quotas and injected rate limits, shaped as the builder
 * asks ({@code Retry-After} in seconds or as a date, the millisecond headers).
 */
final class RateLimitReplies {

  /** IMF-fixdate (RFC 9110 section 5.6.7), always two-digit days and GMT. */
  private static final DateTimeFormatter HTTP_DATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ENGLISH)
          .withZone(ZoneOffset.UTC);

  private final SimulatorConfig config;
  private final RateLimiter rateLimiter;
  private final SimulatorCounters counters;

  RateLimitReplies(SimulatorConfig config, RateLimiter rateLimiter, SimulatorCounters counters) {
    this.config = config;
    this.rateLimiter = rateLimiter;
    this.counters = counters;
  }

  /** The 429 for a request its deployment's quota refused. */
  Reply quotaExceeded(
      RateLimiter.Decision decision, Deployment d, ApiStyle style, Route route, String apiVersion) {
    counters.rateLimitedByQuota();
    long ms = decision.retryAfterMillis();
    long seconds = Math.max(1, (ms + 999) / 1000);
    long limit = decision.tokensExhausted() ? d.tokensPerMinute() : d.requestsPerMinute();
    Reply r =
        Reply.error(
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
  void retryHeaders(Reply r, long waitMillis) {
    long seconds = Math.max(1, (waitMillis + 999) / 1000);
    if (config.retryAfterHttpDate()) {
      long at = config.clock().millis() + waitMillis;
      long atSecond = (at + 999) / 1000;
      r.header("retry-after", HTTP_DATE.format(Instant.ofEpochSecond(atSecond)));
    } else {
      r.header("retry-after", Long.toString(seconds));
    }
    if (config.sendRetryAfterMs()) {
      r.header("retry-after-ms", Long.toString(waitMillis));
    }
    if (config.sendMsRetryAfter()) {
      r.header("x-ms-retry-after-ms", Long.toString(waitMillis));
    }
  }

  /** The remaining-quota headers every answered request carries, as the service sends them. */
  void rateLimitHeaders(Reply reply, Deployment d, ApiStyle style) {
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

  /** The operation id a 429 body names. */
  static String operation(Route route) {
    return switch (route) {
      case EMBEDDINGS -> "embeddings_create"; // the spec's operationId, lower case as it is
      case MODELS -> "Models_List";
      default -> "ChatCompletions_Create";
    };
  }
}
