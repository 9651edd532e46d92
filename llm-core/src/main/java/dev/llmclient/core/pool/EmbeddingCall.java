package dev.llmclient.core.pool;

import dev.llmclient.api.spi.BackendInfo;
import dev.llmclient.api.spi.EmbeddingRequest;
import dev.llmclient.api.spi.EmbeddingResult;
import dev.llmclient.api.spi.RateLimitInfo;
import dev.llmclient.core.internal.runtime.SafeSpan;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/** An embeddings request through the pool, served by the members with an embedding backend. */
final class EmbeddingCall extends PoolCall<EmbeddingResult> {
  final EmbeddingRequest request;

  EmbeddingCall(EmbeddingRequest request, BackendInfo pool, SafeSpan span, long deadline) {
    super(pool, span, estimateTokens(request), null, deadline);
    this.request = request;
  }

  /** About four characters a token, at least one token per input. */
  static long estimateTokens(EmbeddingRequest request) {
    long total = 0;
    for (String input : request.inputs()) {
      total += Math.max(1, (input.length() + 3) / 4);
    }
    return Math.max(1, total);
  }

  @Override
  String model() {
    return request.model();
  }

  @Override
  boolean isServedBy(PoolMember m) {
    return m.embeddings != null;
  }

  @Override
  @Nullable CompletableFuture<EmbeddingResult> send(PoolMember m) {
    if (m.embeddings == null) {
      throw new IllegalStateException("pool member " + m.name + " has no embedding backend");
    }
    String mapped = memberModel(request.model(), pool, m.info);
    return m.embeddings.embed(
        mapped == null
            ? request
            : new EmbeddingRequest(
                mapped, request.inputs(), request.dimensions(), request.headers()));
  }

  @Override
  Answer answer(EmbeddingResult r) {
    return new Answer(r.usage(), RateLimitInfo.NONE, r.model(), r.requestId());
  }

  @Override
  EmbeddingResult servedBy(EmbeddingResult r, String member) {
    return r;
  }
}
