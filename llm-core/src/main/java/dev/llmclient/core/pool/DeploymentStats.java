package dev.llmclient.core.pool;

import dev.llmclient.api.Usage;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A snapshot of one pool member: its state now and what it has done since the pool was built.
 *
 * @param name the member's name
 * @param tier the member's priority tier
 * @param breakerState {@code CLOSED}, {@code OPEN} or {@code HALF_OPEN}
 * @param openUntil when an open breaker lets a probe through, or null when it is not open
 * @param coolingUntil when the cool-down after a 429 ends, or null when the member is not cooling
 * @param inFlight requests sent to it that have not finished
 * @param requestsPerMinute its requests-per-minute budget (configured or learned), 0 for none
 * @param tokensPerMinute its tokens-per-minute budget (configured or learned), 0 for none
 * @param requests requests sent to it
 * @param successes requests it answered
 * @param failures requests that failed, 429s included
 * @param rateLimited requests it refused with 429
 * @param failovers failed requests that the pool moved on to another member
 * @param budgetWaits calls that waited for budget or cool-down before being sent to it
 * @param usage the tokens its answers reported
 * @param cost the cost of that usage from the pool's price table, 0 when unpriced
 */
public record DeploymentStats(
    String name,
    int tier,
    String breakerState,
    @Nullable Instant openUntil,
    @Nullable Instant coolingUntil,
    int inFlight,
    int requestsPerMinute,
    int tokensPerMinute,
    long requests,
    long successes,
    long failures,
    long rateLimited,
    long failovers,
    long budgetWaits,
    Usage usage,
    double cost) {}
