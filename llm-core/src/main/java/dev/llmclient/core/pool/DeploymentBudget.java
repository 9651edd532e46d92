package dev.llmclient.core.pool;

import dev.llmclient.api.Message;
import dev.llmclient.api.spi.ChatCompletionRequest;
import java.util.ArrayDeque;

/**
 * One member's client-side rate budget: at most {@code rpm * window / 1 min} requests and {@code
 * tpm * window / 1 min} tokens in any trailing window (a sliding log, so no aligned window of the
 * server's can see more either), scaled by a utilisation factor that leaves headroom for clock
 * skew. A request larger than a whole window's token share is admitted only into an empty window,
 * as Azure OpenAI does. The server's {@code x-ratelimit-remaining-*} headers can hold the budget
 * shut until their reset. Not thread-safe: the pool guards it.
 */
final class DeploymentBudget {

  /** One admitted request, kept while it is inside the window. */
  static final class Entry {
    final long at;
    long tokens;
    boolean live = true;

    Entry(long at, long tokens) {
      this.at = at;
      this.tokens = tokens;
    }
  }

  private final long windowNanos;
  private final double utilisation;
  private final ArrayDeque<Entry> entries = new ArrayDeque<>();
  private long requestCapacity;
  private long tokenCapacity;
  private int requestsPerMinute;
  private int tokensPerMinute;
  private long tokenSum;
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

  boolean isLimited() {
    return requestCapacity != Long.MAX_VALUE || tokenCapacity != Long.MAX_VALUE;
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
   * @return 0 when it fits now, else nanoseconds to wait (an estimate: other requests may take the
   *     room first)
   */
  long delayNanos(long now, long tokens) {
    prune(now);
    long wait = now < holdUntil ? holdUntil - now : 0;
    if (entries.size() >= requestCapacity) {
      // the request fits once all but capacity - 1 of the entries have left the window
      Entry freeing = nth((int) (entries.size() - requestCapacity));
      wait = Math.max(wait, freeing.at + windowNanos - now);
    }
    if (tokenCapacity != Long.MAX_VALUE && tokenSum > 0 && tokenSum + tokens > tokenCapacity) {
      long mustFree = tokenSum + tokens - tokenCapacity;
      long freed = 0;
      long until = now;
      for (Entry e : entries) {
        freed += e.tokens;
        until = e.at + windowNanos;
        if (freed >= mustFree) {
          break;
        }
      }
      wait = Math.max(wait, until - now);
    }
    return Math.max(0, wait);
  }

  private Entry nth(int index) {
    int i = 0;
    for (Entry e : entries) {
      if (i++ == index) {
        return e;
      }
    }
    return entries.getLast();
  }

  /** Records an admitted request; call only after {@link #delayNanos} returned 0. */
  Entry acquire(long now, long tokens) {
    Entry e = new Entry(now, tokens);
    if (isLimited()) {
      entries.addLast(e);
      tokenSum += tokens;
    } else {
      e.live = false;
    }
    return e;
  }

  /** Replaces an admitted request's estimate with what the server reported. */
  void correct(Entry e, long tokens) {
    if (e.live) {
      tokenSum += tokens - e.tokens;
    }
    e.tokens = tokens;
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
            : 1.0 - (double) entries.size() / (double) requestCapacity;
    double tokens =
        tokenCapacity == Long.MAX_VALUE ? 1.0 : 1.0 - (double) tokenSum / (double) tokenCapacity;
    return Math.max(0.0, Math.min(requests, tokens));
  }

  long usedRequests(long now) {
    prune(now);
    return entries.size();
  }

  long usedTokens(long now) {
    prune(now);
    return tokenSum;
  }

  private void prune(long now) {
    long oldestKept = now - windowNanos;
    Entry e;
    while ((e = entries.peekFirst()) != null && e.at <= oldestKept) {
      entries.pollFirst();
      tokenSum -= e.tokens;
      e.live = false;
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
