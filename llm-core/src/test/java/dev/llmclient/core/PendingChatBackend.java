package dev.llmclient.core;

import dev.llmclient.api.Usage;
import dev.llmclient.api.spi.BackendInfo;
import dev.llmclient.api.spi.ChatBackend;
import dev.llmclient.api.spi.ChatCompletion;
import dev.llmclient.api.spi.ChatCompletionRequest;
import dev.llmclient.api.spi.RateLimitInfo;
import dev.llmclient.testkit.ScriptedChatBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A chat backend whose every answer stays pending until the test completes it: the exchange a
 * cancelled call must cancel, or the slow server a flood of calls must not pile up on.
 */
final class PendingChatBackend implements ChatBackend {

  private final List<ChatCompletionRequest> requests = new ArrayList<>();
  private final List<CompletableFuture<ChatCompletion>> exchanges = new ArrayList<>();
  private final boolean keep;

  /** Keeps every request and exchange, for the tests to look at. */
  PendingChatBackend() {
    this(true);
  }

  /** With {@code keep} false, only counts: the backend itself holds nothing per call. */
  PendingChatBackend(boolean keep) {
    this.keep = keep;
  }

  private int count;

  static ChatCompletion answer(String content, Usage usage) {
    return new ChatCompletion(
        content, null, "stop", usage, "fake-model", "id", "req", RateLimitInfo.NONE);
  }

  @Override
  public BackendInfo info() {
    return ScriptedChatBackend.INFO;
  }

  @Override
  public synchronized CompletableFuture<ChatCompletion> complete(ChatCompletionRequest request) {
    count++;
    CompletableFuture<ChatCompletion> exchange = new CompletableFuture<>();
    if (keep) {
      requests.add(request);
      exchanges.add(exchange);
    }
    return exchange;
  }

  synchronized int count() {
    return count;
  }

  synchronized List<ChatCompletionRequest> requests() {
    return List.copyOf(requests);
  }

  /** The exchange of the request with this index, in the order they arrived. */
  synchronized CompletableFuture<ChatCompletion> exchange(int index) {
    return exchanges.get(index);
  }

  synchronized List<CompletableFuture<ChatCompletion>> exchanges() {
    return List.copyOf(exchanges);
  }

  @Override
  public void close() {}
}
