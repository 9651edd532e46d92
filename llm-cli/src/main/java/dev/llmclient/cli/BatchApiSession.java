package dev.llmclient.cli;

import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmConfigurationException;
import dev.llmclient.api.LlmRequest;
import dev.llmclient.api.spi.BatchBackend;
import dev.llmclient.api.spi.LlmProvider;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.core.LlmClients;
import dev.llmclient.core.TokenUsageTracker;
import dev.llmclient.core.batch.BatchHandle;
import dev.llmclient.core.batch.BatchPart;
import dev.llmclient.core.batch.BatchRunner;
import dev.llmclient.testkit.simulator.LlmSimulator;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The batches of one {@code llm batch --mode batch-api} run and the state kept for them next to the
 * output ({@link BatchApiState}): the provider's batch backend, whether an open run may be resumed,
 * the parts of a new run written and persisted before anything is sent, re-attaching with every
 * change of a part persisted, {@code --status} and {@code --cancel}, and removing the state once
 * every record has a line. The records and their result lines are {@link BatchApiJob}'s.
 */
final class BatchApiSession {

  private final BatchCommand options;
  private final ProviderSettings settings;
  private final List<String> providerSettingsSet;
  private final PrintWriter err;

  BatchApiSession(
      BatchCommand options,
      ProviderSettings settings,
      List<String> providerSettingsSet,
      PrintWriter err) {
    this.options = options;
    this.settings = settings;
    this.providerSettingsSet = providerSettingsSet;
    this.err = err;
  }

  /**
   * The state of the run still open for the output, if any, once it is known that this command may
   * collect it.
   *
   * @param inputSha256 the fingerprint of the input now
   * @param schemaSha256 the fingerprint of the schema now
   * @return the state, or null when no run is open
   * @throws IllegalArgumentException when a run is open but {@code --resume} is not given, or the
   *     input or schema changed since it was submitted and {@code --allow-changed} is not given
   */
  @Nullable BatchApiState resumable(String inputSha256, String schemaSha256) {
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
        && (!state.inputSha256.equals(inputSha256) || !state.schemaSha256.equals(schemaSha256))) {
      throw new IllegalArgumentException(
          "The input or schema changed since the batches of "
              + options.out
              + " were submitted; --allow-changed collects them anyway, --cancel stops them");
    }
    return state;
  }

  /**
   * Writes the batch input files of a new run and keeps their parts in the state file before any is
   * sent, so that a crash from here on leaves a run that {@code --resume} finds.
   *
   * @param runner the runner that writes the files
   * @param provenance the fingerprints of the input and schema
   * @param simulated whether the run goes to the embedded simulator
   * @param requests the records' keys and requests
   * @return the state, as written
   */
  BatchApiState start(
      BatchRunner runner,
      BatchOutput.Provenance provenance,
      boolean simulated,
      Iterator<Map.Entry<String, LlmRequest<Object>>> requests) {
    List<BatchPart> parts = runner.writeInputFiles(requests);
    BatchApiState state =
        new BatchApiState(provenance.inputSha256(), provenance.schemaSha256(), simulated, parts);
    state.write(options.out);
    return state;
  }

  /**
   * Attaches to the run's batches (submitting the parts not yet sent), writing the state again on
   * every change of a part so that an upload or batch id is never lost.
   *
   * @param client the client whose preparation the requests had
   * @param backend the provider's batch backend
   * @param state the run's state
   * @param prototype one request as the records' are built, for the answer type and model
   * @return the handle to await the outcomes with
   */
  BatchHandle<Object> attach(
      LlmClient client, BatchBackend backend, BatchApiState state, LlmRequest<Object> prototype) {
    BatchRunner tracking =
        runner(
            client,
            backend,
            p -> {
              state.update(p);
              state.write(options.out);
            });
    BatchHandle<Object> handle = tracking.attach(state.parts, prototype);
    long requests = state.parts.stream().mapToLong(BatchPart::requests).sum();
    note(
        "llm: "
            + requests
            + " records in "
            + state.parts.size()
            + " batches on "
            + backend.info().providerId()
            + " (24 h window); state in "
            + BatchApiState.fileFor(options.out));
    return handle;
  }

  /** Removes the state and the batch input files: every record of the run has its line. */
  void finish() {
    BatchApiState.delete(options.out);
  }

  /** A runner for the run's batches, in its work directory next to the output. */
  BatchRunner runner(LlmClient client, BatchBackend backend) {
    return runner(client, backend, p -> {});
  }

  private BatchRunner runner(LlmClient client, BatchBackend backend, Consumer<BatchPart> onPart) {
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

  /**
   * Opens the client of the run.
   *
   * @param tokens where the online calls' tokens are counted, or null
   * @return the connection
   */
  Connection connect(@Nullable TokenUsageTracker tokens) {
    return Connection.open(options.client, settings, providerSettingsSet, err, null, tokens);
  }

  /** The provider's batch backend, on the same provider and settings as the client. */
  BatchBackend backend(Connection connection) {
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
        ServiceLoader.load(LlmProvider.class, BatchApiSession.class.getClassLoader())) {
      if (p.id().equals(id)) {
        return p.createBatchBackend(s);
      }
    }
    throw new LlmConfigurationException(
        "The provider " + id + " is not on the class path; add its jar to use --mode batch-api.");
  }

  /** {@code --status} or {@code --cancel}: each part of the open run, as the service sees it. */
  int statusOrCancel() {
    BatchApiState state = BatchApiState.read(options.out);
    if (state == null) {
      throw new IllegalArgumentException(
          "No batch-api run is open for "
              + options.out
              + " (no "
              + BatchApiState.fileFor(options.out)
              + ")");
    }
    try (Connection connection = connect(null);
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

  private void note(String message) {
    err.println(TerminalText.safe(message));
    err.flush();
  }
}
