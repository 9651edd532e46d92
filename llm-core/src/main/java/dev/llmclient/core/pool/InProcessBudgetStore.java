package dev.llmclient.core.pool;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.jspecify.annotations.Nullable;

/**
 * {@link BudgetStore#inProcess()}: one {@link DeploymentBudget} per key, each under its own lock.
 */
final class InProcessBudgetStore implements BudgetStore {

  private final ConcurrentMap<String, DeploymentBudget> budgets = new ConcurrentHashMap<>();

  /** A reservation of this store: the budget's own entry. */
  private record Held(String key, DeploymentBudget.Entry entry, long tokens)
      implements Reservation {}

  @Override
  public void register(String key, Rules rules) {
    Objects.requireNonNull(rules, "rules");
    budgets.computeIfAbsent(
        Objects.requireNonNull(key, "key"),
        k ->
            new DeploymentBudget(
                rules.window().toNanos(),
                rules.utilisation(),
                rules.requestsPerMinute(),
                rules.tokensPerMinute()));
  }

  @Override
  public Check check(String key, long tokens, long now) {
    DeploymentBudget b = budget(key);
    synchronized (b) {
      long wait = b.delayNanos(now, tokens);
      return new Check(wait, wait > 0 ? 0.0 : b.headroom(now));
    }
  }

  @Override
  public @Nullable Reservation tryReserve(String key, long tokens, long now) {
    DeploymentBudget b = budget(key);
    synchronized (b) {
      if (b.delayNanos(now, tokens) > 0) {
        return null;
      }
      return new Held(key, b.acquire(now, tokens), tokens);
    }
  }

  @Override
  public void release(Reservation reservation, long chargedTokens, long now) {
    if (!(reservation instanceof Held held)) {
      throw new IllegalArgumentException(
          "this reservation was not made by this store: " + reservation);
    }
    DeploymentBudget b = budget(held.key());
    synchronized (b) {
      b.complete(held.entry(), now, chargedTokens);
    }
  }

  @Override
  public void learnLimits(String key, int requestsPerMinute, int tokensPerMinute) {
    DeploymentBudget b = budget(key);
    synchronized (b) {
      b.setLimits(requestsPerMinute, tokensPerMinute);
    }
  }

  @Override
  public void holdUntil(String key, long until) {
    DeploymentBudget b = budget(key);
    synchronized (b) {
      b.holdUntil(until);
    }
  }

  @Override
  public Limits limits(String key) {
    DeploymentBudget b = budget(key);
    synchronized (b) {
      return new Limits(b.requestsPerMinute(), b.tokensPerMinute());
    }
  }

  private DeploymentBudget budget(String key) {
    DeploymentBudget b = budgets.get(key);
    if (b == null) {
      throw new IllegalArgumentException(
          "no budget is registered under '" + key + "'; call register(key, rules) first");
    }
    return b;
  }

  @Override
  public String toString() {
    return "BudgetStore.inProcess()" + budgets.keySet();
  }
}
