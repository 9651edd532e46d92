package dev.llmclient.core.pool;

import dev.llmclient.api.Usage;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * How a {@link DeploymentPool} served one request that succeeded: which member answered, which it
 * tried first, and how long the call waited for budget. Given to the listener set with {@link
 * DeploymentPoolBuilder#onRoute}.
 *
 * @param member the member that answered
 * @param failedMembers the members tried before it for this request, in order
 * @param budgetWait how long the request waited for budget or cool-down, in total
 * @param model the model the server said answered, or the model requested
 * @param requestId the server's request id, or null when it sent none
 * @param usage the answer's usage
 * @param cost the answer's cost from the pool's price table, 0 when unpriced
 */
public record DeploymentRoute(
    String member,
    List<String> failedMembers,
    Duration budgetWait,
    String model,
    @Nullable String requestId,
    Usage usage,
    double cost) {

  /**
   * Copies the list.
   *
   * @param member the member that answered
   * @param failedMembers the members tried before it for this request, in order
   * @param budgetWait how long the request waited for budget or cool-down, in total
   * @param model the model the server said answered, or the model requested
   * @param requestId the server's request id, or null when it sent none
   * @param usage the answer's usage
   * @param cost the answer's cost from the pool's price table, 0 when unpriced
   */
  public DeploymentRoute {
    failedMembers = List.copyOf(failedMembers);
  }
}
