package dev.llmclient.containers;

import dev.llmclient.api.LlmClient;
import dev.llmclient.core.pool.BudgetStore;
import dev.llmclient.redis.RedisBudgetStore;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One replica in a JVM of its own, for {@link RedisThreeProcessesTest}: runs its calls against the
 * deployment and prints {@code RESULT ok=N fallback=N outages=N start=MS end=MS input=N}
 * (wall-clock milliseconds of the first call's start and the last call's end, the most prompt
 * tokens of one call).
 *
 * <p>Arguments: the Azure endpoint, the member's limit attributes, {@code local} or a Redis URI,
 * the number of calls, the calls in flight, the pool's budget window (ISO-8601, e.g. {@code PT5S})
 * and utilisation.
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
    Duration window = Duration.parse(args[5]);
    double utilisation = Double.parseDouble(args[6]);
    List<AutoCloseable> resources = new ArrayList<>();
    BudgetStore store =
        local
            ? BudgetStore.inProcess()
            : RedisBudgetStore.builder().uri(args[2]).prefix("llmclient:processes").build();
    resources.add(store);
    try {
      LlmClient llm =
          RedisSharedBudgetTest.replica(endpoint, limits, window, utilisation, store, resources);
      RedisSharedBudgetTest.Run run = RedisSharedBudgetTest.runTimed(llm, calls, inFlight);
      long fallback = store instanceof RedisBudgetStore r ? r.fallbackDecisions() : 0;
      long outages = store instanceof RedisBudgetStore r ? r.outages() : 0;
      System.out.println(
          "RESULT ok="
              + run.ok()
              + " fallback="
              + fallback
              + " outages="
              + outages
              + " start="
              + run.firstStartMillis()
              + " end="
              + run.lastEndMillis()
              + " input="
              + run.maxInputTokens());
    } finally {
      for (int i = resources.size() - 1; i >= 0; i--) {
        resources.get(i).close();
      }
    }
  }
}
