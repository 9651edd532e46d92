package dev.llmclient.core.batch;

import dev.llmclient.api.CallCancelledException;
import dev.llmclient.api.LlmException;
import dev.llmclient.api.spi.BatchBackend;
import dev.llmclient.api.spi.BatchFile;
import dev.llmclient.api.spi.BatchJob;
import dev.llmclient.core.internal.runtime.ClientRuntime;
import dev.llmclient.core.internal.schema.ResponseSchema;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A submitted file batch, split into {@link BatchPart}s: poll it, wait for it, cancel it. Obtained
 * from {@link BatchRunner#submit} or {@link BatchRunner#attach}.
 *
 * <p>{@link #awaitAsync(Consumer)} polls with backoff on the client's scheduler, holding no thread
 * while it waits (batches take minutes to hours); {@link #await(Consumer)} blocks the calling
 * thread on it. Both deliver exactly one {@link BatchOutcome} per request: answers checked against
 * the schema, service failures typed like online ones, requests a batch never reached as {@link
 * dev.llmclient.api.BatchRequestNotRunException}, all requests of a refused batch with the refusal.
 *
 * @param <T> the answer type
 */
public final class BatchHandle<T> {

  private final BatchRunner runner;
  private final BatchBackend backend;
  private final @Nullable ResponseSchema schema;
  private final boolean text;
  private final String model;
  private final List<BatchPart> parts;
  private final Map<Integer, BatchJob> lastSeen = new HashMap<>();
  private int quotaRefusals;

  BatchHandle(
      BatchRunner runner,
      List<BatchPart> parts,
      @Nullable ResponseSchema schema,
      boolean text,
      String model) {
    this.runner = runner;
    this.backend = runner.backend();
    this.parts = new ArrayList<>(parts);
    this.schema = schema;
    this.text = text;
    this.model = model;
  }

  /** Uploads and creates what is not yet on the service. */
  synchronized void start() {
    for (int i = 0; i < parts.size(); i++) {
      ensureCreated(i);
    }
  }

  private void ensureCreated(int i) {
    BatchPart p = parts.get(i);
    if (p.inputFileId() == null) {
      BatchFile f = ClientRuntime.await(backend.upload(p.inputFile()));
      p = p.withInputFileId(f.id());
      update(i, p);
    }
    if (p.batchId() == null) {
      Map<String, String> metadata = new HashMap<>(runner.metadata);
      metadata.put("llmclient_part", Integer.toString(p.index()));
      BatchJob job =
          ClientRuntime.await(backend.create(Objects.requireNonNull(p.inputFileId()), metadata));
      lastSeen.put(i, job);
      update(i, p.withBatchId(job.id()));
    }
  }

  private void update(int i, BatchPart p) {
    parts.set(i, p);
    if (runner.onPart != null) {
      runner.onPart.accept(p);
    }
  }

  /**
   * The parts as they are now, with their file and batch ids; keep them to re-attach later.
   *
   * @return a copy of the parts
   */
  public synchronized List<BatchPart> parts() {
    return List.copyOf(parts);
  }

  /**
   * Reads the status of every part's batch now.
   *
   * @return one batch per part, in part order
   */
  public synchronized List<BatchJob> status() {
    List<BatchJob> jobs = new ArrayList<>();
    for (int i = 0; i < parts.size(); i++) {
      BatchJob job =
          ClientRuntime.await(backend.retrieve(Objects.requireNonNull(parts.get(i).batchId())));
      lastSeen.put(i, job);
      jobs.add(job);
    }
    return jobs;
  }

  /**
   * Asks the service to cancel every part's batch that has not ended; what finished stays available
   * to {@link #await}.
   *
   * @return the batches after the request
   */
  public synchronized List<BatchJob> cancel() {
    List<BatchJob> jobs = new ArrayList<>();
    for (BatchPart p : parts) {
      String id = Objects.requireNonNull(p.batchId());
      BatchJob job = ClientRuntime.await(backend.retrieve(id));
      jobs.add(job.status().isTerminal() ? job : ClientRuntime.await(backend.cancel(id)));
    }
    return jobs;
  }

  /**
   * Waits for every batch to end and collects the outcomes. Memory grows with the number of
   * requests; prefer {@link #await(Consumer)} for large submissions. Blocks the calling thread;
   * {@link #awaitAsync()} does not.
   *
   * @return one outcome per request
   * @throws LlmException when the service cannot be reached to poll or download (the batches keep
   *     running; re-attach later)
   * @throws CallCancelledException when the waiting thread is interrupted: polling stops, the
   *     batches keep running, and the thread's interrupt flag stays set
   */
  public List<BatchOutcome<T>> await() {
    ClientRuntime.refuseToBlockAClientThread("BatchHandle.await()");
    return ClientRuntime.await(awaitAsync());
  }

  /**
   * Waits for every batch to end, streaming each part's outcomes to {@code sink} as soon as the
   * part ends. Blocks the calling thread until {@link #awaitAsync(Consumer)} ends; the sink is
   * called on the runner's executor, one outcome at a time.
   *
   * @param sink receives exactly one outcome per request
   * @return the counts and usage
   * @throws LlmException when the service cannot be reached to poll or download (the batches keep
   *     running; re-attach later)
   * @throws CallCancelledException when the waiting thread is interrupted: polling stops, the
   *     batches keep running, and the thread's interrupt flag stays set
   */
  public BatchSummary await(Consumer<BatchOutcome<T>> sink) {
    ClientRuntime.refuseToBlockAClientThread("BatchHandle.await()");
    return ClientRuntime.await(awaitAsync(sink));
  }

  /**
   * Waits for every batch to end without holding a thread: status polls are timers on the client's
   * scheduler with the same backoff as {@link #await(Consumer)}, and each ended part's results are
   * downloaded, checked and handed to {@code sink} on the runner's executor ({@link
   * BatchRunner.Builder#executor}), one outcome at a time.
   *
   * <pre>{@code
   * handle.awaitAsync(outcome -> write(outcome))
   *     .thenAccept(summary -> log(summary.succeeded() + " answered"));
   * }</pre>
   *
   * <p>Cancelling the returned future stops polling at once (no further status request is sent) and
   * stops a delivery in progress before its next outcome; the batches themselves keep running on
   * the service (call {@link #cancel()} to stop those too).
   *
   * @param sink receives exactly one outcome per request
   * @return completes with the counts and usage, or exceptionally with the {@link LlmException}
   *     that stopped polling or downloading (the batches keep running; re-attach later)
   */
  public CompletableFuture<BatchSummary> awaitAsync(Consumer<BatchOutcome<T>> sink) {
    int count;
    synchronized (this) {
      count = parts.size();
    }
    return new BatchAwait<>(this, runner, count, sink).start();
  }

  /**
   * Like {@link #awaitAsync(Consumer)}, collecting the outcomes; memory grows with the number of
   * requests. Cancelling the returned future stops polling the same way.
   *
   * @return completes with one outcome per request
   */
  public CompletableFuture<List<BatchOutcome<T>>> awaitAsync() {
    List<BatchOutcome<T>> all = new ArrayList<>();
    CompletableFuture<BatchSummary> waiting = awaitAsync(all::add);
    CompletableFuture<List<BatchOutcome<T>>> collected = waiting.thenApply(s -> all);
    collected.whenComplete(
        (r, t) -> {
          if (collected.isCancelled()) {
            waiting.cancel(true);
          }
        });
    return collected;
  }

  // ---- for BatchAwait ----------------------------------------------------------------------

  synchronized BatchPart part(int i) {
    return parts.get(i);
  }

  @Nullable ResponseSchema schema() {
    return schema;
  }

  boolean text() {
    return text;
  }

  String model() {
    return model;
  }

  synchronized void countQuotaRefusal() {
    quotaRefusals++;
  }

  synchronized int quotaRefusals() {
    return quotaRefusals;
  }

  /** Reads a part's status without waiting, remembering it for {@link #toString()}. */
  CompletableFuture<BatchJob> retrieve(int i) {
    String id = Objects.requireNonNull(part(i).batchId());
    return backend
        .retrieve(id)
        .thenApply(
            job -> {
              synchronized (this) {
                lastSeen.put(i, job);
              }
              return job;
            });
  }

  /** Submits a part again as a new batch, after the service refused it for the quota. */
  synchronized void resubmit(int i) {
    BatchPart p = parts.get(i);
    update(
        i, new BatchPart(p.index(), p.inputFile(), p.requests(), p.bytes(), p.inputFileId(), null));
    ensureCreated(i);
  }

  /** Only the last status seen per part, for messages. */
  @Override
  public synchronized String toString() {
    return "BatchHandle[parts="
        + parts.size()
        + ", seen="
        + lastSeen.values().stream().map(j -> j.id() + ":" + j.status().wireName()).toList()
        + "]";
  }
}
