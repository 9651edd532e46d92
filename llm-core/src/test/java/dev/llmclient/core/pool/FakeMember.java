package dev.llmclient.core.pool;

import dev.llmclient.api.Usage;
import dev.llmclient.api.spi.BackendInfo;
import dev.llmclient.api.spi.ChatBackend;
import dev.llmclient.api.spi.ChatCompletion;
import dev.llmclient.api.spi.ChatCompletionRequest;
import dev.llmclient.api.spi.RateLimitInfo;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * A member backend for pool tests: answers with scripted outcomes in order, then with its default
 * (an immediate answer naming the member), and records what it was sent.
 */
final class FakeMember implements ChatBackend {

  private final String name;
  private final BackendInfo info;
  private final Deque<Supplier<CompletableFuture<ChatCompletion>>> script = new ArrayDeque<>();
  private final List<ChatCompletionRequest> requests = new ArrayList<>();
  private final List<CompletableFuture<ChatCompletion>> held = new ArrayList<>();
  private RuntimeException failure;
  private boolean hold;
  private RateLimitInfo rateLimit = RateLimitInfo.NONE;
  private Usage usage = Usage.of(10, 5);
  boolean closed;

  FakeMember(String name) {
    this(name, "gpt-4o");
  }

  FakeMember(String name, String deployment) {
    this.name = name;
    this.info = new BackendInfo("azure", "azure.ai.openai", null, deployment, null);
  }

  static ChatCompletion answer(String from, Usage usage, RateLimitInfo rateLimit) {
    return new ChatCompletion(
        "{\"from\":\"" + from + "\"}",
        null,
        "stop",
        usage,
        "gpt-4o",
        "chatcmpl-" + from,
        "req-" + from + "-" + System.nanoTime(),
        rateLimit);
  }

  /** The next call fails with this exception. */
  synchronized FakeMember thenFail(RuntimeException e) {
    script.add(() -> CompletableFuture.failedFuture(e));
    return this;
  }

  /** The next call completes with null: neither an answer nor a failure (a broken backend). */
  synchronized FakeMember thenAnswerNull() {
    script.add(() -> CompletableFuture.completedFuture(null));
    return this;
  }

  /** Every call from now on fails with this exception (null: answer again). */
  synchronized FakeMember failAlways(RuntimeException e) {
    this.failure = e;
    return this;
  }

  /** Calls from now on stay in flight until {@link #release()}. */
  synchronized FakeMember hold(boolean value) {
    this.hold = value;
    return this;
  }

  synchronized FakeMember rateLimit(RateLimitInfo value) {
    this.rateLimit = value;
    return this;
  }

  synchronized FakeMember usage(Usage value) {
    this.usage = value;
    return this;
  }

  /** Answers every held call. */
  void release() {
    List<CompletableFuture<ChatCompletion>> now;
    synchronized (this) {
      now = new ArrayList<>(held);
      held.clear();
    }
    for (CompletableFuture<ChatCompletion> f : now) {
      f.complete(answer(name, usage, rateLimit));
    }
  }

  synchronized int calls() {
    return requests.size();
  }

  synchronized List<ChatCompletionRequest> requests() {
    return List.copyOf(requests);
  }

  @Override
  public BackendInfo info() {
    return info;
  }

  @Override
  public CompletableFuture<ChatCompletion> complete(ChatCompletionRequest request) {
    Supplier<CompletableFuture<ChatCompletion>> next;
    synchronized (this) {
      requests.add(request);
      next = script.poll();
      if (next == null && failure != null) {
        RuntimeException e = failure;
        next = () -> CompletableFuture.failedFuture(e);
      }
      if (next == null && hold) {
        CompletableFuture<ChatCompletion> f = new CompletableFuture<>();
        held.add(f);
        return f;
      }
    }
    if (next != null) {
      return next.get();
    }
    return CompletableFuture.completedFuture(answer(name, usage, rateLimit));
  }

  @Override
  public synchronized void close() {
    closed = true;
  }
}
