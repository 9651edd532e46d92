package dev.llmclient.testkit;

import dev.llmclient.api.LlmConnectionException;
import dev.llmclient.api.LlmException;
import dev.llmclient.api.Usage;
import dev.llmclient.api.spi.BackendInfo;
import dev.llmclient.api.spi.ChatBackend;
import dev.llmclient.api.spi.ChatChunk;
import dev.llmclient.api.spi.ChatCompletion;
import dev.llmclient.api.spi.ChatCompletionRequest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A {@link ChatBackend} that answers from a queue of scripted replies and records every request.
 *
 * <p>Each call takes the next scripted step: a completion, or a failure the future completes with.
 * When the queue is empty the backend answers with its fallback, which by default fails the call
 * with an {@link AssertionError} that says how many requests were scripted, so an unexpected extra
 * call fails the test instead of passing silently. Thread-safe.
 *
 * <pre>{@code
 * ScriptedChatBackend backend = new ScriptedChatBackend()
 *     .enqueueFailure(new RateLimitException("slow down"))
 *     .enqueueContent("{\"ok\":true}");
 * }</pre>
 */
public final class ScriptedChatBackend implements ChatBackend {

  /** The info this backend reports: provider {@code fake}, default model {@code fake-model}. */
  public static final BackendInfo INFO =
      new BackendInfo("fake", "fake", null, "fake-model", "fake-model-small");

  private final Deque<Function<ChatCompletionRequest, ChatCompletion>> steps = new ArrayDeque<>();
  private final List<ChatCompletionRequest> requests = new ArrayList<>();
  private final Deque<ScriptedStream> streams = new ArrayDeque<>();
  private BackendInfo info = INFO;
  private Function<ChatCompletionRequest, ChatCompletion> fallback = this::noStepLeft;
  private boolean closed;

  /** Creates a backend with an empty script. */
  public ScriptedChatBackend() {}

  /**
   * Queues a completion with this content, finish reason {@code stop} and 10 input / 5 output
   * tokens.
   *
   * @param content the content the model "returns"
   * @return this backend
   */
  public ScriptedChatBackend enqueueContent(String content) {
    return enqueue(ChatCompletion.of(content, Usage.of(10, 5)));
  }

  /**
   * Queues a completion.
   *
   * @param completion the completion to return
   * @return this backend
   */
  public ScriptedChatBackend enqueue(ChatCompletion completion) {
    Objects.requireNonNull(completion, "completion");
    return enqueue(request -> completion);
  }

  /**
   * Queues a failure: the call's future completes exceptionally with it.
   *
   * @param failure the exception, usually an {@link LlmException} subtype
   * @return this backend
   */
  public ScriptedChatBackend enqueueFailure(RuntimeException failure) {
    Objects.requireNonNull(failure, "failure");
    return enqueue(
        request -> {
          throw failure;
        });
  }

  /**
   * Queues a step computed from the request; it may throw to fail the call.
   *
   * @param step computes the completion
   * @return this backend
   */
  public synchronized ScriptedChatBackend enqueue(
      Function<ChatCompletionRequest, ChatCompletion> step) {
    steps.add(Objects.requireNonNull(step, "step"));
    return this;
  }

  /**
   * Sets what to answer once the script is used up (by default: fail with an {@link
   * AssertionError}).
   *
   * @param fallback computes the completion; may throw
   * @return this backend
   */
  public synchronized ScriptedChatBackend whenEmpty(
      Function<ChatCompletionRequest, ChatCompletion> fallback) {
    this.fallback = Objects.requireNonNull(fallback, "fallback");
    return this;
  }

  /**
   * Sets the info this backend reports, e.g. to look like Azure in a test.
   *
   * @param info the info
   * @return this backend
   */
  public synchronized ScriptedChatBackend info(BackendInfo info) {
    this.info = Objects.requireNonNull(info, "info");
    return this;
  }

  /**
   * Clears the script, the recorded requests, the fallback and the info, and reopens the backend.
   *
   * @return this backend
   */
  public synchronized ScriptedChatBackend reset() {
    steps.clear();
    streams.clear();
    requests.clear();
    fallback = this::noStepLeft;
    info = INFO;
    closed = false;
    return this;
  }

  /**
   * Every request received so far, in order.
   *
   * @return a copy of the list
   */
  public synchronized List<ChatCompletionRequest> requests() {
    return List.copyOf(requests);
  }

  /**
   * The last request received.
   *
   * @return the request
   * @throws AssertionError when there was none
   */
  public synchronized ChatCompletionRequest lastRequest() {
    if (requests.isEmpty()) {
      throw new AssertionError("the scripted backend has received no request");
    }
    return requests.get(requests.size() - 1);
  }

  /**
   * How many scripted steps are left.
   *
   * @return the count
   */
  public synchronized int remaining() {
    return steps.size();
  }

  /**
   * Whether {@link #close()} was called since creation or the last {@link #reset()}.
   *
   * @return true when closed
   */
  public synchronized boolean isClosed() {
    return closed;
  }

  @Override
  public synchronized BackendInfo info() {
    return info;
  }

  @Override
  public CompletableFuture<ChatCompletion> complete(ChatCompletionRequest request) {
    Function<ChatCompletionRequest, ChatCompletion> step;
    synchronized (this) {
      if (closed) {
        return CompletableFuture.failedFuture(
            new LlmConnectionException("the scripted backend is closed"));
      }
      requests.add(request);
      Function<ChatCompletionRequest, ChatCompletion> next = steps.poll();
      step = next != null ? next : fallback;
    }
    try {
      return CompletableFuture.completedFuture(step.apply(request));
    } catch (RuntimeException | AssertionError e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Queues a streamed answer for {@link #stream}: these chunks, then {@code onComplete}, or {@code
   * onError} with {@code failure} when it is not null (a stream broken after the chunks).
   *
   * @param chunks the chunks, in order
   * @param failure how the stream ends, or null to end it normally
   * @return this backend
   */
  public synchronized ScriptedChatBackend enqueueStream(
      List<ChatChunk> chunks, @Nullable Throwable failure) {
    streams.add(new ScriptedStream(List.copyOf(chunks), failure));
    return this;
  }

  /**
   * Plays the next scripted stream (see {@link #enqueueStream}), honouring demand; a stream
   * subscribed with none left fails with an {@link AssertionError}. Records the request.
   */
  @Override
  public Flow.Publisher<ChatChunk> stream(ChatCompletionRequest request) {
    return subscriber -> {
      ScriptedStream script;
      synchronized (this) {
        requests.add(request);
        script =
            closed
                ? new ScriptedStream(
                    List.of(), new LlmConnectionException("the scripted backend is closed"))
                : streams.poll();
      }
      if (script == null) {
        script =
            new ScriptedStream(
                List.of(),
                new AssertionError(
                    "the scripted backend has no stream left for request #"
                        + requests().size()
                        + "; enqueue one with enqueueStream(...)"));
      }
      subscriber.onSubscribe(new Playback(script, subscriber));
    };
  }

  @Override
  public synchronized void close() {
    closed = true;
  }

  private record ScriptedStream(List<ChatChunk> chunks, @Nullable Throwable failure) {}

  /** Delivers a script's chunks as demand arrives, serially. */
  private static final class Playback implements Flow.Subscription {
    private final ScriptedStream script;
    private final Flow.Subscriber<? super ChatChunk> subscriber;
    private long demand;
    private int next;
    private boolean done;
    private boolean draining;

    Playback(ScriptedStream script, Flow.Subscriber<? super ChatChunk> subscriber) {
      this.script = script;
      this.subscriber = subscriber;
    }

    @Override
    public void request(long n) {
      synchronized (this) {
        if (done) {
          return;
        }
        if (n <= 0) {
          done = true;
        } else {
          demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
        }
        if (draining) {
          return;
        }
        draining = true;
      }
      if (n <= 0) {
        subscriber.onError(new IllegalArgumentException("request(" + n + "): rule 3.9"));
        return;
      }
      while (true) {
        ChatChunk chunk = null;
        boolean end = false;
        synchronized (this) {
          if (done) {
            draining = false;
            return;
          }
          if (next < script.chunks().size() && demand > 0) {
            chunk = script.chunks().get(next++);
            demand--;
          } else if (next == script.chunks().size()) {
            done = true;
            end = true;
          } else {
            draining = false;
            return;
          }
        }
        if (chunk != null) {
          subscriber.onNext(chunk);
        } else if (end) {
          if (script.failure() != null) {
            subscriber.onError(script.failure());
          } else {
            subscriber.onComplete();
          }
          synchronized (this) {
            draining = false;
          }
          return;
        }
      }
    }

    @Override
    public synchronized void cancel() {
      done = true;
    }
  }

  private ChatCompletion noStepLeft(ChatCompletionRequest request) {
    throw new AssertionError(
        "the scripted backend has no reply left for request #"
            + requests().size()
            + "; enqueue more replies or set whenEmpty(...)");
  }
}
