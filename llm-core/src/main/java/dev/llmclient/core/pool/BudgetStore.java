package dev.llmclient.core.pool;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Where a {@link DeploymentPool} keeps its members' client-side rate budgets: how many requests and
 * tokens each deployment has used in the current window, and the limits it has (configured, or
 * learned from the server's {@code x-ratelimit-*} headers). The default, {@link #inProcess()},
 * keeps them in this process; a store shared by several processes (Redis, for example) lets
 * replicas that call the same deployment share one budget instead of each overrunning it.
 *
 * <h2>Window rules</h2>
 *
 * A deployment with {@code rpm} requests and {@code tpm} tokens per minute has at most {@code rpm *
 * window / 1 min * utilisation} requests (and as many tokens) counting at once. A request counts
 * from {@link #tryReserve} until one window after its {@link #release}, with the tokens it was
 * charged; a request larger than a whole window's token share is admitted only when nothing else
 * counts; {@link #holdUntil} holds every request back until then.
 *
 * <h2>Calls and waits</h2>
 *
 * Each method is at most one round trip to the store. The pool calls them while it routes (under
 * its own lock), so an implementation must answer within a short, bounded wait of its own (a remote
 * store: a timeout of a few milliseconds, then its fallback, for example a local store) and must
 * never block indefinitely. {@link #check} may answer from a local view kept up to date by the
 * other calls: {@link #tryReserve} is the authority and decides atomically. {@link #release},
 * {@link #learnLimits} and {@link #holdUntil} may complete asynchronously; the pool does not wait
 * for their effect. Times are nanoseconds since the epoch on the pool's clock.
 *
 * <pre>{@code
 * BudgetStore shared = BudgetStore.inProcess();       // two pools, one budget per deployment
 * DeploymentPool a = DeploymentPool.builder().members(settings).budgetStore(shared).build();
 * DeploymentPool b = DeploymentPool.builder().members(settings).budgetStore(shared).build();
 * }</pre>
 *
 * <p>Implementations are thread-safe. A pool does not close a store it was given.
 */
public interface BudgetStore extends AutoCloseable {

  /**
   * A store in this process's memory: what a pool uses unless it is given another. One store may
   * serve several pools; members with the same budget key then share one budget.
   *
   * @return a new, empty store
   */
  static BudgetStore inProcess() {
    return new InProcessBudgetStore();
  }

  /**
   * The rules of one deployment's budget.
   *
   * @param window the window the limits are enforced over, 1 ms to 60 s
   * @param utilisation the share of each limit that may be used, more than 0, at most 1
   * @param requestsPerMinute the configured requests per minute, 0 for none (yet)
   * @param tokensPerMinute the configured tokens per minute, 0 for none (yet)
   */
  record Rules(Duration window, double utilisation, int requestsPerMinute, int tokensPerMinute) {

    /**
     * Validates the rules.
     *
     * @param window the window the limits are enforced over, 1 ms to 60 s
     * @param utilisation the share of each limit that may be used, more than 0, at most 1
     * @param requestsPerMinute the configured requests per minute, 0 for none (yet)
     * @param tokensPerMinute the configured tokens per minute, 0 for none (yet)
     * @throws IllegalArgumentException naming the value that is out of range
     */
    public Rules {
      if (window.toMillis() < 1 || window.compareTo(Duration.ofMinutes(1)) > 0) {
        throw new IllegalArgumentException("budgetWindow must be 1 ms to 60 s, got " + window);
      }
      if (!(utilisation > 0 && utilisation <= 1)) {
        throw new IllegalArgumentException(
            "budgetUtilisation must be more than 0 and at most 1, got " + utilisation);
      }
      if (requestsPerMinute < 0 || tokensPerMinute < 0) {
        throw new IllegalArgumentException(
            "per-minute limits must not be negative, got rpm="
                + requestsPerMinute
                + ", tpm="
                + tokensPerMinute);
      }
    }
  }

  /**
   * A deployment's limits now.
   *
   * @param requestsPerMinute requests per minute, 0 for none
   * @param tokensPerMinute tokens per minute, 0 for none
   */
  record Limits(int requestsPerMinute, int tokensPerMinute) {}

  /**
   * Whether a request fits now.
   *
   * @param waitNanos 0 when it fits now, else how long until it may: exact when answered requests
   *     must leave the window, one window when requests still in flight must finish first
   * @param headroom the share of the window's budget still free, 0 to 1 (1 when unlimited)
   */
  record Check(long waitNanos, double headroom) {}

  /** One request counted against a deployment's budget, until {@link #release}. */
  interface Reservation {

    /**
     * The budget key it was counted against.
     *
     * @return the key
     */
    String key();

    /**
     * The tokens it was counted with (its estimate).
     *
     * @return the tokens
     */
    long tokens();
  }

  /**
   * Declares a deployment's budget. A key the store already knows (from another pool, or another
   * process sharing the store) keeps its rules and its count.
   *
   * @param key the budget key (a pool uses its member's name)
   * @param rules the rules to use when the key is new
   */
  void register(String key, Rules rules);

  /**
   * Whether a request of this many tokens fits now, and how much of the budget is free.
   *
   * @param key a registered key
   * @param tokens the request's tokens: its prompt estimate plus its output cap
   * @param now nanoseconds since the epoch
   * @return the answer
   */
  Check check(String key, long tokens, long now);

  /**
   * Counts a request if it fits now, atomically: of several callers sharing the budget, only as
   * many as fit get a reservation.
   *
   * @param key a registered key
   * @param tokens the request's tokens: its prompt estimate plus its output cap
   * @param now nanoseconds since the epoch
   * @return the reservation, or null when the request does not fit now ({@link #check} says how
   *     long until it may)
   */
  @Nullable Reservation tryReserve(String key, long tokens, long now);

  /**
   * Ends a request: from now it counts for one more window with the tokens the server charged (the
   * usage it reported, or the estimate when it reported none). A second release of the same
   * reservation does nothing.
   *
   * @param reservation what {@link #tryReserve} returned
   * @param chargedTokens the tokens to count it with from now on
   * @param now nanoseconds since the epoch
   */
  void release(Reservation reservation, long chargedTokens, long now);

  /**
   * Sets a deployment's limits, learned from the server's {@code x-ratelimit-limit-*} headers.
   *
   * @param key a registered key
   * @param requestsPerMinute requests per minute, 0 for none
   * @param tokensPerMinute tokens per minute, 0 for none
   */
  void learnLimits(String key, int requestsPerMinute, int tokensPerMinute);

  /**
   * Holds every request of a deployment back until then: the server said nothing is left before its
   * reset ({@code x-ratelimit-remaining-*: 0}). An earlier hold than the current one does nothing.
   *
   * @param key a registered key
   * @param until nanoseconds since the epoch
   */
  void holdUntil(String key, long until);

  /**
   * A deployment's limits now, configured or learned.
   *
   * @param key a registered key
   * @return the limits
   */
  Limits limits(String key);

  /** Releases what the store holds (connections, for a remote one); the default does nothing. */
  @Override
  default void close() {}
}
