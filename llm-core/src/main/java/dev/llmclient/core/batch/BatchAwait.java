package dev.llmclient.core.batch;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.llmclient.api.BatchQuotaExceededException;
import dev.llmclient.api.BatchRequestNotRunException;
import dev.llmclient.api.ErrorContext;
import dev.llmclient.api.InvalidRequestException;
import dev.llmclient.api.LlmException;
import dev.llmclient.api.LlmResponse;
import dev.llmclient.api.Usage;
import dev.llmclient.api.spi.BatchError;
import dev.llmclient.api.spi.BatchJob;
import dev.llmclient.api.spi.BatchResult;
import dev.llmclient.api.spi.BatchResults;
import dev.llmclient.api.spi.BatchStatus;
import dev.llmclient.core.internal.runtime.ClientRuntime;
import dev.llmclient.core.internal.runtime.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * One wait of a {@link BatchHandle} for its batches to end. No thread sleeps: each round of status
 * requests is a timer on the client's scheduler, the requests themselves are asynchronous, and only
 * the work that reads files (downloading and mapping a part's results, resubmitting a part) runs on
 * the runner's executor. Rounds never overlap, so the fields below are touched by one step at a
 * time; each hand-over between threads goes through a future or an executor, which publishes them.
 *
 * <p>Cancelling {@link #result} stops everything: the timer is cancelled, the status request in
 * flight is abandoned, and a delivery in progress stops before its next outcome.
 */
final class BatchAwait<T> {

  private static final CompletableFuture<@Nullable Void> DONE =
      CompletableFuture.completedFuture(null);

  private final BatchHandle<T> handle;
  private final BatchRunner runner;
  private final Consumer<BatchOutcome<T>> sink;
  private final CompletableFuture<BatchSummary> result = new CompletableFuture<>();
  private final Set<Integer> pending = new TreeSet<>();
  private final Map<Integer, Long> quotaRetryAt = new HashMap<>();
  private final Map<Integer, Integer> quotaTries = new HashMap<>();
  private long delivered;
  private long succeeded;
  private long failed;
  private Usage usage = Usage.ZERO;
  private Duration wait;
  private volatile @Nullable Future<?> timer;
  private volatile @Nullable CompletableFuture<?> inFlight;

  BatchAwait(BatchHandle<T> handle, BatchRunner runner, int parts, Consumer<BatchOutcome<T>> sink) {
    this.handle = handle;
    this.runner = runner;
    this.sink = Objects.requireNonNull(sink, "sink");
    this.wait = runner.pollInterval;
    for (int i = 0; i < parts; i++) {
      pending.add(i);
    }
  }

  /** Starts polling at once; the future ends with the summary, a typed failure, or cancelled. */
  CompletableFuture<BatchSummary> start() {
    result.whenComplete(
        (s, t) -> {
          Future<?> f = timer;
          if (f != null) {
            f.cancel(false);
          }
          CompletableFuture<?> c = inFlight;
          if (c != null) {
            c.cancel(true);
          }
        });
    round();
    return result;
  }

  /** Polls every pending part once, one after the other, then schedules the next round. */
  private void round() {
    if (result.isDone()) {
      return;
    }
    List<BatchJob> seen = new ArrayList<>();
    CompletableFuture<@Nullable Void> chain = DONE;
    for (Integer i : List.copyOf(pending)) {
      chain = chain.thenCompose(v -> result.isDone() ? DONE : poll(i, seen));
    }
    chain.whenComplete(
        (v, t) -> {
          if (t != null) {
            result.completeExceptionally(ClientRuntime.unwrap(t));
            return;
          }
          if (result.isDone()) {
            return;
          }
          try {
            if (runner.onProgress != null && !seen.isEmpty()) {
              runner.onProgress.accept(List.copyOf(seen));
            }
          } catch (RuntimeException e) {
            result.completeExceptionally(e);
            return;
          }
          if (pending.isEmpty()) {
            result.complete(
                new BatchSummary(delivered, succeeded, failed, usage, handle.quotaRefusals()));
            return;
          }
          Duration next = wait;
          long grown = Math.min(runner.maxPollInterval.toNanos(), wait.toNanos() * 3 / 2);
          wait = Duration.ofNanos(Math.max(grown, 1));
          try {
            timer = runner.scheduler().schedule(this::round, next.toNanos(), TimeUnit.NANOSECONDS);
          } catch (RejectedExecutionException closed) {
            result.completeExceptionally(runner.closedClient());
          }
          if (result.isDone() && timer != null) {
            Objects.requireNonNull(timer).cancel(false); // cancelled while scheduling
          }
        });
  }

  /** One part: resubmits it when its quota wait is over, reads its status, handles its end. */
  private CompletableFuture<@Nullable Void> poll(int i, List<BatchJob> seen) {
    CompletableFuture<@Nullable Void> ready = DONE;
    Long retryAt = quotaRetryAt.get(i);
    if (retryAt != null) {
      if (System.nanoTime() < retryAt) {
        return DONE;
      }
      quotaRetryAt.remove(i);
      ready = track(CompletableFuture.runAsync(() -> handle.resubmit(i), runner.executor()));
    }
    return ready
        .thenCompose(v -> track(handle.retrieve(i)))
        .thenCompose(
            job -> {
              seen.add(job);
              if (!job.status().isTerminal()) {
                return DONE;
              }
              if (job.quotaRefused()) {
                int tries = quotaTries.merge(i, 1, Integer::sum);
                handle.countQuotaRefusal();
                if (tries <= runner.maxQuotaRetries) {
                  long backoff =
                      Math.min(
                          Duration.ofHours(1).toNanos(),
                          runner.quotaBackoff.toNanos() << Math.min(tries - 1, 20));
                  quotaRetryAt.put(i, System.nanoTime() + backoff);
                  return DONE;
                }
                return finish(i, () -> failAll(i, quotaExceeded(job, tries)));
              }
              if (job.status() == BatchStatus.FAILED) {
                return finish(i, () -> failAll(i, refused(job)));
              }
              return deliver(i, job);
            });
  }

  /** Runs a part's file work on the executor, then counts the part as ended. */
  private CompletableFuture<@Nullable Void> finish(int i, Runnable work) {
    return track(CompletableFuture.runAsync(work, runner.executor()))
        .thenRun(() -> pending.remove(i));
  }

  private <R> CompletableFuture<R> track(CompletableFuture<R> step) {
    inFlight = step;
    if (result.isDone()) {
      step.cancel(true);
    }
    return step;
  }

  private void emit(BatchOutcome<T> o) {
    delivered++;
    if (o.succeeded()) {
      succeeded++;
      usage = usage.plus(Objects.requireNonNull(o.response()).usage());
    } else {
      failed++;
    }
    sink.accept(o);
  }

  private String provider() {
    return runner.backend().info().providerId();
  }

  private LlmException quotaExceeded(BatchJob job, int tries) {
    return new BatchQuotaExceededException(
        "The batch "
            + job.id()
            + " was refused "
            + tries
            + " times for the enqueued-token quota; submit it again later, or raise"
            + " the quota of the deployment.",
        ErrorContext.provider(provider()),
        null);
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
        ErrorContext.provider(provider()),
        null,
        job.errors().isEmpty() ? null : job.errors().get(0).code(),
        null);
  }

  /**
   * Streams the output and error files, then marks requests with no line as not run. Each file is
   * opened without waiting and read on the executor, so no executor thread waits for a response.
   */
  private CompletableFuture<@Nullable Void> deliver(int i, BatchJob job) {
    Set<String> seenIds = new HashSet<>();
    CompletableFuture<@Nullable Void> chain = DONE;
    for (String fileId : new String[] {job.outputFileId(), job.errorFileId()}) {
      if (fileId != null) {
        chain =
            chain
                .thenCompose(v -> track(runner.backend().results(fileId)))
                .thenCompose(
                    results ->
                        track(
                            CompletableFuture.runAsync(
                                () -> read(results, seenIds), runner.executor())));
      }
    }
    return chain.thenCompose(v -> finish(i, () -> markNotRun(i, job, seenIds)));
  }

  private void read(BatchResults opened, Set<String> seenIds) {
    String provider = provider();
    try (BatchResults results = opened) {
      while (!result.isDone() && results.hasNext()) {
        BatchResult r = results.next();
        if (!seenIds.add(r.customId())) {
          continue; // a service that repeats a line must not give a request two outcomes
        }
        emit(outcome(r, provider));
      }
    }
  }

  private void markNotRun(int i, BatchJob job, Set<String> seenIds) {
    String provider = provider();
    if (seenIds.size() < handle.part(i).requests()) {
      forEachId(
          i,
          id -> {
            if (!seenIds.contains(id)) {
              emit(
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
          AnswerCheck.check(
              Objects.requireNonNull(r.completion()),
              handle.schema(),
              handle.text(),
              handle.model(),
              provider);
      return new BatchOutcome<>(r.customId(), response, null);
    } catch (LlmException e) {
      return new BatchOutcome<>(r.customId(), null, e);
    }
  }

  private void failAll(int i, LlmException error) {
    forEachId(i, id -> emit(new BatchOutcome<>(id, null, error)));
  }

  /** The custom ids of a part, read back from its input file (one line at a time). */
  private void forEachId(int i, Consumer<String> action) {
    Path file = handle.part(i).inputFile();
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while (!result.isDone() && (line = reader.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        try (JsonParser p = Json.MAPPER.createParser(line)) {
          p.nextToken();
          String id = null;
          while (p.nextToken() == JsonToken.FIELD_NAME) {
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
      throw new UncheckedIOException("Cannot read the batch input file " + file, e);
    }
  }
}
