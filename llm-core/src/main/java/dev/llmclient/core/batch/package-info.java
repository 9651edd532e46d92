/**
 * File batches from Java: submit many {@link dev.llmclient.api.LlmRequest}s through the provider's
 * Batch API (half the price, a separate quota, a 24-hour window) and get typed, schema-checked
 * answers back, mapped by request id. Start with {@link dev.llmclient.core.batch.BatchRunner}.
 */
@NullMarked
package dev.llmclient.core.batch;

import org.jspecify.annotations.NullMarked;
