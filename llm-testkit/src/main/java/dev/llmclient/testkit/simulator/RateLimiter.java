package dev.llmclient.testkit.simulator;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * Per-deployment RPM and TPM quotas, enforced like Azure over short fixed sub-windows: a window of
 * {@code w} seconds admits {@code ceil(limit * w / 60)} requests and tokens, so a burst is refused
 * long before the minute's quota is spent. A request larger than a whole window's token share is
 * admitted only into an empty window.
 */
final class RateLimiter {

  /** The outcome of one admission, with the numbers for the headers and the 429 body. */
  record Decision(
      boolean allowed,
      boolean tokensExhausted,
      long remainingRequests,
      long remainingTokens,
      long retryAfterMillis,
      long windowMillis) {}

  private static final class Window {
    long index = Long.MIN_VALUE;
    long requests;
    long tokens;
  }

  private final Clock clock;
  private final long windowMillis;
  private final Map<String, Window> windows = new HashMap<>();

  RateLimiter(Clock clock, long windowMillis) {
    this.clock = clock;
    this.windowMillis = windowMillis;
  }

  static long requestCapacity(Deployment d, long windowMillis) {
    return Math.max(1, (long) Math.ceil(d.requestsPerMinute() * (windowMillis / 60_000.0)));
  }

  static long tokenCapacity(Deployment d, long windowMillis) {
    return Math.max(1, (long) Math.ceil(d.tokensPerMinute() * (windowMillis / 60_000.0)));
  }

  synchronized Decision acquire(Deployment d, long tokens) {
    long now = clock.millis();
    Window w = current(d, now);
    long reqCap = requestCapacity(d, windowMillis);
    long tokCap = tokenCapacity(d, windowMillis);
    boolean requestsLeft = w.requests + 1 <= reqCap;
    boolean tokensLeft = w.tokens + tokens <= tokCap || w.tokens == 0;
    long retry = Math.max(1, (w.index + 1) * windowMillis - now);
    if (!requestsLeft || !tokensLeft) {
      return new Decision(
          false, !tokensLeft, reqCap - w.requests, tokCap - w.tokens, retry, windowMillis);
    }
    w.requests++;
    w.tokens += tokens;
    return new Decision(
        true, false, reqCap - w.requests, Math.max(0, tokCap - w.tokens), retry, windowMillis);
  }

  synchronized Decision peek(Deployment d) {
    long now = clock.millis();
    Window w = current(d, now);
    long reqCap = requestCapacity(d, windowMillis);
    long tokCap = tokenCapacity(d, windowMillis);
    return new Decision(
        true,
        false,
        reqCap - w.requests,
        Math.max(0, tokCap - w.tokens),
        Math.max(1, (w.index + 1) * windowMillis - now),
        windowMillis);
  }

  synchronized void reset() {
    windows.clear();
  }

  private Window current(Deployment d, long now) {
    Window w = windows.computeIfAbsent(d.name(), k -> new Window());
    long index = Math.floorDiv(now, windowMillis);
    if (w.index != index) {
      w.index = index;
      w.requests = 0;
      w.tokens = 0;
    }
    return w;
  }
}
