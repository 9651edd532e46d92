package dev.llmclient.cli;

import dev.llmclient.api.AuthenticationException;
import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmConfigurationException;
import dev.llmclient.api.LlmException;
import dev.llmclient.api.LlmRequest;
import dev.llmclient.api.LlmResponse;
import dev.llmclient.api.Message;
import dev.llmclient.api.NotFoundException;
import dev.llmclient.api.Usage;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.core.PromptTokenUsage;
import dev.llmclient.core.TokenUsageTracker;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * One run of {@code llm batch}: reads the input a line at a time, keeps at most {@code
 * --concurrency} calls in flight with {@link LlmClient#generateAsync} and a semaphore (no thread
 * per call), and writes exactly one output line per input line as results arrive.
 */
final class BatchJob {

  static final String PROMPT_NAME = "llm.batch";

  private final BatchCommand options;
  private final ProviderSettings settings;
  private final List<String> providerSettingsSet;
  private final PrintWriter err;
  private final boolean terminal;

  /** Where result lines go with {@code --out -}. */
  private final PrintWriter stdout;

  private final Semaphore permits;
  private final CountDownLatch finished = new CountDownLatch(1);
  private final BatchStats stats = new BatchStats();
  private final CallTracer tracer = new CallTracer();
  private final TokenUsageTracker tokens = new TokenUsageTracker();
  private volatile @Nullable String stopReason;
  private volatile @Nullable RuntimeException writeFailure;
  private volatile @Nullable Progress progress;

  BatchJob(BatchCommand options, ProviderSettings settings, PrintWriter err, boolean terminal) {
    this(options, settings, List.of(), new PrintWriter(System.out, true), err, terminal);
  }

  BatchJob(
      BatchCommand options,
      ProviderSettings settings,
      List<String> providerSettingsSet,
      PrintWriter stdout,
      PrintWriter err,
      boolean terminal) {
    this.options = options;
    this.stdout = stdout;
    this.settings = settings;
    this.providerSettingsSet = providerSettingsSet;
    this.err = err;
    this.terminal = terminal;
    this.permits = new Semaphore(options.concurrency);
  }

  /** Asks the run to stop reading; calls in flight still finish and are written. */
  void stop(String reason) {
    if (stopReason == null) {
      stopReason = reason;
    }
  }

  /** For the shutdown hook: stops the run and waits until it has written its summary. */
  void stopAndAwait(String reason, Duration timeout) {
    if (finished.getCount() == 0) {
      return;
    }
    stop(reason);
    note(
        "llm: stopping: finishing "
            + stats.inFlight.get()
            + " calls in flight (up to "
            + timeout.toSeconds()
            + " s), then writing the summary");
    try {
      if (!finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        note(
            "llm: calls still in flight after "
                + timeout.toSeconds()
                + " s; their records have no output line yet: run again with --resume");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Runs the batch. */
  int run() {
    try {
      return runBatch();
    } finally {
      finished.countDown();
    }
  }

  private int runBatch() {
    Extraction extraction = Extraction.of(options.schema, options.type);
    String instructions = options.system == null ? Extraction.DEFAULT_INSTRUCTIONS : options.system;
    BatchOutput.checkFiles(options);
    // Fails here, before any call and any change to the output, when the schema or an option is
    // not usable: the core checks the request exactly as it checks every record's call.
    Extraction.checkWithCore(request(extraction, instructions, "probe"), extraction.description());
    InputFile.Scan input = InputFile.scan(options.in);

    // Standard output needs no lock and has nothing to resume or overwrite.
    boolean toStdout = Cli.isStandardStream(options.out);
    @Nullable OutputLock lock = toStdout ? null : OutputLock.acquire(options.out, err);
    try (Connection connection =
        Connection.open(options.client, settings, providerSettingsSet, err, tracer, tokens)) {
      BatchOutput.Provenance provenance =
          new BatchOutput.Provenance(input.sha256(), extraction.sha256(), connection.embedded());
      // Records still to do; keys in the output that are not in this input make it an estimate.
      long total;
      long start = System.nanoTime();
      long lastLine;
      ResumePlan kept =
          toStdout ? ResumePlan.NOTHING : BatchOutput.prepare(options, provenance, err);
      try (kept;
          DuplicateIds duplicates =
              DuplicateIds.scan(options.in, options.out, options.idField, options.textField);
          ResultFile results =
              toStdout ? ResultFile.standardOutput(stdout) : ResultFile.append(options.out);
          InputFile reader = InputFile.open(options.in)) {
        total = Math.max(0, input.records() - kept.doneCount());
        Duration interval = Duration.ofMillis((long) (options.progressIntervalSeconds * 1000));
        Progress shown = Progress.start(err, terminal, () -> snapshot(total, start), interval);
        progress = shown;
        try {
          lastLine =
              submitAll(
                  reader,
                  connection.client(),
                  results,
                  kept.done(),
                  duplicates,
                  extraction,
                  instructions,
                  provenance);
          permits.acquireUninterruptibly(options.concurrency);
          permits.release(options.concurrency);
        } finally {
          progress = null;
          shown.close();
        }
      }
      long okInFile = kept.keptOk() + stats.ok.get();
      long errorsInFile = kept.keptErrors() + stats.failed.get() + stats.malformed.get();
      printSummary(total, start, lastLine, okInFile, errorsInFile);
      RuntimeException failure = writeFailure;
      if (failure != null) {
        throw failure;
      }
      return errorsInFile > 0 || stopReason != null ? LlmCommand.RECORDS_FAILED : LlmCommand.OK;
    } finally {
      if (lock != null) {
        lock.close();
      }
    }
  }

  /** Reads and submits records until the input ends or a stop is asked; returns the last line. */
  private long submitAll(
      InputFile reader,
      LlmClient client,
      ResultFile results,
      ResumePlan.Done done,
      DuplicateIds duplicates,
      Extraction extraction,
      String instructions,
      BatchOutput.Provenance provenance) {
    long lineNumber = 0;
    InputFile.Line line;
    while (stopReason == null && (line = reader.next()) != null) {
      lineNumber = line.number();
      String content = line.text();
      InputRecord record;
      if (content == null) {
        record = InputRecord.unreadable(lineNumber, String.valueOf(line.problem()));
      } else if (content.isBlank()) {
        continue;
      } else {
        record = InputRecord.parse(lineNumber, content, options.idField, options.textField);
      }
      Long firstLine = record.id() == null ? null : duplicates.firstLineOf(lineNumber);
      boolean duplicate = firstLine != null;
      String key = InputRecord.key(record.id(), lineNumber, duplicate);
      if (done.contains(lineNumber, key)) {
        stats.skipped.incrementAndGet();
        continue;
      }
      if (duplicate) {
        writeRejected(
            results,
            record,
            ResultFile.DUPLICATE_ID,
            "id '" + record.id() + "' is also on line " + firstLine + "; ids must be unique",
            provenance);
        continue;
      }
      String text = record.text();
      if (text == null) {
        writeRejected(
            results, record, ResultFile.MALFORMED, String.valueOf(record.problem()), provenance);
        continue;
      }
      permits.acquireUninterruptibly();
      if (stopReason != null) {
        permits.release();
        // Not sent: the record has no output line, so --resume does it.
        lineNumber--;
        break;
      }
      submit(client, results, record, request(extraction, instructions, text), provenance);
    }
    return lineNumber;
  }

  private LlmRequest<Object> request(Extraction extraction, String instructions, String text) {
    return options
        .client
        .apply(
            extraction.apply(
                LlmRequest.builder()
                    .addMessage(Message.system(instructions))
                    .addMessage(Message.user(text))
                    .promptName(PROMPT_NAME)))
        .build();
  }

  private void submit(
      LlmClient client,
      ResultFile results,
      InputRecord record,
      LlmRequest<Object> request,
      BatchOutput.Provenance provenance) {
    long started = System.nanoTime();
    stats.inFlight.incrementAndGet();
    start(client, request)
        .whenComplete(
            (response, error) -> {
              long millis = (System.nanoTime() - started) / 1_000_000;
              try {
                if (error == null) {
                  results.write(Json.write(successLine(record, response, millis, provenance)));
                  stats.succeeded(response.model(), response.usage(), millis);
                } else {
                  Throwable cause = unwrap(error);
                  results.write(Json.write(errorLine(record, cause, provenance)));
                  stats.failed(cause.getClass().getSimpleName(), millis);
                  if (isFatal(cause)) {
                    stop(
                        "every call would fail the same way ("
                            + cause.getClass().getSimpleName()
                            + "): "
                            + cause.getMessage());
                  }
                }
              } catch (RuntimeException e) {
                writeFailure = e;
                stop("the output file cannot be written: " + e.getMessage());
              } finally {
                stats.inFlight.decrementAndGet();
                permits.release();
              }
            });
  }

  private void writeRejected(
      ResultFile results,
      InputRecord record,
      String type,
      String problem,
      BatchOutput.Provenance provenance) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("id", record.id());
    line.put("line", record.line());
    line.put("error", type);
    line.put("message", "line " + record.line() + ": " + problem);
    line.put("retryable", false);
    provenance.addTo(line);
    results.write(Json.write(line));
    stats.malformed(type);
    note("llm: line " + record.line() + " skipped: " + problem);
  }

  static Map<String, Object> successLine(
      InputRecord record,
      LlmResponse<Object> response,
      long millis,
      BatchOutput.Provenance provenance) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("id", record.id());
    line.put("line", record.line());
    line.put("result", response.json());
    line.put("model", response.model());
    line.put("attempts", response.attempts());
    line.put("reasks", response.reasks());
    line.put("inputTokens", response.usage().inputTokens());
    line.put("outputTokens", response.usage().outputTokens());
    line.put("latencyMs", millis);
    provenance.addTo(line);
    return line;
  }

  static Map<String, Object> errorLine(
      InputRecord record, Throwable error, BatchOutput.Provenance provenance) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("id", record.id());
    line.put("line", record.line());
    line.put("error", error.getClass().getSimpleName());
    line.put("message", String.valueOf(error.getMessage()));
    if (error instanceof LlmException e) {
      line.put("retryable", e.isRetryable());
      if (e.httpStatus() != null) {
        line.put("httpStatus", e.httpStatus());
      }
      if (e.requestId() != null) {
        line.put("requestId", e.requestId());
      }
    } else {
      line.put("retryable", false);
    }
    provenance.addTo(line);
    return line;
  }

  /** Failures that say nothing about the record: the next call fails the same way. */
  static boolean isFatal(Throwable error) {
    return error instanceof AuthenticationException
        || error instanceof LlmConfigurationException
        || error instanceof NotFoundException;
  }

  /**
   * Starts one call; a request the client refuses at once becomes a failed future, so that every
   * record's line is written by the same callback.
   */
  static CompletableFuture<LlmResponse<Object>> start(
      LlmClient client, LlmRequest<Object> request) {
    try {
      return client.generateAsync(request);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  static Throwable unwrap(Throwable error) {
    Throwable t = error;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private Progress.Snapshot snapshot(long total, long start) {
    PromptTokenUsage used = tokens.totalUsage();
    return new Progress.Snapshot(
        stats.done(),
        total,
        stats.ok.get(),
        stats.failed.get() + stats.malformed.get(),
        tracer.retrying(),
        stats.inFlight.get(),
        used.inputTokens(),
        used.outputTokens(),
        Duration.ofNanos(System.nanoTime() - start));
  }

  private void note(String message) {
    String safe = TerminalText.safe(message);
    Progress p = progress;
    if (p != null) {
      p.note(safe);
    } else {
      err.println(safe);
      err.flush();
    }
  }

  private void printSummary(
      long total, long start, long lastLine, long okInFile, long errorsInFile) {
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
    PromptTokenUsage used = tokens.totalUsage();
    Map<String, Usage> byModel =
        CostEstimator.withUnattributed(
            stats.usageByModel(), used.inputTokens(), used.outputTokens());
    CostEstimator.Estimate cost = new CostEstimator(options.prices).estimate(byModel);
    err.print(
        TerminalText.safe(
            summary(
                new SummaryData(
                    stats.done(),
                    stats.ok.get(),
                    stats.failed.get(),
                    stats.malformed.get(),
                    stats.skipped.get(),
                    stats.failuresByType(),
                    tracer.reasks(),
                    tracer.retries(),
                    used.inputTokens(),
                    used.outputTokens(),
                    cost,
                    stats.hasLatencies() ? stats.latencyPercentile(50) : null,
                    stats.hasLatencies() ? stats.latencyPercentile(95) : null,
                    elapsed,
                    options.out.toString(),
                    okInFile,
                    errorsInFile,
                    stopReason,
                    lastLine))));
    err.flush();
  }

  /** Everything the summary shows. */
  record SummaryData(
      long done,
      long ok,
      long failed,
      long malformed,
      long skipped,
      Map<String, Long> failuresByType,
      long reasks,
      long retries,
      long inputTokens,
      long outputTokens,
      CostEstimator.Estimate cost,
      @Nullable Duration p50,
      @Nullable Duration p95,
      Duration elapsed,
      String out,
      long okInFile,
      long errorsInFile,
      @Nullable String stopReason,
      long lastLine) {}

  /** The final summary text. */
  static String summary(SummaryData d) {
    StringBuilder s = new StringBuilder();
    double seconds = d.elapsed().toMillis() / 1000.0;
    s.append(
        String.format(
            Locale.ROOT,
            "llm batch summary: %d records in %.1f s (%.1f/s)%n",
            d.done(),
            seconds,
            seconds > 0 ? d.done() / seconds : 0.0));
    s.append("  ok:         ").append(d.ok()).append('\n');
    s.append("  failed:     ").append(d.failed() + d.malformed());
    if (!d.failuresByType().isEmpty()) {
      s.append(" (")
          .append(
              d.failuresByType().entrySet().stream()
                  .map(e -> e.getKey() + " " + e.getValue())
                  .collect(Collectors.joining(", ")))
          .append(')');
    }
    s.append('\n');
    if (d.skipped() > 0) {
      s.append("  skipped:    ").append(d.skipped()).append(" (already in the output, --resume)\n");
    }
    s.append("  re-asks:    ").append(d.reasks()).append('\n');
    s.append("  retries:    ").append(d.retries()).append('\n');
    s.append("  tokens:     ")
        .append(d.inputTokens())
        .append(" in / ")
        .append(d.outputTokens())
        .append(" out\n");
    s.append(String.format(Locale.ROOT, "  est. cost:  $%.4f", d.cost().dollars()));
    if (!d.cost().unpriced().isEmpty()) {
      s.append(" (no price for ")
          .append(String.join(", ", d.cost().unpriced()))
          .append("; add --price MODEL=IN,OUT per million tokens)");
    }
    s.append('\n');
    if (d.p50() != null && d.p95() != null) {
      s.append("  latency:    p50 ")
          .append(d.p50().toMillis())
          .append(" ms, p95 ")
          .append(d.p95().toMillis())
          .append(" ms\n");
    }
    s.append("  results:    ")
        .append(d.out())
        .append(" holds ")
        .append(d.okInFile())
        .append(" results and ")
        .append(d.errorsInFile())
        .append(" error lines");
    if (d.errorsInFile() > 0) {
      s.append("; run the same command with --resume to do the failed records again");
    }
    s.append('\n');
    if (d.stopReason() != null) {
      s.append("  stopped:    ")
          .append(d.stopReason())
          .append(" after input line ")
          .append(d.lastLine())
          .append("; run the same command with --resume to continue\n");
    }
    return s.toString();
  }
}
