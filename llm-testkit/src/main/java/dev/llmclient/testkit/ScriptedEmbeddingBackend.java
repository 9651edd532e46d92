package dev.llmclient.testkit;

import dev.llmclient.api.LlmConnectionException;
import dev.llmclient.api.Usage;
import dev.llmclient.api.spi.BackendInfo;
import dev.llmclient.api.spi.EmbeddingBackend;
import dev.llmclient.api.spi.EmbeddingRequest;
import dev.llmclient.api.spi.EmbeddingResult;
import dev.llmclient.testkit.simulator.LlmSimulator;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * An {@link EmbeddingBackend} that answers from a queue of scripted steps and records every
 * request.
 *
 * <p>Each call takes the next scripted step (a result, or a failure the future completes with).
 * When the queue is empty it answers like the simulator: one deterministic unit vector per input
 * ({@link LlmSimulator#embeddingOf(String, int)}), of the request's {@code dimensions} or else of
 * {@link #nativeDimensions(int)} (1536 by default), with one input token per four characters. With
 * {@link #deferReplies(boolean)} the futures stay incomplete until the test calls {@link
 * #completePending()}, so a test can see how many requests are in flight. Thread-safe.
 *
 * <pre>{@code
 * ScriptedEmbeddingBackend backend = new ScriptedEmbeddingBackend()
 *     .enqueueFailure(new RateLimitException("slow down"));   // then deterministic vectors
 * }</pre>
 */
public final class ScriptedEmbeddingBackend implements EmbeddingBackend {

  /** The info this backend reports: provider {@code fake}, model {@code text-embedding-3-small}. */
  public static final BackendInfo INFO =
      new BackendInfo("fake", "fake", null, "text-embedding-3-small", null);

  private final Deque<Function<EmbeddingRequest, EmbeddingResult>> steps = new ArrayDeque<>();
  private final List<EmbeddingRequest> requests = new ArrayList<>();
  private final List<Runnable> pending = new ArrayList<>();
  private BackendInfo info = INFO;
  private int nativeDimensions = 1536;
  private boolean defer;
  private int maxInFlight;
  private boolean closed;

  /** Creates a backend with an empty script that answers with deterministic vectors. */
  public ScriptedEmbeddingBackend() {}

  /**
   * The vector this backend (and the simulator) returns for a text.
   *
   * @param text the text as sent
   * @param dimensions the vector length
   * @return a unit vector, equal for equal texts
   */
  public static float[] vectorOf(String text, int dimensions) {
    return LlmSimulator.embeddingOf(text, dimensions);
  }

  /**
   * Queues a result.
   *
   * @param result the result to return
   * @return this backend
   */
  public ScriptedEmbeddingBackend enqueue(EmbeddingResult result) {
    Objects.requireNonNull(result, "result");
    return enqueue(request -> result);
  }

  /**
   * Queues a failure: the call's future completes exceptionally with it.
   *
   * @param failure the exception, usually an {@link dev.llmclient.api.LlmException} subtype
   * @return this backend
   */
  public ScriptedEmbeddingBackend enqueueFailure(RuntimeException failure) {
    Objects.requireNonNull(failure, "failure");
    return enqueue(
        request -> {
          throw failure;
        });
  }

  /**
   * Queues a step computed from the request; it may throw to fail the call.
   *
   * @param step computes the result
   * @return this backend
   */
  public synchronized ScriptedEmbeddingBackend enqueue(
      Function<EmbeddingRequest, EmbeddingResult> step) {
    steps.add(Objects.requireNonNull(step, "step"));
    return this;
  }

  /**
   * Sets the length of the vectors returned when a request carries no {@code dimensions}.
   *
   * @param dimensions a positive length
   * @return this backend
   */
  public synchronized ScriptedEmbeddingBackend nativeDimensions(int dimensions) {
    if (dimensions < 1) {
      throw new IllegalArgumentException("dimensions must be positive, got " + dimensions);
    }
    this.nativeDimensions = dimensions;
    return this;
  }

  /**
   * Sets the info this backend reports, e.g. to look like Azure with a deployment name.
   *
   * @param info the info
   * @return this backend
   */
  public synchronized ScriptedEmbeddingBackend info(BackendInfo info) {
    this.info = Objects.requireNonNull(info, "info");
    return this;
  }

  /**
   * Holds every reply until {@link #completePending()} when true.
   *
   * @param defer whether to hold replies
   * @return this backend
   */
  public synchronized ScriptedEmbeddingBackend deferReplies(boolean defer) {
    this.defer = defer;
    return this;
  }

  /**
   * Completes every held reply, in the order the requests came, on the calling thread.
   *
   * @return how many replies were completed
   */
  public int completePending() {
    List<Runnable> toRun;
    synchronized (this) {
      toRun = new ArrayList<>(pending);
      pending.clear();
    }
    toRun.forEach(Runnable::run);
    return toRun.size();
  }

  /**
   * How many replies are held now.
   *
   * @return the count
   */
  public synchronized int pendingCount() {
    return pending.size();
  }

  /**
   * The most replies that were held at the same time.
   *
   * @return the count
   */
  public synchronized int maxPending() {
    return maxInFlight;
  }

  /**
   * Every request received so far, in order.
   *
   * @return a copy of the list
   */
  public synchronized List<EmbeddingRequest> requests() {
    return List.copyOf(requests);
  }

  /**
   * The last request received.
   *
   * @return the request
   * @throws AssertionError when there was none
   */
  public synchronized EmbeddingRequest lastRequest() {
    if (requests.isEmpty()) {
      throw new AssertionError("the scripted embedding backend has received no request");
    }
    return requests.get(requests.size() - 1);
  }

  /**
   * Whether {@link #close()} was called.
   *
   * @return true when closed
   */
  public synchronized boolean isClosed() {
    return closed;
  }

  /**
   * Clears the script, the recorded requests and pending replies, restores the defaults and reopens
   * the backend.
   *
   * @return this backend
   */
  public synchronized ScriptedEmbeddingBackend reset() {
    steps.clear();
    requests.clear();
    pending.clear();
    info = INFO;
    nativeDimensions = 1536;
    defer = false;
    maxInFlight = 0;
    closed = false;
    return this;
  }

  @Override
  public synchronized BackendInfo info() {
    return info;
  }

  @Override
  public CompletableFuture<EmbeddingResult> embed(EmbeddingRequest request) {
    Function<EmbeddingRequest, EmbeddingResult> step;
    int dims;
    synchronized (this) {
      if (closed) {
        return CompletableFuture.failedFuture(
            new LlmConnectionException("the scripted embedding backend is closed"));
      }
      requests.add(request);
      step = steps.poll();
      dims = request.dimensions() != null ? request.dimensions() : nativeDimensions;
    }
    Function<EmbeddingRequest, EmbeddingResult> answer =
        step != null ? step : r -> deterministic(r, dims);
    CompletableFuture<EmbeddingResult> future = new CompletableFuture<>();
    Runnable reply =
        () -> {
          try {
            future.complete(answer.apply(request));
          } catch (RuntimeException | AssertionError e) {
            future.completeExceptionally(e);
          }
        };
    synchronized (this) {
      if (defer) {
        pending.add(reply);
        maxInFlight = Math.max(maxInFlight, pending.size());
        return future;
      }
    }
    reply.run();
    return future;
  }

  private static EmbeddingResult deterministic(EmbeddingRequest request, int dims) {
    List<float[]> vectors = new ArrayList<>(request.inputs().size());
    long tokens = 0;
    for (String input : request.inputs()) {
      vectors.add(vectorOf(input, dims));
      tokens += Math.max(1, (input.length() + 3) / 4);
    }
    return new EmbeddingResult(vectors, Usage.of(tokens, 0), request.model(), "req-scripted");
  }

  @Override
  public synchronized void close() {
    closed = true;
  }

  @Override
  public synchronized String toString() {
    return "ScriptedEmbeddingBackend[info="
        + info
        + ", requests="
        + requests.size()
        + ", scripted="
        + steps.size()
        + "]";
  }
}
