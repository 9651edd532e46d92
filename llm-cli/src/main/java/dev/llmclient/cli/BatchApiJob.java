package dev.llmclient.cli;

import dev.llmclient.api.EmptyResponseException;
import dev.llmclient.api.InvalidResponseException;
import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmConfigurationException;
import dev.llmclient.api.LlmException;
import dev.llmclient.api.LlmRequest;
import dev.llmclient.api.LlmResponse;
import dev.llmclient.api.Message;
import dev.llmclient.api.Usage;
import dev.llmclient.api.spi.BatchBackend;
import dev.llmclient.api.spi.LlmProvider;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.core.LlmClients;
import dev.llmclient.core.TokenUsageTracker;
import dev.llmclient.core.batch.BatchHandle;
import dev.llmclient.core.batch.BatchPart;
import dev.llmclient.core.batch.BatchRunner;
import dev.llmclient.core.batch.BatchSummary;
import dev.llmclient.testkit.simulator.LlmSimulator;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import org.jspecify.annotations.Nullable;

/**
 * One run of {@code llm batch --mode batch-api}: the records go to the provider's Batch API (half
 * the price, its own quota, a 24-hour window) instead of one online call each. Requests are built
 * exactly as online; the run's state ({@link BatchApiState}) is kept next to the output, so a crash
 * or Ctrl-C leaves the batches running and {@code --resume} re-attaches. Answers are validated
 * against the schema and written in the online result-line format; records the service failed and
 * answers that fail validation are retried online unless {@code --no-online-retry}.
 */
final class BatchApiJob {

  /** What the Batch APIs charge relative to online calls. */
  static final double BATCH_PRICE_FACTOR = 0.5;

  private final BatchCommand options;
  private final ProviderSettings settings;
  private final List<String> providerSettingsSet;
  private final PrintWriter err;
  private final TokenUsageTracker onlineTokens = new TokenUsageTracker();
  private final Map<String, Usage> batchUsage = new java.util.TreeMap<>();
  private final Map<String, Usage> onlineUsage = new java.util.TreeMap<>();

  BatchApiJob(
      BatchCommand options,
      ProviderSettings settings,
      List<String> providerSettingsSet,
      PrintWriter err) {
    this.options = options;
    this.settings = settings;
    this.providerSettingsSet = providerSettingsSet;
    this.err = err;
  }

  int run() {
    if (Cli.isStandardStream(options.out)) {
      throw new IllegalArgumentException(
          "--mode batch-api keeps its state next to the output; give --out a file");
    }
    if (options.status || options.cancel) {
      return statusOrCancel();
    }
    Extraction extraction = Extraction.of(options.schema, options.type);
    String instructions = options.system == null ? Extraction.DEFAULT_INSTRUCTIONS : options.system;
    BatchOutput.checkFiles(options);
    Extraction.checkWithCore(request(extraction, instructions, "probe"), extraction.description());
    InputFile.Scan input = InputFile.scan(options.in);
    OutputLock lock = OutputLock.acquire(options.out, err);
    try (Connection connection =
            Connection.open(
                options.client, settings, providerSettingsSet, err, null, onlineTokens);
        BatchBackend backend = backend(connection)) {
      BatchOutput.Provenance provenance =
          new BatchOutput.Provenance(input.sha256(), extraction.sha256(), connection.embedded());
      BatchApiState state = BatchApiState.read(options.out);
      if (state != null && !options.resume) {
        throw new IllegalArgumentException(
            "A batch-api run for "
                + options.out
                + " is still open (its state is in "
                + BatchApiState.fileFor(options.out)
                + "): pass --resume to collect it, --status to see it, or --cancel to stop it");
      }
      if (state != null
          && !options.allowChanged
          && (!state.inputSha256.equals(input.sha256())
              || !state.schemaSha256.equals(extraction.sha256()))) {
        throw new IllegalArgumentException(
            "The input or schema changed since the batches of "
                + options.out
                + " were submitted; --allow-changed collects them anyway, --cancel stops them");
      }
      try (ResultFile.Plan kept = BatchOutput.prepare(options, provenance, err)) {
        return collect(connection, backend, state, kept, extraction, instructions, provenance);
      }
    } finally {
      lock.close();
    }
  }

  private int collect(
      Connection connection,
      BatchBackend backend,
      @Nullable BatchApiState existing,
      ResultFile.Plan kept,
      Extraction extraction,
      String instructions,
      BatchOutput.Provenance provenance) {
    long start = System.nanoTime();
    Set<String> done = java.util.concurrent.ConcurrentHashMap.newKeySet();
    done.addAll(kept.doneKeys());
    Map<String, InputRecord> pending = new HashMap<>();
    long[] counts = new long[6]; // batch ok, failed, retried online, rejected, skipped, online ok
    try (ResultFile results = ResultFile.append(options.out)) {
      // Reads the input once: rejected lines are written as online mode writes them, the others
      // are the records to run (without their text, which stays in the input file).
      scan(
          extraction,
          instructions,
          done,
          (record, request) -> pending.put(key(record), record),
          (record, type, problem) -> {
            Map<String, Object> line = new java.util.LinkedHashMap<>();
            line.put("id", record.id());
            line.put("line", record.line());
            line.put("error", type);
            line.put("message", "line " + record.line() + ": " + problem);
            line.put("retryable", false);
            provenance.addTo(line);
            results.write(Json.write(line));
            done.add(key(record));
            counts[3]++;
          },
          counts);
      BatchRunner runner = runner(connection.client(), backend);
      BatchApiState state = existing;
      if (state == null && !pending.isEmpty()) {
        List<BatchPart> parts =
            runner.writeInputFiles(requests(extraction, instructions, pending.keySet()));
        state =
            new BatchApiState(
                provenance.inputSha256(), provenance.schemaSha256(), connection.embedded(), parts);
        state.write(options.out);
      }
      if (state == null) {
        note("llm: nothing to do: every record already has a line in " + options.out);
        return LlmCommand.OK;
      }
      BatchApiState saved = state;
      BatchRunner tracking =
          runner(
              connection.client(),
              backend,
              p -> {
                saved.update(p);
                saved.write(options.out);
              });
      BatchHandle<Object> handle =
          tracking.attach(saved.parts, request(extraction, instructions, "prototype"));
      long requests = saved.parts.stream().mapToLong(BatchPart::requests).sum();
      note(
          "llm: "
              + requests
              + " records in "
              + saved.parts.size()
              + " batches on "
              + backend.info().providerId()
              + " (24 h window); state in "
              + BatchApiState.fileFor(options.out));
      if (options.detach) {
        note(
            "llm: detached; the batches keep running. Collect them with the same command and"
                + " --resume, see them with --status.");
        return LlmCommand.OK;
      }
      Set<String> retryOnline = java.util.concurrent.ConcurrentHashMap.newKeySet();
      BatchSummary summary =
          handle.await(
              outcome -> {
                String key = outcome.customId();
                InputRecord record = pending.get(key);
                if (record == null || !done.add(key)) {
                  return; // already in the output (a resumed run) or not a record of this input
                }
                long millis = (System.nanoTime() - start) / 1_000_000;
                LlmResponse<Object> response = outcome.response();
                if (response != null) {
                  results.write(
                      Json.write(BatchJob.successLine(record, response, millis, provenance)));
                  counts[0]++;
                  return;
                }
                LlmException error = java.util.Objects.requireNonNull(outcome.error());
                if (!options.noOnlineRetry && retriesOnline(error)) {
                  done.remove(key);
                  retryOnline.add(key);
                  return;
                }
                results.write(Json.write(BatchJob.errorLine(record, error, provenance)));
                counts[1]++;
              });
      if (!retryOnline.isEmpty()) {
        note("llm: " + retryOnline.size() + " records are retried online");
        retryOnline(
            connection.client(),
            results,
            extraction,
            instructions,
            retryOnline,
            pending,
            done,
            provenance,
            counts);
      }
      long missing = pending.keySet().stream().filter(k -> !done.contains(k)).count();
      if (missing == 0) {
        BatchApiState.delete(options.out);
      }
      printSummary(summary, counts, start, missing);
      return counts[1] + counts[3] > 0 || missing > 0 || kept.keptErrors() > 0
          ? LlmCommand.RECORDS_FAILED
          : LlmCommand.OK;
    }
  }

  static boolean retriesOnline(LlmException error) {
    return error.isRetryable()
        || error instanceof InvalidResponseException
        || error instanceof EmptyResponseException;
  }

  private void retryOnline(
      LlmClient client,
      ResultFile results,
      Extraction extraction,
      String instructions,
      Set<String> keys,
      Map<String, InputRecord> pending,
      Set<String> done,
      BatchOutput.Provenance provenance,
      long[] counts) {
    Semaphore permits = new Semaphore(options.concurrency);
    List<CompletableFuture<?>> calls = new ArrayList<>();
    scan(
        extraction,
        instructions,
        Set.of(),
        (record, request) -> {
          String key = key(record);
          if (!keys.contains(key)) {
            return;
          }
          InputRecord known = pending.get(key);
          permits.acquireUninterruptibly();
          long started = System.nanoTime();
          CompletableFuture<LlmResponse<Object>> call;
          try {
            call = client.generateAsync(request);
          } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
          }
          calls.add(
              call.whenComplete(
                  (response, error) -> {
                    try {
                      long millis = (System.nanoTime() - started) / 1_000_000;
                      InputRecord r = known != null ? known : record;
                      if (error == null) {
                        results.write(
                            Json.write(BatchJob.successLine(r, response, millis, provenance)));
                        synchronized (counts) {
                          counts[5]++;
                        }
                      } else {
                        results.write(
                            Json.write(BatchJob.errorLine(r, BatchJob.unwrap(error), provenance)));
                        synchronized (counts) {
                          counts[1]++;
                        }
                      }
                      synchronized (counts) {
                        counts[2]++;
                      }
                      done.add(key);
                      keys.remove(key);
                    } finally {
                      permits.release();
                    }
                  }));
        },
        (record, type, problem) -> {},
        new long[6]);
    for (CompletableFuture<?> call : calls) {
      try {
        call.join();
      } catch (RuntimeException e) {
        // written as an error line above
      }
    }
    for (String key : keys) {
      pending.remove(key); // not found again in the input: counted as missing below
    }
  }

  /** What each input line is: a record to run, or a line rejected as online mode rejects it. */
  private interface RecordSink {
    void accept(InputRecord record, LlmRequest<Object> request);
  }

  private interface RejectSink {
    void accept(InputRecord record, String type, String problem);
  }

  private void scan(
      Extraction extraction,
      String instructions,
      Set<String> done,
      RecordSink records,
      RejectSink rejected,
      long[] counts) {
    Map<String, Long> firstLineOfId = new HashMap<>();
    try (InputFile reader = InputFile.open(options.in)) {
      InputFile.Line line;
      while ((line = reader.next()) != null) {
        String content = line.text();
        InputRecord record;
        if (content == null) {
          record = InputRecord.unreadable(line.number(), String.valueOf(line.problem()));
        } else if (content.isBlank()) {
          continue;
        } else {
          record = InputRecord.parse(line.number(), content, options.idField, options.textField);
        }
        Long firstLine =
            record.id() == null ? null : firstLineOfId.putIfAbsent(record.id(), line.number());
        boolean duplicate = firstLine != null;
        String key = InputRecord.key(record.id(), line.number(), duplicate);
        if (done.contains(key)) {
          counts[4]++;
          continue;
        }
        if (duplicate) {
          rejected.accept(
              new InputRecord(line.number(), null, null, null),
              ResultFile.DUPLICATE_ID,
              "id '" + record.id() + "' is also on line " + firstLine + "; ids must be unique");
          continue;
        }
        String text = record.text();
        if (text == null) {
          rejected.accept(record, ResultFile.MALFORMED, String.valueOf(record.problem()));
          continue;
        }
        records.accept(
            new InputRecord(record.line(), record.id(), null, null),
            request(extraction, instructions, text));
      }
    }
  }

  private static String key(InputRecord record) {
    return InputRecord.key(record.id(), record.line(), false);
  }

  /**
   * The requests of the pending records, read from the input one line at a time as the runner asks
   * for them, so only the ids seen so far are held, never the texts.
   */
  private Iterator<Map.Entry<String, LlmRequest<Object>>> requests(
      Extraction extraction, String instructions, Set<String> keys) {
    InputFile reader = InputFile.open(options.in);
    Map<String, Long> firstLineOfId = new HashMap<>();
    return new Iterator<>() {
      private Map.@Nullable Entry<String, LlmRequest<Object>> next;
      private boolean done;

      @Override
      public boolean hasNext() {
        while (next == null && !done) {
          InputFile.Line line = reader.next();
          if (line == null) {
            reader.close();
            done = true;
            break;
          }
          String content = line.text();
          if (content == null || content.isBlank()) {
            continue;
          }
          InputRecord record =
              InputRecord.parse(line.number(), content, options.idField, options.textField);
          Long first =
              record.id() == null ? null : firstLineOfId.putIfAbsent(record.id(), line.number());
          String text = record.text();
          if (first != null || text == null) {
            continue; // written as a rejected line, never sent
          }
          String key = InputRecord.key(record.id(), line.number(), false);
          if (keys.contains(key)) {
            next =
                new AbstractMap.SimpleImmutableEntry<>(
                    key, request(extraction, instructions, text));
          }
        }
        return next != null;
      }

      @Override
      public Map.Entry<String, LlmRequest<Object>> next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        Map.Entry<String, LlmRequest<Object>> e = java.util.Objects.requireNonNull(next);
        next = null;
        return e;
      }
    };
  }

  private LlmRequest<Object> request(Extraction extraction, String instructions, String text) {
    return options
        .client
        .apply(
            extraction.apply(
                LlmRequest.builder()
                    .addMessage(Message.system(instructions))
                    .addMessage(Message.user(text))
                    .promptName(BatchJob.PROMPT_NAME)))
        .build();
  }

  private BatchRunner runner(LlmClient client, BatchBackend backend) {
    return runner(client, backend, p -> {});
  }

  private BatchRunner runner(
      LlmClient client, BatchBackend backend, java.util.function.Consumer<BatchPart> onPart) {
    Duration first = Duration.ofMillis((long) (options.batchPollSeconds * 1000));
    BatchRunner.Builder b =
        BatchRunner.builder(client, backend)
            .workDirectory(BatchApiState.workDirectoryFor(options.out))
            .pollInterval(first, first.multipliedBy(12))
            .metadata(options.batchMetadata)
            .onPart(onPart)
            .onProgress(this::progress);
    if (options.maxRequestsPerBatch != null) {
      b.maxRequestsPerFile(options.maxRequestsPerBatch);
    }
    return b.build();
  }

  private void progress(List<dev.llmclient.api.spi.BatchJob> jobs) {
    long total = 0;
    long completed = 0;
    long failed = 0;
    Map<String, Integer> statuses = new java.util.TreeMap<>();
    for (dev.llmclient.api.spi.BatchJob j : jobs) {
      total += j.total();
      completed += j.completed();
      failed += j.failed();
      statuses.merge(j.status().wireName(), 1, Integer::sum);
    }
    note(
        String.format(
            Locale.ROOT,
            "llm: batches %s: %d/%d done, %d failed (24 h window)",
            statuses,
            completed + failed,
            total,
            failed));
  }

  /** The provider's batch backend, on the same provider and settings as the client. */
  private BatchBackend backend(Connection connection) {
    LlmSimulator sim = connection.simulator();
    String id;
    ProviderSettings s = settings;
    if (sim != null) {
      id = "openai";
      s = Connection.simulatorSettings(settings, sim.port());
    } else if (options.client.provider != null) {
      id = options.client.provider;
    } else {
      id =
          LlmClients.describeProviders(settings)
              .selectedId()
              .orElseThrow(
                  () ->
                      new LlmConfigurationException(
                          "No single provider is selected for the batch API; set LLM_PROVIDER"
                              + " or --provider."));
    }
    for (LlmProvider p :
        ServiceLoader.load(LlmProvider.class, BatchApiJob.class.getClassLoader())) {
      if (p.id().equals(id)) {
        return p.createBatchBackend(s);
      }
    }
    throw new LlmConfigurationException(
        "The provider " + id + " is not on the class path; add its jar to use --mode batch-api.");
  }

  private int statusOrCancel() {
    BatchApiState state = BatchApiState.read(options.out);
    if (state == null) {
      throw new IllegalArgumentException(
          "No batch-api run is open for "
              + options.out
              + " (no "
              + BatchApiState.fileFor(options.out)
              + ")");
    }
    try (Connection connection =
            Connection.open(options.client, settings, providerSettingsSet, err, null, null);
        BatchBackend backend = backend(connection)) {
      for (BatchPart p : state.parts) {
        if (p.batchId() == null) {
          note("llm: part " + p.index() + ": " + p.requests() + " records, not submitted yet");
          continue;
        }
        dev.llmclient.api.spi.BatchJob job =
            options.cancel
                ? backend.cancel(p.batchId()).join()
                : backend.retrieve(p.batchId()).join();
        note(
            String.format(
                Locale.ROOT,
                "llm: part %d: %s %s, %d/%d done, %d failed",
                p.index(),
                job.id(),
                job.status().wireName(),
                job.completed() + job.failed(),
                job.total(),
                job.failed()));
      }
    } catch (java.util.concurrent.CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
    return LlmCommand.OK;
  }

  private void printSummary(BatchSummary summary, long[] counts, long start, long missing) {
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
    Usage batch = summary.usage();
    var online = onlineTokens.totalUsage();
    CostEstimator prices = new CostEstimator(options.prices);
    CostEstimator.Estimate batchEstimate = prices.estimate(batchUsage);
    CostEstimator.Estimate onlineEstimate = prices.estimate(onlineUsage);
    double fullBatch = batchEstimate.dollars();
    double onlineCost = onlineEstimate.dollars();
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            Locale.ROOT,
            "llm batch summary (batch-api): %d records in %.1f s%n",
            counts[0] + counts[1] + counts[3] + counts[5],
            elapsed.toMillis() / 1000.0));
    s.append("  ok (batch): ").append(counts[0]).append('\n');
    s.append("  ok (online):")
        .append(' ')
        .append(counts[5])
        .append(" of ")
        .append(counts[2])
        .append(" records retried online\n");
    s.append("  failed:     ").append(counts[1] + counts[3]).append('\n');
    if (counts[4] > 0) {
      s.append("  skipped:    ").append(counts[4]).append(" (already in the output, --resume)\n");
    }
    if (summary.quotaRefusals() > 0) {
      s.append("  quota:      ")
          .append(summary.quotaRefusals())
          .append(" batches refused for the enqueued-token quota and resubmitted\n");
    }
    s.append("  tokens:     ")
        .append(batch.inputTokens())
        .append(" in / ")
        .append(batch.outputTokens())
        .append(" out enqueued in batches; ")
        .append(online.inputTokens())
        .append(" in / ")
        .append(online.outputTokens())
        .append(" out online\n");
    s.append(
        String.format(
            Locale.ROOT,
            "  est. cost:  $%.4f (batch $%.4f after the 50%% discount, saved $%.4f; online $%.4f)%n",
            fullBatch * BATCH_PRICE_FACTOR + onlineCost,
            fullBatch * BATCH_PRICE_FACTOR,
            fullBatch * (1 - BATCH_PRICE_FACTOR),
            onlineCost));
    Set<String> unpriced = new java.util.TreeSet<>(batchEstimate.unpriced());
    unpriced.addAll(onlineEstimate.unpriced());
    if (!unpriced.isEmpty()) {
      s.append("              (no price for ")
          .append(String.join(", ", unpriced))
          .append("; add --price MODEL=IN,OUT per million tokens)\n");
    }
    if (missing > 0) {
      s.append("  missing:    ")
          .append(missing)
          .append(" records have no line yet; run the same command with --resume\n");
    }
    s.append("  results:    ").append(options.out).append('\n');
    err.print(TerminalText.safe(s.toString()));
    err.flush();
  }

  private void note(String message) {
    err.println(TerminalText.safe(message));
    err.flush();
  }
}
