package dev.llmclient.core.batch;

import dev.llmclient.api.Usage;

/**
 * What a finished submission produced.
 *
 * @param requests how many outcomes were delivered
 * @param succeeded how many had a checked answer
 * @param failed how many failed (service errors, invalid answers, requests not run)
 * @param usage the tokens the service reported for the answered requests
 * @param quotaRefusals how often a batch was refused for the enqueued-token quota and resubmitted
 */
public record BatchSummary(
    long requests, long succeeded, long failed, Usage usage, int quotaRefusals) {}
