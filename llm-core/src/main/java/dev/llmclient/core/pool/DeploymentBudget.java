package dev.llmclient.core.pool;

import dev.llmclient.api.Message;
import dev.llmclient.api.spi.ChatCompletionRequest;
import java.util.ArrayDeque;

/**
 * One member's client-side rate budget: at most {@code rpm * window / 1 min} requests and {@code
 * tpm * window / 1 min} tokens per window, scaled by a utilisation factor that leaves headroom for
 * other clients.
 *
 * <p>A request holds its share from the moment it is sent until one window after its response
 * arrived. The server counts it at some moment in between, so however its latency varies, no window
 * the server evaluates (fixed or sliding, aligned anyhow) can see more than the budget: the cost is
 * a throughput loss of about latency / window. A request larger than a whole window's token share
 * is admitted only when nothing else counts, as Azure OpenAI does. The server's {@code
 * x-ratelimit-remaining-*} headers can hold the budget shut until their reset. Not thread-safe: the
 * pool guards it.
 */
final class DeploymentBudget {

  /** One admitted request: in flight until {@link #complete}, then in the window for a while. */
  static final class Entry {
    long at;
    long tokens;
    boolean inFlight = true;

    Entry(long at, long tokens) {
      this.at = at;
      this.tokens = tokens;
    }
  }

  private final long windowNanos;
  private final double utilisation;
  private final ArrayDeque<Entry> finished = new ArrayDeque<>();
  private long requestCapacity;
  private long tokenCapacity;
  private int requestsPerMinute;
  private int tokensPerMinute;
  private long finishedTokens;
  private long inFlight;
  private long inFlightTokens;
  private long holdUntil;

  DeploymentBudget(
      long windowNanos, double utilisation, int requestsPerMinute, int tokensPerMinute) {
    this.windowNanos = windowNanos;
    this.utilisation = utilisation;
    setLimits(requestsPerMinute, tokensPerMinute);
  }

  /** Sets the per-minute limits; 0 means none. */
  void setLimits(int rpm, int tpm) {
    this.requestsPerMinute = rpm;
    this.tokensPerMinute = tpm;
    this.requestCapacity = capacity(rpm);
    this.tokenCapacity = capacity(tpm);
  }

  int requestsPerMinute() {
    return requestsPerMinute;
  }

  int tokensPerMinute() {
    return tokensPerMinute;
  }

  private long capacity(int perMinute) {
    if (perMinute <= 0) {
      return Long.MAX_VALUE;
    }
    double share = perMinute * (windowNanos / 60e9) * utilisation;
    return Math.max(1, (long) Math.floor(share));
  }

  /**
   * How long until a request of this many tokens fits.
   *
   * @return 0 when it fits now, else nanoseconds to wait: exact when finished requests must leave
   *     the window, one window when requests still in flight must finish first (their completion
   *     wakes the pool earlier)
   */
  long delayNanos(long now, long tokens) {
    prune(now);
    long wait = now < holdUntil ? holdUntil - now : 0;
    long count = finished.size() + inFlight;
    if (count >= requestCapacity) {
      // the request fits once count - capacity + 1 finished ones have left the window
      wait = Math.max(wait, leaveTime(now, count - requestCapacity + 1, Long.MAX_VALUE) - now);
    }
    long used = finishedTokens + inFlightTokens;
    if (tokenCapacity != Long.MAX_VALUE && used > 0 && used + tokens > tokenCapacity) {
      long mustFree = tokens > tokenCapacity ? Long.MAX_VALUE : used + tokens - tokenCapacity;
      wait = Math.max(wait, leaveTime(now, Long.MAX_VALUE, mustFree) - now);
    }
    return Math.max(0, wait);
  }

  /** When enough finished entries have left the window to free this many requests or tokens. */
  private long leaveTime(long now, long requests, long tokens) {
    long freedRequests = 0;
    long freedTokens = 0;
    for (Entry e : finished) {
      freedRequests++;
      freedTokens += e.tokens;
      if (freedRequests >= requests || freedTokens >= tokens) {
        return e.at + windowNanos;
      }
    }
    Entry last = finished.peekLast();
    if (inFlight == 0 && last != null) {
      // everything must go (a request larger than a window's share)
      return last.at + windowNanos;
    }
    // what is left to free is still in flight: it leaves a window after it finishes, not before
    return now + windowNanos;
  }

  /** Counts a request being sent; call only after {@link #delayNanos} returned 0. */
  Entry acquire(long now, long tokens) {
    Entry e = new Entry(now, tokens);
    inFlight++;
    inFlightTokens += tokens;
    return e;
  }

  /**
   * Ends a request: from now it counts for one more window, with the tokens the server charged (its
   * reported usage) instead of the estimate.
   */
  void complete(Entry e, long now, long tokens) {
    if (!e.inFlight) {
      return;
    }
    e.inFlight = false;
    inFlight--;
    inFlightTokens -= e.tokens;
    e.tokens = tokens;
    e.at = Math.max(now, finished.isEmpty() ? now : finished.peekLast().at);
    finished.addLast(e);
    finishedTokens += tokens;
  }

  /** Holds every request back until then (the server said nothing is left before its reset). */
  void holdUntil(long until) {
    holdUntil = Math.max(holdUntil, until);
  }

  /**
   * The share of the window's budget still free.
   *
   * @return 0 to 1; 1 when unlimited
   */
  double headroom(long now) {
    prune(now);
    if (now < holdUntil) {
      return 0.0;
    }
    double requests =
        requestCapacity == Long.MAX_VALUE
            ? 1.0
            : 1.0 - (double) (finished.size() + inFlight) / (double) requestCapacity;
    double tokens =
        tokenCapacity == Long.MAX_VALUE
            ? 1.0
            : 1.0 - (double) (finishedTokens + inFlightTokens) / (double) tokenCapacity;
    return Math.max(0.0, Math.min(requests, tokens));
  }

  long usedRequests(long now) {
    prune(now);
    return finished.size() + inFlight;
  }

  long usedTokens(long now) {
    prune(now);
    return finishedTokens + inFlightTokens;
  }

  private void prune(long now) {
    long oldestKept = now - windowNanos;
    Entry e;
    while ((e = finished.peekFirst()) != null && e.at <= oldestKept) {
      finished.pollFirst();
      finishedTokens -= e.tokens;
    }
  }

  /**
   * The prompt's tokens by OpenAI's rule of thumb (about four characters per token plus a few per
   * message), before any correction.
   */
  static long estimatePromptTokens(ChatCompletionRequest request) {
    long total = 3;
    for (Message m : request.messages()) {
      int chars = m.content().length();
      total += 4 + (chars == 0 ? 0 : Math.max(1, (chars + 3) / 4));
    }
    return total;
  }
}
