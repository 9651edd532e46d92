package dev.llmclient.core.batch;

import dev.llmclient.api.BatchQuotaExceededException;
import dev.llmclient.api.BatchRequestNotRunException;
import dev.llmclient.api.ErrorContext;
import dev.llmclient.api.InvalidRequestException;
import dev.llmclient.api.LlmException;
import dev.llmclient.api.LlmResponse;
import dev.llmclient.api.Usage;
import dev.llmclient.api.spi.BatchBackend;
import dev.llmclient.api.spi.BatchError;
import dev.llmclient.api.spi.BatchFile;
import dev.llmclient.api.spi.BatchJob;
import dev.llmclient.api.spi.BatchResult;
import dev.llmclient.api.spi.BatchResults;
import dev.llmclient.api.spi.BatchStatus;
import dev.llmclient.core.internal.runtime.Json;
import dev.llmclient.core.internal.schema.ResponseSchema;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A submitted file batch, split into {@link BatchPart}s: poll it, wait for it, cancel it. Obtained
 * from {@link BatchRunner#submit} or {@link BatchRunner#attach}.
 *
 * <p>{@link #await(Consumer)} blocks the calling thread (batches take minutes to hours) while it
 * polls with backoff; it delivers exactly one {@link BatchOutcome} per request: answers checked
 * against the schema, service failures typed like online ones, requests a batch never reached as
 * {@link BatchRequestNotRunException}, all requests of a refused batch with the refusal.
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
      BatchFile f = join(backend.upload(p.inputFile()));
      p = p.withInputFileId(f.id());
      update(i, p);
    }
    if (p.batchId() == null) {
      Map<String, String> metadata = new HashMap<>(runner.metadata);
      metadata.put("llmclient_part", Integer.toString(p.index()));
      BatchJob job = join(backend.create(Objects.requireNonNull(p.inputFileId()), metadata));
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
      BatchJob job = join(backend.retrieve(Objects.requireNonNull(parts.get(i).batchId())));
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
      BatchJob job = join(backend.retrieve(id));
      jobs.add(job.status().isTerminal() ? job : join(backend.cancel(id)));
    }
    return jobs;
  }

  /**
   * Waits for every batch to end and collects the outcomes. Memory grows with the number of
   * requests; prefer {@link #await(Consumer)} for large submissions.
   *
   * @return one outcome per request
   */
  public List<BatchOutcome<T>> await() {
    List<BatchOutcome<T>> all = new ArrayList<>();
    await(all::add);
    return all;
  }

  /**
   * Waits for every batch to end, streaming each part's outcomes to {@code sink} as soon as the
   * part ends. Blocks the calling thread.
   *
   * @param sink receives exactly one outcome per request
   * @return the counts and usage
   * @throws LlmException when the service cannot be reached to poll or download (the batches keep
   *     running; re-attach later)
   */
  public synchronized BatchSummary await(Consumer<BatchOutcome<T>> sink) {
    Set<Integer> pending = new HashSet<>();
    for (int i = 0; i < parts.size(); i++) {
      pending.add(i);
    }
    Map<Integer, Long> quotaRetryAt = new HashMap<>();
    Map<Integer, Integer> quotaTries = new HashMap<>();
    long[] counts = new long[3];
    Usage[] usage = {Usage.ZERO};
    Consumer<BatchOutcome<T>> counting =
        o -> {
          counts[0]++;
          if (o.succeeded()) {
            counts[1]++;
            usage[0] = usage[0].plus(Objects.requireNonNull(o.response()).usage());
          } else {
            counts[2]++;
          }
          sink.accept(o);
        };
    Duration wait = runner.pollInterval;
    while (!pending.isEmpty()) {
      List<BatchJob> seen = new ArrayList<>();
      for (Integer i : new ArrayList<>(pending)) {
        Long retryAt = quotaRetryAt.get(i);
        if (retryAt != null) {
          if (System.nanoTime() < retryAt) {
            continue;
          }
          quotaRetryAt.remove(i);
          BatchPart p = parts.get(i);
          update(
              i,
              new BatchPart(
                  p.index(), p.inputFile(), p.requests(), p.bytes(), p.inputFileId(), null));
          ensureCreated(i);
        }
        BatchJob job = join(backend.retrieve(Objects.requireNonNull(parts.get(i).batchId())));
        lastSeen.put(i, job);
        seen.add(job);
        if (!job.status().isTerminal()) {
          continue;
        }
        if (job.quotaRefused()) {
          int tries = quotaTries.merge(i, 1, Integer::sum);
          quotaRefusals++;
          if (tries <= runner.maxQuotaRetries) {
            long backoff =
                Math.min(
                    Duration.ofHours(1).toNanos(),
                    runner.quotaBackoff.toNanos() << Math.min(tries - 1, 20));
            quotaRetryAt.put(i, System.nanoTime() + backoff);
            continue;
          }
          failAll(
              i,
              new BatchQuotaExceededException(
                  "The batch "
                      + job.id()
                      + " was refused "
                      + tries
                      + " times for the enqueued-token quota; submit it again later, or raise"
                      + " the quota of the deployment.",
                  ErrorContext.provider(backend.info().providerId()),
                  null),
              counting);
        } else if (job.status() == BatchStatus.FAILED) {
          failAll(i, refused(job), counting);
        } else {
          deliver(i, job, counting);
        }
        pending.remove(i);
      }
      if (runner.onProgress != null && !seen.isEmpty()) {
        runner.onProgress.accept(List.copyOf(seen));
      }
      if (!pending.isEmpty()) {
        sleep(wait);
        long next = Math.min(runner.maxPollInterval.toNanos(), wait.toNanos() * 3 / 2);
        wait = Duration.ofNanos(Math.max(next, 1));
      }
    }
    return new BatchSummary(counts[0], counts[1], counts[2], usage[0], quotaRefusals);
  }

  private LlmException refused(BatchJob job) {
    StringBuilder why = new StringBuilder();
    for (BatchError e : job.errors()) {
      if (why.length() > 300) {
        why.append("; ...");
        break;
      }
      if (why.length() > 0) {
        why.append("; ");
      }
      why.append(e.code()).append(e.line() == null ? "" : " (line " + e.line() + ")");
      why.append(": ").append(e.message());
    }
    return new InvalidRequestException(
        "The batch "
            + job.id()
            + " was refused by the service: "
            + (why.length() == 0 ? "no reason given" : why)
            + ". Fix the input and submit again.",
        ErrorContext.provider(backend.info().providerId()),
        null,
        job.errors().isEmpty() ? null : job.errors().get(0).code(),
        null);
  }

  /** Streams the output and error files, then marks requests with no line as not run. */
  private void deliver(int i, BatchJob job, Consumer<BatchOutcome<T>> sink) {
    Set<String> delivered = new HashSet<>();
    String provider = backend.info().providerId();
    for (String fileId : new String[] {job.outputFileId(), job.errorFileId()}) {
      if (fileId == null) {
        continue;
      }
      try (BatchResults results = join(backend.results(fileId))) {
        while (results.hasNext()) {
          BatchResult r = results.next();
          if (!delivered.add(r.customId())) {
            continue; // a service that repeats a line must not give a request two outcomes
          }
          sink.accept(outcome(r, provider));
        }
      }
    }
    if (delivered.size() < parts.get(i).requests()) {
      forEachId(
          i,
          id -> {
            if (!delivered.contains(id)) {
              sink.accept(
                  new BatchOutcome<>(
                      id,
                      null,
                      new BatchRequestNotRunException(
                          "The request "
                              + id
                              + " has no result in batch "
                              + job.id()
                              + " ("
                              + job.status().wireName()
                              + "); send it again in a new batch or online.",
                          ErrorContext.provider(provider),
                          null)));
            }
          });
    }
  }

  private BatchOutcome<T> outcome(BatchResult r, String provider) {
    if (r.error() != null) {
      return new BatchOutcome<>(r.customId(), null, r.error());
    }
    try {
      LlmResponse<T> response =
          AnswerCheck.check(Objects.requireNonNull(r.completion()), schema, text, model, provider);
      return new BatchOutcome<>(r.customId(), response, null);
    } catch (LlmException e) {
      return new BatchOutcome<>(r.customId(), null, e);
    }
  }

  private void failAll(int i, LlmException error, Consumer<BatchOutcome<T>> sink) {
    forEachId(i, id -> sink.accept(new BatchOutcome<>(id, null, error)));
  }

  /** The custom ids of a part, read back from its input file (one line at a time). */
  private void forEachId(int i, Consumer<String> action) {
    try (BufferedReader reader =
        Files.newBufferedReader(parts.get(i).inputFile(), StandardCharsets.UTF_8)) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        try (com.fasterxml.jackson.core.JsonParser p = Json.MAPPER.createParser(line)) {
          p.nextToken();
          String id = null;
          while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            if ("custom_id".equals(name)) {
              id = p.getText();
              break;
            }
            p.skipChildren();
          }
          if (id != null) {
            action.accept(id);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot read the batch input file " + parts.get(i).inputFile(), e);
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(Math.max(1, d.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException("interrupted while waiting for the batch");
    }
  }

  private static <R> R join(CompletableFuture<R> future) {
    try {
      return future.get();
    } catch (ExecutionException | CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      future.cancel(true);
      throw new CancellationException("interrupted while calling the batch API");
    }
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
