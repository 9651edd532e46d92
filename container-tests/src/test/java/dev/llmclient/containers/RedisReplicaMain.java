package dev.llmclient.containers;

import dev.llmclient.api.LlmClient;
import dev.llmclient.core.pool.BudgetStore;
import dev.llmclient.redis.RedisBudgetStore;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * One replica in a JVM of its own, for {@link RedisThreeProcessesTest}: runs its calls against the
 * deployment and prints {@code RESULT ok=N fallback=N}.
 *
 * <p>Arguments: the Azure endpoint, the member's limit attributes, {@code local} or a Redis URI,
 * the number of calls, the calls in flight.
 */
public final class RedisReplicaMain {

  private RedisReplicaMain() {}

  /**
   * Runs the replica.
   *
   * @param args see the class comment
   * @throws Exception when a resource fails to close
   */
  public static void main(String[] args) throws Exception {
    URI endpoint = URI.create(args[0]);
    String limits = args[1];
    boolean local = args[2].equals("local");
    int calls = Integer.parseInt(args[3]);
    int inFlight = Integer.parseInt(args[4]);
    List<AutoCloseable> resources = new ArrayList<>();
    BudgetStore store =
        local
            ? BudgetStore.inProcess()
            : RedisBudgetStore.builder().uri(args[2]).prefix("llmclient:processes").build();
    resources.add(store);
    try {
      LlmClient llm = RedisSharedBudgetTest.replica(endpoint, limits, store, resources);
      int ok = RedisSharedBudgetTest.run(llm, calls, inFlight);
      long fallback = store instanceof RedisBudgetStore r ? r.fallbackDecisions() : 0;
      System.out.println("RESULT ok=" + ok + " fallback=" + fallback);
    } finally {
      for (int i = resources.size() - 1; i >= 0; i--) {
        resources.get(i).close();
      }
    }
  }
}
