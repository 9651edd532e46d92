package dev.llmclient.cli;

import dev.llmclient.api.EmptyResponseException;
import dev.llmclient.api.InvalidResponseException;
import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmException;
import dev.llmclient.api.LlmRequest;
import dev.llmclient.api.LlmResponse;
import dev.llmclient.api.Message;
import dev.llmclient.api.spi.BatchBackend;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.core.TokenUsageTracker;
import dev.llmclient.core.batch.BatchHandle;
import dev.llmclient.core.batch.BatchRunner;
import dev.llmclient.core.batch.BatchSummary;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import org.jspecify.annotations.Nullable;

/**
 * One run of {@code llm batch --mode batch-api}: the records go to the provider's Batch API (half
 * the price, its own quota, a 24-hour window) instead of one online call each. Requests are built
 * exactly as online; the run's state ({@link BatchApiState}) is kept next to the output, so a crash
 * or Ctrl-C leaves the batches running and {@code --resume} re-attaches. Answers are validated
 * against the schema and written in the online result-line format; records the service failed and
 * answers that fail validation are retried online unless {@code --no-online-retry}. This class is
 * the run over the records and their lines; the batches and their kept state are {@link
 * BatchApiSession}'s.
 */
final class BatchApiJob {

  private final BatchCommand options;
  private final PrintWriter err;
  private final BatchApiSession session;
  private final TokenUsageTracker onlineTokens = new TokenUsageTracker();

  BatchApiJob(
      BatchCommand options,
      ProviderSettings settings,
      List<String> providerSettingsSet,
      PrintWriter err) {
    this.options = options;
    this.err = err;
    this.session = new BatchApiSession(options, settings, providerSettingsSet, err);
  }

  int run() {
    if (Cli.isStandardStream(options.out)) {
      throw new IllegalArgumentException(
          "--mode batch-api keeps its state next to the output; give --out a file");
    }
    if (options.status || options.cancel) {
      return session.statusOrCancel();
    }
    Extraction extraction = Extraction.of(options.schema, options.type);
    String instructions = options.system == null ? Extraction.DEFAULT_INSTRUCTIONS : options.system;
    BatchOutput.checkFiles(options);
    Extraction.checkWithCore(request(extraction, instructions, "probe"), extraction.description());
    InputFile.Scan input = InputFile.scan(options.in);
    OutputLock lock = OutputLock.acquire(options.out, err);
    try (Connection connection = session.connect(onlineTokens);
        BatchBackend backend = session.backend(connection)) {
      BatchOutput.Provenance provenance =
          new BatchOutput.Provenance(input.sha256(), extraction.sha256(), connection.embedded());
      BatchApiState state = session.resumable(input.sha256(), extraction.sha256());
      try (ResumePlan kept = BatchOutput.prepare(options, provenance, err)) {
        return collect(connection, backend, state, kept, extraction, instructions, provenance);
      }
    } finally {
      lock.close();
    }
  }

  /**
   * Collects the batches with memory that does not grow with the record count: the records to run,
   * the outcomes as they arrive and the records to retry online are each spilled to an {@link
   * ExternalSort} next to the output, then the records and the outcomes, both sorted by key, are
   * merge-joined to write the lines.
   */
  private int collect(
      Connection connection,
      BatchBackend backend,
      @Nullable BatchApiState existing,
      ResumePlan kept,
      Extraction extraction,
      String instructions,
      BatchOutput.Provenance provenance) {
    long start = System.nanoTime();
    BatchApiReport report = new BatchApiReport();
    try (ResultFile results = ResultFile.append(options.out);
        ExternalSort pendingByKey = ExternalSort.nextTo(options.out);
        ExternalSort pendingLines = ExternalSort.nextTo(options.out);
        ExternalSort outcomes =
            new ExternalSort(tempDirectory(), OUTCOME_RUN_LINES, ExternalSort.FAN_IN);
        ExternalSort retryLines = ExternalSort.nextTo(options.out)) {
      // Reads the input once: rejected lines are written as online mode writes them, the others
      // are the records to run, spilled as (key, line, id); their text stays in the input file.
      scan(kept, provenance, results, pendingByKey, pendingLines, report);
      BatchRunner runner = session.runner(connection.client(), backend);
      BatchApiState state = existing;
      if (state == null && pendingLines.size() > 0) {
        // Closed here, not when read to its end: the runner may stop early (a request it refuses).
        try (WantedRecords wanted =
            new WantedRecords(pendingLines, options.in, options.idField, options.textField)) {
          state =
              session.start(
                  runner,
                  provenance,
                  connection.embedded(),
                  requests(extraction, instructions, wanted));
        }
      }
      if (state == null) {
        note("llm: nothing to do: every record already has a line in " + options.out);
        return LlmCommand.OK;
      }
      BatchHandle<Object> handle =
          session.attach(
              connection.client(), backend, state, request(extraction, instructions, "prototype"));
      if (options.detach) {
        note(
            "llm: detached; the batches keep running. Collect them with the same command and"
                + " --resume, see them with --status.");
        return LlmCommand.OK;
      }
      long[] arrived = {0};
      BatchSummary summary =
          handle.await(
              outcome -> {
                long millis = (System.nanoTime() - start) / 1_000_000;
                LlmResponse<Object> response = outcome.response();
                String entry;
                if (response != null) {
                  report.batchAnswered(response.model(), response.usage());
                  entry =
                      OK
                          + "\t"
                          + LineTail.of(
                              BatchJob.successLine(PLACEHOLDER, response, millis, provenance));
                } else {
                  LlmException error = java.util.Objects.requireNonNull(outcome.error());
                  entry =
                      !options.noOnlineRetry && retriesOnline(error)
                          ? RETRY + "\t"
                          : FAILED
                              + "\t"
                              + LineTail.of(BatchJob.errorLine(PLACEHOLDER, error, provenance));
                }
                synchronized (outcomes) {
                  outcomes.add(
                      Json.write(outcome.customId())
                          + '\t'
                          + ExternalSort.number(arrived[0]++)
                          + '\t'
                          + entry);
                }
              });
      long missing = join(pendingByKey, outcomes, results, retryLines, report);
      if (retryLines.size() > 0) {
        note("llm: " + retryLines.size() + " records are retried online");
        missing +=
            retryOnline(
                connection.client(),
                results,
                extraction,
                instructions,
                retryLines,
                provenance,
                report);
      }
      if (missing == 0) {
        session.finish();
      }
      report.print(
          err,
          options,
          summary,
          Duration.ofNanos(System.nanoTime() - start),
          onlineTokens.totalUsage(),
          missing);
      return report.anyFailed() || missing > 0 || kept.keptErrors() > 0
          ? LlmCommand.RECORDS_FAILED
          : LlmCommand.OK;
    }
  }

  /** Outcome lines held before a run is written: each holds a whole answer, unlike a key. */
  private static final int OUTCOME_RUN_LINES =
      Integer.getInteger("llm.batchApi.outcomeRunLines", 2_000);

  private static final String OK = "S";
  private static final String FAILED = "E";
  private static final String RETRY = "R";

  /** Stands for the record while an outcome's line is built, before its record is known. */
  private static final InputRecord PLACEHOLDER = new InputRecord(0, null, null, null);

  /**
   * A result line without its record's {@code id} and {@code line} (its first two fields), so that
   * an outcome can be spilled as it arrives and its line written once its record is found.
   */
  static final class LineTail {
    private static final String HEAD = head(null, 0);

    private LineTail() {}

    /** The line's JSON after its first two fields ({@code id}, {@code line}). */
    static String of(Map<String, Object> line) {
      String json = Json.write(line);
      if (!json.startsWith(HEAD)) {
        throw new IllegalStateException("a result line must start with id and line: " + json);
      }
      return json.substring(HEAD.length());
    }

    /** The whole line: exactly what {@code Json.write} writes for the line of this record. */
    static String line(@Nullable String id, long line, String tail) {
      return head(id, line) + tail;
    }

    private static String head(@Nullable String id, long line) {
      Map<String, Object> m = new java.util.LinkedHashMap<>();
      m.put("id", id);
      m.put("line", line);
      String json = Json.write(m);
      return json.substring(0, json.length() - 1);
    }
  }

  private Path tempDirectory() {
    Path parent = options.out.toAbsolutePath().getParent();
    return parent == null ? Path.of(".") : parent;
  }

  /**
   * Merge-joins the records to run and the outcomes, both sorted by key: a record's first outcome
   * is written as its line (or queued to be retried online), any later one is ignored, and so is an
   * outcome for a record that is not to run (already in the output, or not of this input).
   *
   * @return how many records have no outcome
   */
  private long join(
      ExternalSort pendingByKey,
      ExternalSort outcomes,
      ResultFile results,
      ExternalSort retryLines,
      BatchApiReport report) {
    long missing = 0;
    try (ExternalSort.Sorted records = pendingByKey.sorted();
        ExternalSort.Sorted answers = outcomes.sorted()) {
      String answer = answers.hasNext() ? answers.next() : null;
      while (records.hasNext()) {
        String[] record = records.next().split("\t", 3);
        String key = record[0];
        String first = null;
        while (answer != null) {
          int c = answer.substring(0, answer.indexOf('\t')).compareTo(key);
          if (c > 0) {
            break;
          }
          if (c == 0 && first == null) {
            first = answer;
          }
          answer = answers.hasNext() ? answers.next() : null;
        }
        if (first == null) {
          missing++;
          continue;
        }
        // key, arrival, kind, tail
        String[] f = first.split("\t", 4);
        String id = record[2].equals("null") ? null : Json.readString(record[2]);
        long line = Long.parseLong(record[1]);
        switch (f[2]) {
          case OK -> {
            results.write(LineTail.line(id, line, f[3]));
            report.batchOk++;
          }
          case FAILED -> {
            results.write(LineTail.line(id, line, f[3]));
            report.failed++;
          }
          default -> retryLines.add(record[1]);
        }
      }
    }
    return missing;
  }

  static boolean retriesOnline(LlmException error) {
    return error.isRetryable()
        || error instanceof InvalidResponseException
        || error instanceof EmptyResponseException;
  }

  /**
   * Calls the records of {@code lines} online, reading their text from the input again, with at
   * most {@code --concurrency} calls at once.
   *
   * @return how many of them were not found in the input again
   */
  private long retryOnline(
      LlmClient client,
      ResultFile results,
      Extraction extraction,
      String instructions,
      ExternalSort lines,
      BatchOutput.Provenance provenance,
      BatchApiReport report) {
    Semaphore permits = new Semaphore(options.concurrency);
    long found = 0;
    try (WantedRecords wanted =
        new WantedRecords(lines, options.in, options.idField, options.textField)) {
      while (wanted.hasNext()) {
        InputRecord parsed = wanted.next();
        String text = java.util.Objects.requireNonNull(parsed.text());
        found++;
        InputRecord record = new InputRecord(parsed.line(), parsed.id(), null, null);
        LlmRequest<Object> request = request(extraction, instructions, text);
        permits.acquireUninterruptibly();
        long started = System.nanoTime();
        BatchJob.start(client, request)
            .whenComplete(
                (response, error) -> {
                  try {
                    long millis = (System.nanoTime() - started) / 1_000_000;
                    if (error == null) {
                      report.onlineAnswered(response.model(), response.usage());
                      results.write(
                          Json.write(BatchJob.successLine(record, response, millis, provenance)));
                    } else {
                      results.write(
                          Json.write(
                              BatchJob.errorLine(record, BatchJob.unwrap(error), provenance)));
                    }
                    report.retriedOnline(error == null);
                  } finally {
                    permits.release();
                  }
                });
      }
    }
    permits.acquireUninterruptibly(options.concurrency); // every call has written its line
    return lines.size() - found;
  }

  /**
   * Reads the input once and sorts out each line: skipped (its record is in the output already),
   * rejected as online mode rejects it (written at once), or a record to run (spilled).
   */
  private void scan(
      ResumePlan kept,
      BatchOutput.Provenance provenance,
      ResultFile results,
      ExternalSort pendingByKey,
      ExternalSort pendingLines,
      BatchApiReport report) {
    ResumePlan.Done done = kept.done();
    try (DuplicateIds duplicates =
            DuplicateIds.scan(options.in, options.out, options.idField, options.textField);
        InputFile reader = InputFile.open(options.in)) {
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
        Long firstLine = record.id() == null ? null : duplicates.firstLineOf(line.number());
        boolean duplicate = firstLine != null;
        String key = InputRecord.key(record.id(), line.number(), duplicate);
        if (done.contains(line.number(), key)) {
          report.skipped++;
          continue;
        }
        if (duplicate) {
          reject(
              results,
              provenance,
              new InputRecord(line.number(), null, null, null),
              ResultFile.DUPLICATE_ID,
              "id '" + record.id() + "' is also on line " + firstLine + "; ids must be unique");
          report.rejected++;
          continue;
        }
        if (record.text() == null) {
          reject(
              results, provenance, record, ResultFile.MALFORMED, String.valueOf(record.problem()));
          report.rejected++;
          continue;
        }
        String number = ExternalSort.number(line.number());
        pendingByKey.add(Json.write(key) + '\t' + number + '\t' + Json.write(record.id()));
        pendingLines.add(number);
      }
    }
  }

  private static void reject(
      ResultFile results,
      BatchOutput.Provenance provenance,
      InputRecord record,
      String type,
      String problem) {
    Map<String, Object> line = new java.util.LinkedHashMap<>();
    line.put("id", record.id());
    line.put("line", record.line());
    line.put("error", type);
    line.put("message", "line " + record.line() + ": " + problem);
    line.put("retryable", false);
    provenance.addTo(line);
    results.write(Json.write(line));
  }

  /**
   * The requests of the records to run, read from the input one line at a time as the runner asks
   * for them, so neither the texts nor the keys are held; the caller closes {@code wanted}.
   */
  private Iterator<Map.Entry<String, LlmRequest<Object>>> requests(
      Extraction extraction, String instructions, WantedRecords wanted) {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return wanted.hasNext();
      }

      @Override
      public Map.Entry<String, LlmRequest<Object>> next() {
        InputRecord record = wanted.next();
        return new AbstractMap.SimpleImmutableEntry<>(
            InputRecord.key(record.id(), record.line(), false),
            request(extraction, instructions, java.util.Objects.requireNonNull(record.text())));
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

  private void note(String message) {
    err.println(TerminalText.safe(message));
    err.flush();
  }
}
