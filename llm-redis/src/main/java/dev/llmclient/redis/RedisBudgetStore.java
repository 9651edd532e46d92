package dev.llmclient.redis;

import dev.llmclient.core.pool.BudgetStore;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * A {@link BudgetStore} on Redis: every replica of a service that calls the same deployments shares
 * one rate budget per deployment, so together they stay within its RPM and TPM limits instead of
 * each spending its own.
 *
 * <pre>{@code
 * try (RedisBudgetStore budgets =
 *     RedisBudgetStore.builder().uri("redis://redis.internal:6379").prefix("llmclient:orders").build()) {
 *   DeploymentPool pool = DeploymentPool.builder().members(settings).budgetStore(budgets).build();
 *   ...
 * }
 * }</pre>
 *
 * <h2>What it guarantees</h2>
 *
 * The rules are those of {@link BudgetStore#inProcess()} (a request counts from its reservation
 * until one window after its release; limits learned from {@code x-ratelimit-*} headers; holds from
 * the server's reset), applied by one Lua script in Redis per reservation, so of all replicas only
 * as many requests as fit are admitted. Limits one replica learns are used by every replica. Times
 * are Redis's own ({@code TIME}), so replicas whose clocks disagree still agree on the window; the
 * pool's times are used only as differences. Replicas must use the same window and utilisation (the
 * pool's {@code budgetWindow} and {@code budgetUtilisation}).
 *
 * <h2>Round trips</h2>
 *
 * {@link #tryReserve} is one round trip ({@code EVALSHA} of a script loaded once; {@code EVAL} when
 * Redis answers {@code NOSCRIPT}), waited for at most {@link Builder#timeout} (default 50 ms).
 * {@link #release}, {@link #learnLimits} and {@link #holdUntil} are sent without waiting. {@link
 * #check} and {@link #limits} answer from what the last answers said, without a round trip. A
 * request in flight whose replica died stops counting after {@link Builder#inFlightLease}.
 *
 * <h2>When Redis is slow or down</h2>
 *
 * A reservation Redis answers too late while it is up (one late answer on a busy machine is not an
 * outage) is refused for now, counted in {@link #lateAnswers()}, and the pool asks again soon. Once
 * Redis fails, or answers too late three times in a row, it is down: reservations are decided by
 * the {@link Builder#whenUnavailable fallback} instead (default {@link Fallback#LOCAL}: a budget in
 * this process's memory, with {@link Builder#fallbackShare} of each limit). It is logged once per
 * outage (WARN, host and port only) and counted ({@link #outages()}, {@link #fallbackDecisions()}).
 * While Redis is down, calls do not wait for it; every {@link Builder#probeInterval} one
 * reservation tries Redis again, and once it answers every replica is back on the shared budget. No
 * call is lost or held by an outage: at worst it is admitted by the local budget.
 */
public final class RedisBudgetStore implements BudgetStore {

  /** What decides reservations while Redis does not answer. */
  public enum Fallback {
    /** A budget in this process's memory, with the same rules (the default). */
    LOCAL,
    /** No budget: every request is admitted (the server's own limits still apply). */
    UNLIMITED
  }

  private static final RedisLink.Script SCRIPT = RedisLink.Script.load("budget.lua");
  private static final byte[] EMPTY = new byte[0];

  private final RedisLink link;
  private final String prefix;
  private final Fallback fallback;
  private final double fallbackShare;
  private final long leaseMicros;
  private final boolean callerClock;
  private final BudgetStore local = BudgetStore.inProcess();
  private final ConcurrentMap<String, Budget> budgets = new ConcurrentHashMap<>();
  private final String idPrefix;
  private final AtomicLong ids = new AtomicLong();
  private final AtomicLong fallbackDecisions = new AtomicLong();
  private final AtomicLong lateAnswers = new AtomicLong();
  private final Queue<Unsent> unsent = new ConcurrentLinkedQueue<>();
  private final AtomicInteger unsentCount = new AtomicInteger();

  /** The most releases kept while Redis is down, sent when it answers again. */
  static final int MAX_UNSENT = 10_000;

  /** What this replica knows of one budget: its rules and what Redis last answered. */
  private static final class Budget {
    final String[] keys;
    final Rules rules;
    final byte[] window;
    final byte[] utilisation;
    final byte[] rpm;
    final byte[] tpm;
    volatile long retryAt;
    volatile double headroom = 1.0;
    volatile Limits limits;
    volatile long lastNow;

    Budget(String prefix, String key, Rules rules) {
      String base = prefix + ":budget:{" + key + "}";
      this.keys = new String[] {base, base + ":finished", base + ":inflight"};
      this.rules = rules;
      this.window = bytes(rules.window().toNanos());
      this.utilisation = ascii(Double.toString(rules.utilisation()));
      this.rpm = bytes(rules.requestsPerMinute());
      this.tpm = bytes(rules.tokensPerMinute());
      this.limits = new Limits(rules.requestsPerMinute(), rules.tokensPerMinute());
    }
  }

  /** A reservation held in Redis. */
  private record Shared(String key, long tokens, String id) implements Reservation {}

  /** A release Redis was down for, sent when it answers again. */
  private record Unsent(Shared reservation, long chargedTokens) {}

  /** A reservation under {@link Fallback#UNLIMITED}: nothing to release. */
  private record Unlimited(String key, long tokens) implements Reservation {}

  private RedisBudgetStore(Builder b, LongSupplier nanoTime) {
    this.prefix = b.prefix;
    this.fallback = b.fallback;
    this.fallbackShare = b.fallbackShare;
    this.leaseMicros = b.inFlightLease.toNanos() / 1000;
    this.callerClock = b.callerClock;
    byte[] random = new byte[6];
    new SecureRandom().nextBytes(random);
    this.idPrefix = HexFormat.of().formatHex(random) + "-";
    String fallbackText =
        fallback == Fallback.LOCAL
            ? "counts requests in this process only"
            : "admits every request";
    this.link =
        new RedisLink(
            "budget store", fallbackText, b.uri, b.timeout, b.probeInterval, nanoTime, SCRIPT);
  }

  /**
   * A builder with the defaults: {@code redis://127.0.0.1:6379}, prefix {@code llmclient}, 50 ms
   * timeout, the local fallback with the whole of each limit.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public void register(String key, Rules rules) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(rules, "rules");
    budgets.computeIfAbsent(
        key,
        k -> {
          local.register(
              k,
              new Rules(
                  rules.window(),
                  rules.utilisation() * fallbackShare,
                  rules.requestsPerMinute(),
                  rules.tokensPerMinute()));
          return new Budget(prefix, k, rules);
        });
  }

  @Override
  public Check check(String key, long tokens, long now) {
    Budget b = budget(key);
    b.lastNow = now;
    if (!link.isUp()) {
      return fallback == Fallback.LOCAL ? local.check(key, tokens, now) : new Check(0, 1.0);
    }
    long wait = Math.max(0, b.retryAt - now);
    return new Check(wait, wait > 0 ? 0.0 : b.headroom);
  }

  @Override
  public @Nullable Reservation tryReserve(String key, long tokens, long now) {
    Budget b = budget(key);
    b.lastNow = now;
    RedisAsyncCommands<String, byte[]> c = link.commands();
    if (c != null) {
      String id = idPrefix + Long.toHexString(ids.incrementAndGet());
      CompletableFuture<List<Object>> answer = run(c, b, now, "reserve", bytes(tokens), ascii(id));
      try {
        List<Object> r = link.await(answer);
        sendUnsent(c);
        long waitNanos = number(r, 1) * 1000;
        remember(b, r);
        b.retryAt = waitNanos > 0 ? now + waitNanos : 0;
        return number(r, 0) == 1 ? new Shared(key, tokens, id) : null;
      } catch (RedisLink.Unavailable | ClassCastException | IndexOutOfBoundsException e) {
        if (e instanceof RedisLink.Unavailable && link.isUp()) {
          // One late answer on a busy machine, not an outage: the local budget knows nothing of
          // the other replicas and would admit what Redis may refuse, so the pool asks again soon.
          // A reservation Redis grants after all is ended at once, charging nothing.
          answer.thenAccept(
              late -> {
                if (number(late, 0) == 1) {
                  release(new Shared(key, tokens, id), 0, b.lastNow);
                }
              });
          lateAnswers.incrementAndGet();
          return null;
        }
        // Decided below, by the fallback. A reservation Redis grants after all is ended at once:
        // the request is sent anyway, so it counts for one window in the shared budget too.
        answer.thenAccept(
            late -> {
              if (number(late, 0) == 1) {
                release(new Shared(key, tokens, id), tokens, b.lastNow);
              }
            });
      }
    }
    fallbackDecisions.incrementAndGet();
    return fallback == Fallback.LOCAL
        ? local.tryReserve(key, tokens, now)
        : new Unlimited(key, tokens);
  }

  @Override
  public void release(Reservation reservation, long chargedTokens, long now) {
    if (reservation instanceof Shared shared) {
      Budget b = budget(shared.key());
      b.lastNow = now;
      RedisAsyncCommands<String, byte[]> c = link.commands();
      if (c != null) {
        send(c, shared, chargedTokens);
      } else if (unsentCount.incrementAndGet() <= MAX_UNSENT) {
        // sent when Redis answers again; else it would count until its in-flight lease ends
        unsent.add(new Unsent(shared, chargedTokens));
      } else {
        unsentCount.decrementAndGet();
      }
    } else if (!(reservation instanceof Unlimited)) {
      local.release(reservation, chargedTokens, now);
    }
  }

  private void send(RedisAsyncCommands<String, byte[]> c, Shared shared, long chargedTokens) {
    Budget b = budget(shared.key());
    link.watch(
        run(
                c,
                b,
                b.lastNow,
                "release",
                bytes(shared.tokens()),
                ascii(shared.id()),
                bytes(Math.max(0, chargedTokens)))
            .thenAccept(r -> remember(b, r)));
  }

  private void sendUnsent(RedisAsyncCommands<String, byte[]> c) {
    Unsent u;
    while ((u = unsent.poll()) != null) {
      unsentCount.decrementAndGet();
      send(c, u.reservation(), u.chargedTokens());
    }
  }

  @Override
  public void learnLimits(String key, int requestsPerMinute, int tokensPerMinute) {
    Budget b = budget(key);
    b.limits = new Limits(requestsPerMinute, tokensPerMinute);
    local.learnLimits(key, requestsPerMinute, tokensPerMinute);
    RedisAsyncCommands<String, byte[]> c = link.commands();
    if (c != null) {
      link.watch(
          run(c, b, b.lastNow, "learn", bytes(requestsPerMinute), bytes(tokensPerMinute))
              .thenAccept(r -> remember(b, r)));
    }
  }

  @Override
  public void holdUntil(String key, long until) {
    Budget b = budget(key);
    local.holdUntil(key, until);
    long last = b.lastNow;
    if (last == 0 || until - last <= 0) {
      // no time of the pool's seen yet to measure the hold from: it holds this replica only
      return;
    }
    b.retryAt = Math.max(b.retryAt, until);
    RedisAsyncCommands<String, byte[]> c = link.commands();
    if (c != null) {
      long micros = (until - last + 999) / 1000;
      link.watch(run(c, b, last, "hold", bytes(micros)).thenAccept(r -> remember(b, r)));
    }
  }

  @Override
  public Limits limits(String key) {
    return budget(key).limits;
  }

  /**
   * How many times Redis went down (failed or did not answer in time), each a stretch on the
   * fallback; logged once each.
   *
   * @return the count since the store was built
   */
  public long outages() {
    return link.outages();
  }

  /**
   * How many reservations the fallback decided because Redis did not answer.
   *
   * @return the count since the store was built
   */
  public long fallbackDecisions() {
    return fallbackDecisions.get();
  }

  /**
   * How many reservations Redis answered too late while it was not (yet) considered down: each is
   * refused, so the pool asks again soon, instead of being decided by the fallback, which knows
   * nothing of the other replicas.
   *
   * @return the count since the store was built
   */
  public long lateAnswers() {
    return lateAnswers.get();
  }

  /**
   * Whether Redis answered the last command (false during an outage, until it answers again).
   *
   * @return true when reservations go to Redis
   */
  public boolean isRedisAvailable() {
    return link.isUp();
  }

  /** Closes the connection to Redis; budgets in Redis stay for the other replicas. */
  @Override
  public void close() {
    link.close();
  }

  @Override
  public String toString() {
    return "RedisBudgetStore[" + link.address() + ", prefix=" + prefix + "]";
  }

  private CompletableFuture<List<Object>> run(
      RedisAsyncCommands<String, byte[]> c, Budget b, long now, String op, byte[]... opArgs) {
    byte[][] args = new byte[7 + opArgs.length][];
    args[0] = ascii(op);
    args[1] = callerClock ? bytes(Math.floorDiv(now, 1000)) : EMPTY;
    args[2] = b.window;
    args[3] = b.utilisation;
    args[4] = b.rpm;
    args[5] = b.tpm;
    args[6] = bytes(leaseMicros);
    System.arraycopy(opArgs, 0, args, 7, opArgs.length);
    return link.eval(c, SCRIPT, ScriptOutputType.MULTI, b.keys, args);
  }

  private static void remember(Budget b, List<Object> r) {
    b.headroom = number(r, 2) / 1_000_000.0;
    b.limits = new Limits((int) number(r, 3), (int) number(r, 4));
  }

  private static long number(List<Object> reply, int index) {
    return ((Number) reply.get(index)).longValue();
  }

  private Budget budget(String key) {
    Budget b = budgets.get(key);
    if (b == null) {
      throw new IllegalArgumentException(
          "no budget is registered under '" + key + "'; call register(key, rules) first");
    }
    return b;
  }

  private static byte[] bytes(long value) {
    return ascii(Long.toString(value));
  }

  private static byte[] ascii(String value) {
    return value.getBytes(StandardCharsets.US_ASCII);
  }

  /** Settings of a {@link RedisBudgetStore}; not thread-safe. */
  public static final class Builder {
    private RedisURI uri = RedisURI.create("redis://127.0.0.1:6379");
    private String prefix = "llmclient";
    private Duration timeout = Duration.ofMillis(50);
    private Duration probeInterval = Duration.ofSeconds(1);
    private Duration inFlightLease = Duration.ofMinutes(10);
    private Fallback fallback = Fallback.LOCAL;
    private double fallbackShare = 1.0;
    private boolean callerClock;

    private Builder() {}

    /**
     * Sets the Redis server, e.g. {@code redis://:password@host:6379/0} or {@code rediss://...} for
     * TLS (Lettuce's URI syntax).
     *
     * @param value the URI
     * @return this builder
     * @throws IllegalArgumentException when it is not a Redis URI
     */
    public Builder uri(String value) {
      this.uri = RedisKeys.parseUri(value);
      return this;
    }

    /**
     * Sets the prefix of every key, one per application (default {@code llmclient}): budgets live
     * under {@code PREFIX:budget:{deployment}}. Replicas that share a budget use the same prefix.
     *
     * @param value letters, digits and {@code :._-}, 1 to 100 characters
     * @return this builder
     * @throws IllegalArgumentException for another prefix
     */
    public Builder prefix(String value) {
      this.prefix = RedisKeys.checkPrefix(value);
      return this;
    }

    /**
     * Sets how long a reservation waits for Redis before the fallback decides it (default 50 ms).
     *
     * @param value 1 ms to 10 s
     * @return this builder
     * @throws IllegalArgumentException when out of range
     */
    public Builder timeout(Duration value) {
      this.timeout =
          RedisKeys.checkRange("timeout", value, Duration.ofMillis(1), Duration.ofSeconds(10));
      return this;
    }

    /**
     * Sets how often Redis is tried again while it is down (default 1 s).
     *
     * @param value 10 ms to 1 min
     * @return this builder
     * @throws IllegalArgumentException when out of range
     */
    public Builder probeInterval(Duration value) {
      this.probeInterval =
          RedisKeys.checkRange(
              "probeInterval", value, Duration.ofMillis(10), Duration.ofMinutes(1));
      return this;
    }

    /**
     * Sets how long a request in flight counts at most (default 10 min): longer than any call
     * lasts, so that only a request whose replica died before releasing it stops counting.
     *
     * @param value 1 s to 1 h
     * @return this builder
     * @throws IllegalArgumentException when out of range
     */
    public Builder inFlightLease(Duration value) {
      this.inFlightLease =
          RedisKeys.checkRange("inFlightLease", value, Duration.ofSeconds(1), Duration.ofHours(1));
      return this;
    }

    /**
     * Sets what decides reservations while Redis does not answer (default {@link Fallback#LOCAL}).
     *
     * @param value the fallback
     * @return this builder
     */
    public Builder whenUnavailable(Fallback value) {
      this.fallback = Objects.requireNonNull(value, "fallback");
      return this;
    }

    /**
     * Sets the share of each limit the local fallback uses (default 1): with N replicas, {@code 1.0
     * / N} keeps them within the limits together while Redis is down.
     *
     * @param value more than 0, at most 1
     * @return this builder
     * @throws IllegalArgumentException when out of range
     */
    public Builder fallbackShare(double value) {
      if (!(value > 0 && value <= 1)) {
        throw new IllegalArgumentException(
            "fallbackShare must be more than 0 and at most 1 (1.0 / replicas, for example), got "
                + value);
      }
      this.fallbackShare = value;
      return this;
    }

    /**
     * Uses the pool's clock instead of Redis's {@code TIME} (default false). Only for tests with a
     * manual clock, or replicas whose clocks are known to agree to well within a window.
     *
     * @param value true to use the times the pool passes
     * @return this builder
     */
    public Builder useCallerClock(boolean value) {
      this.callerClock = value;
      return this;
    }

    /**
     * Connects (waiting at most a second or four timeouts; without an answer the store starts on
     * its fallback and keeps trying) and builds the store.
     *
     * @return the store; close it when done
     */
    public RedisBudgetStore build() {
      return new RedisBudgetStore(this, System::nanoTime);
    }
  }
}
