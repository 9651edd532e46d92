package dev.llmclient.core.pool;

import dev.llmclient.api.Usage;
import dev.llmclient.core.PriceTable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the pool tells about its work: the price of each answer, which member answered which server
 * request id (the last {@value #REMEMBERED_REQUEST_IDS}), and snapshots of every member.
 */
final class PoolStats {

  private static final Logger LOG = LoggerFactory.getLogger(DeploymentPool.class);

  static final int REMEMBERED_REQUEST_IDS = 10_000;

  private final @Nullable PriceTable prices;
  private final Map<String, String> answeredBy =
      new LinkedHashMap<>(256, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
          return size() > REMEMBERED_REQUEST_IDS;
        }
      };

  PoolStats(@Nullable PriceTable prices) {
    this.prices = prices;
  }

  /** The cost of an answer, by the model the server reported or else the one requested. */
  double priceOf(PoolCall.Answer c, String requestedModel, Usage usage) {
    PriceTable table = prices;
    if (table == null) {
      return 0;
    }
    String model = c.model();
    if (model != null && table.hasPrice(model)) {
      return table.cost(model, usage);
    }
    return table.cost(requestedModel, usage);
  }

  /**
   * Remembers which member answered and tells the listener; a listener that throws is logged and
   * ignored.
   */
  void answered(
      PoolCall<?> call,
      PoolMember m,
      PoolCall.Answer c,
      @Nullable Consumer<DeploymentRoute> listener) {
    String requestId = c.requestId();
    if (requestId != null) {
      synchronized (answeredBy) {
        answeredBy.put(requestId, m.name);
      }
    }
    call.span.set("llmclient.pool.member", m.name);
    if (listener == null) {
      return;
    }
    List<String> failed = new ArrayList<>();
    for (PoolMember t : call.tried) {
      failed.add(t.name);
    }
    String model = c.model() != null ? c.model() : call.model();
    try {
      listener.accept(
          new DeploymentRoute(
              m.name,
              failed,
              Duration.ofNanos(call.waitedNanos),
              model,
              requestId,
              c.usage(),
              call.cost));
    } catch (RuntimeException e) {
      LOG.warn("the deployment pool's onRoute listener failed", e);
    }
  }

  Optional<String> memberFor(String requestId) {
    synchronized (answeredBy) {
      return Optional.ofNullable(answeredBy.get(requestId));
    }
  }

  /** Snapshots of the members in order; call under the pool's lock. */
  static List<DeploymentStats> snapshot(List<PoolMember> members, long now) {
    List<DeploymentStats> out = new ArrayList<>(members.size());
    for (PoolMember m : members) {
      out.add(m.snapshot(now));
    }
    return out;
  }

  static double totalCost(List<DeploymentStats> stats) {
    double total = 0;
    for (DeploymentStats s : stats) {
      total += s.cost();
    }
    return total;
  }
}
