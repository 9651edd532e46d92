package dev.llmclient.core.pool;

import dev.llmclient.api.spi.BackendInfo;
import dev.llmclient.api.spi.ChatCompletion;
import dev.llmclient.api.spi.ChatCompletionRequest;
import dev.llmclient.core.internal.runtime.SafeSpan;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/** A chat completion through the pool, served by the members with a chat backend. */
final class ChatCall extends PoolCall<ChatCompletion> {
  final ChatCompletionRequest request;

  ChatCall(ChatCompletionRequest request, BackendInfo pool, SafeSpan span, long deadline) {
    super(
        pool,
        span,
        DeploymentBudget.estimatePromptTokens(request),
        request.maxOutputTokens(),
        deadline);
    this.request = request;
  }

  @Override
  String model() {
    return request.model();
  }

  @Override
  boolean isServedBy(PoolMember m) {
    return m.chat != null;
  }

  @Override
  @Nullable CompletableFuture<ChatCompletion> send(PoolMember m) {
    if (m.chat == null) {
      throw new IllegalStateException("pool member " + m.name + " has no chat backend");
    }
    return m.chat.complete(requestFor(m));
  }

  @Override
  Answer answer(ChatCompletion c) {
    return new Answer(c.usage(), c.rateLimit(), c.model(), c.requestId());
  }

  @Override
  ChatCompletion servedBy(ChatCompletion c, String member) {
    return c.withServedBy(member);
  }

  /** The request with the pool's default deployment names replaced by the member's own. */
  ChatCompletionRequest requestFor(PoolMember m) {
    String mapped = memberModel(request.model(), pool, m.info);
    if (mapped == null) {
      return request;
    }
    return new ChatCompletionRequest(
        mapped,
        request.messages(),
        request.temperature(),
        request.maxOutputTokens(),
        request.responseFormat(),
        request.reasoningEffort(),
        request.verbosity(),
        request.user(),
        request.headers());
  }
}
