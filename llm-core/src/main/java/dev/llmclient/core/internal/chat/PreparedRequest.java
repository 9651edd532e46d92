package dev.llmclient.core.internal.chat;

import dev.llmclient.api.spi.ChatCompletionRequest;
import dev.llmclient.core.internal.schema.ResponseSchema;
import org.jspecify.annotations.Nullable;

/**
 * A request prepared exactly as an online call prepares it (cleaning, suffix, model, tokens,
 * schema), for callers that send it another way, such as a file batch.
 *
 * @param request the wire request
 * @param schema the answer's schema, or null in JSON-object mode and for text answers
 * @param text whether the answer is text ({@code responseType(String.class)}), not JSON
 * @param model the resolved model or deployment
 * @param maxTokens the resolved output-token cap
 */
public record PreparedRequest(
    ChatCompletionRequest request,
    @Nullable ResponseSchema schema,
    boolean text,
    String model,
    int maxTokens) {}
