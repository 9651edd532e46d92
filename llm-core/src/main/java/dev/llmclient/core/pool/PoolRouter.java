package dev.llmclient.core.pool;

import dev.llmclient.api.spi.BackendInfo;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Chooses the member for a call: the lowest tier with a member able to take it now (breaker not
 * open, not cooling down after a 429, budget left), and within the tier the best {@code weight *
 * (budget left) / (requests in flight + 1)}, rotating among equals. Guarded by the pool's lock.
 */
final class PoolRouter {

  /** How soon to try again a member whose breaker refused a permit (its probes are taken). */
  static final long PROBE_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  enum Kind {
    SEND,
    WAIT,
    FAIL
  }

  /** Send to a member with its reservation, wait so long, or fail with an error. */
  record Decision(
      Kind kind,
      @Nullable PoolMember member,
      BudgetStore.@Nullable Reservation reservation,
      long waitNanos,
      @Nullable Throwable error) {

    static Decision send(PoolMember m, BudgetStore.Reservation r) {
      return new Decision(Kind.SEND, m, r, 0, null);
    }

    static Decision waitFor(long nanos) {
      return new Decision(Kind.WAIT, null, null, nanos, null);
    }

    static Decision fail(Throwable t) {
      return new Decision(Kind.FAIL, null, null, 0, t);
    }
  }

  private final List<PoolMember> members;
  private final int[] tiers;
  private int rotation;

  PoolRouter(List<PoolMember> members, int[] tiers) {
    this.members = members;
    this.tiers = tiers;
  }

  /** Chooses a member for the call and takes its breaker permit and budget, or says why not. */
  Decision route(PoolCall<?> call, long now) {
    Set<PoolMember> denied = null;
    scan:
    while (true) {
      Map<String, Instant> open = new TreeMap<>();
      boolean usable = false;
      long earliest = Long.MAX_VALUE;
      int n = members.size();
      int start = Math.floorMod(rotation++, n);
      for (int tier : tiers) {
        PoolMember best = null;
        double bestScore = -1;
        for (int i = 0; i < n; i++) {
          PoolMember m = members.get((start + i) % n);
          if (m.config.tier() != tier || !call.isServedBy(m) || call.tried.contains(m)) {
            continue;
          }
          if (m.isOpen(now)) {
            open.put(m.name, PoolTime.instant(m.openUntil));
            continue;
          }
          usable = true;
          long cooling = m.coolingNanos(now);
          BudgetStore.Check budget = m.store().check(m.budgetKey, call.tokensFor(m), now);
          long delay = Math.max(cooling, budget.waitNanos());
          if (denied != null && denied.contains(m)) {
            // Refused just now. By a shared store whose budget another process took: its answer
            // says when the budget frees, and polling sooner only wastes round trips while later
            // leaves the freed share unused. By the breaker (its probes are taken): try again soon.
            earliest = Math.min(earliest, delay > 0 ? delay : PROBE_RETRY_NANOS);
            continue;
          }
          if (delay > 0) {
            earliest = Math.min(earliest, delay);
            continue;
          }
          double score = m.config.weight() * (0.05 + budget.headroom()) / (m.inFlight + 1.0);
          if (score > bestScore) {
            best = m;
            bestScore = score;
          }
        }
        if (best != null) {
          CircuitBreaker.State before = best.breaker.getState();
          boolean permitted = best.breaker.tryAcquirePermission();
          best.breakerMoved(call, before);
          BudgetStore.Reservation reservation =
              permitted ? best.store().tryReserve(best.budgetKey, call.tokensFor(best), now) : null;
          if (reservation == null) {
            if (permitted) {
              // another user of a shared store took the budget between check and reserve
              best.breaker.releasePermission();
            }
            if (denied == null) {
              denied = new HashSet<>();
            }
            denied.add(best);
            continue scan;
          }
          best.inFlight++;
          best.requests++;
          return Decision.send(best, reservation);
        }
      }
      if (!usable) {
        Throwable last = call.lastError;
        if (last != null) {
          return Decision.fail(last);
        }
        return Decision.fail(unavailable(open));
      }
      return Decision.waitFor(earliest);
    }
  }

  private static DeploymentUnavailableException unavailable(Map<String, Instant> open) {
    StringBuilder sb =
        new StringBuilder("Every deployment of the pool has an open circuit breaker (");
    boolean first = true;
    for (Map.Entry<String, Instant> e : open.entrySet()) {
      if (!first) {
        sb.append(", ");
      }
      first = false;
      sb.append(e.getKey()).append(" open until ").append(e.getValue());
    }
    sb.append("); the call was not sent. Try again after the earliest of these, check the")
        .append(" deployments' health, or add a member in another region or tier");
    return new DeploymentUnavailableException(sb.toString(), open, null);
  }

  /**
   * The pool as one backend for the members of one kind: the provider of its members (or {@code
   * "pool"} when they differ) and the default deployments of its first top-tier member, which calls
   * are mapped from.
   */
  static BackendInfo poolInfo(List<PoolMember> members) {
    Set<String> providers = new HashSet<>();
    Set<String> genAi = new HashSet<>();
    PoolMember first = members.get(0);
    for (PoolMember m : members) {
      providers.add(m.info.providerId());
      genAi.add(m.info.genAiProviderName());
      if (m.config.tier() < first.config.tier()) {
        first = m;
      }
    }
    return new BackendInfo(
        providers.size() == 1 ? first.info.providerId() : DeploymentPool.PROVIDER_ID,
        genAi.size() == 1 ? first.info.genAiProviderName() : DeploymentPool.PROVIDER_ID,
        null,
        first.info.defaultModel(),
        first.info.defaultSmallModel());
  }
}
