package dev.llmclient.core.batch;

import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmConfigurationException;
import dev.llmclient.api.LlmRequest;
import dev.llmclient.api.spi.BatchBackend;
import dev.llmclient.api.spi.BatchJob;
import dev.llmclient.core.internal.chat.PipelineClient;
import dev.llmclient.core.internal.chat.PreparedRequest;
import dev.llmclient.core.internal.schema.ResponseSchema;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Runs {@link LlmRequest}s through the provider's file-batch API: each request is prepared exactly
 * as an online call of the same client would send it (cleaning, suffix, model, strict schema),
 * written to JSONL input files split at the service's limits, uploaded and submitted; the returned
 * {@link BatchHandle} polls with backoff, resubmits a batch refused for the enqueued-token quota,
 * and delivers every answer checked against its schema and mapped back by id.
 *
 * <pre>{@code
 * try (LlmClient llm = LlmClients.fromEnvironment();
 *     BatchBackend batches = new OpenAiProvider().createBatchBackend(settings)) {
 *   BatchRunner runner = BatchRunner.builder(llm, batches).workDirectory(dir).build();
 *   BatchHandle<Person> handle = runner.submit(requests);
 *   for (BatchOutcome<Person> o : handle.await()) { ... }
 * }
 * }</pre>
 *
 * <p>Input files are written to disk and streamed on upload; outcomes are streamed from the output
 * files, so memory does not grow with the number of requests (except in {@link
 * BatchHandle#await()}, which collects them). Waiting for a submission holds no thread: {@link
 * BatchHandle#awaitAsync(Consumer)} polls on the client's scheduler. The runner is thread-safe; the
 * client and backend stay the caller's to close.
 */
public final class BatchRunner {

  /**
   * The default executor of every runner: two daemon threads at most, for the whole JVM, ended when
   * idle. Not the common pool: reading a download blocks, which makes a fork-join pool add threads,
   * and CompletableFuture replaces the common pool with a thread per task below two cores.
   */
  private static final ThreadPoolExecutor DELIVERY = newDeliveryExecutor();

  private static ThreadPoolExecutor newDeliveryExecutor() {
    AtomicInteger threads = new AtomicInteger();
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            2,
            2,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "llmclient-batch-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  /** The longest request id accepted (the services document none; this keeps lines sane). */
  static final int MAX_ID_LENGTH = 512;

  private final PipelineClient client;
  private final BatchBackend backend;
  private final Path workDirectory;
  private final int maxRequestsPerFile;
  private final long maxFileBytes;
  final Duration pollInterval;
  final Duration maxPollInterval;
  final Duration quotaBackoff;
  final int maxQuotaRetries;
  final Map<String, String> metadata;
  final @Nullable Consumer<List<BatchJob>> onProgress;
  final @Nullable Consumer<BatchPart> onPart;
  private final Executor executor;

  private BatchRunner(Builder b) {
    if (!(b.client instanceof PipelineClient pipeline)) {
      throw new IllegalArgumentException(
          "BatchRunner needs a client built by LlmClients (it prepares requests like the online"
              + " path), got "
              + b.client.getClass().getName());
    }
    this.client = pipeline;
    this.backend = b.backend;
    this.workDirectory = Objects.requireNonNull(b.workDirectory, "workDirectory");
    this.maxRequestsPerFile = Math.min(b.maxRequestsPerFile, b.backend.maxRequestsPerFile());
    this.maxFileBytes = Math.min(b.maxFileBytes, b.backend.maxFileBytes());
    this.pollInterval = b.pollInterval;
    this.maxPollInterval = b.maxPollInterval;
    this.quotaBackoff = b.quotaBackoff;
    this.maxQuotaRetries = b.maxQuotaRetries;
    this.metadata = Map.copyOf(b.metadata);
    this.onProgress = b.onProgress;
    this.onPart = b.onPart;
    this.executor = b.executor != null ? b.executor : DELIVERY;
  }

  /**
   * A builder over a client (which prepares requests) and a batch backend (which runs them).
   *
   * @param client a client built by {@code LlmClients}
   * @param backend the provider's batch backend
   * @return the builder
   */
  public static Builder builder(LlmClient client, BatchBackend backend) {
    return new Builder(client, backend);
  }

  BatchBackend backend() {
    return backend;
  }

  /** Where downloads are read and outcomes delivered. */
  Executor executor() {
    return executor;
  }

  /** The client's scheduler, on which status polls wait. */
  ScheduledExecutorService scheduler() {
    return client.runtime().scheduler();
  }

  /** The failure of a poll that finds the client closed. */
  RuntimeException closedClient() {
    return client.runtime().closedException();
  }

  /**
   * Submits requests whose ids are their positions ({@code "0"}, {@code "1"}, ...). All must share
   * one answer type or schema.
   *
   * @param <T> the answer type
   * @param requests the requests, at least one
   * @return the handle, once every part is uploaded and created
   */
  public <T> BatchHandle<T> submit(List<LlmRequest<T>> requests) {
    Iterator<LlmRequest<T>> it = requests.iterator();
    int[] index = {0};
    return submit(
        new Iterator<Map.Entry<String, LlmRequest<T>>>() {
          @Override
          public boolean hasNext() {
            return it.hasNext();
          }

          @Override
          public Map.Entry<String, LlmRequest<T>> next() {
            return new AbstractMap.SimpleImmutableEntry<>(Integer.toString(index[0]++), it.next());
          }
        });
  }

  /**
   * Submits requests with your ids, read one at a time (so a generator over a large file keeps
   * memory flat). Ids must be unique, at most 512 characters; all requests must share one answer
   * type or schema.
   *
   * @param <T> the answer type
   * @param requests id and request pairs, at least one
   * @return the handle, once every part is uploaded and created
   * @throws IllegalArgumentException when there is no request, or requests differ in answer type
   */
  public <T> BatchHandle<T> submit(Iterator<Map.Entry<String, LlmRequest<T>>> requests) {
    Written written = write(requests);
    BatchHandle<T> handle =
        new BatchHandle<>(this, written.parts, written.schema, written.text, written.model);
    handle.start();
    return handle;
  }

  /**
   * Re-attaches to a submission from its parts (as kept from {@link BatchHandle#parts()}): parts
   * not yet uploaded or created are submitted, the others polled.
   *
   * @param <T> the answer type
   * @param parts the parts
   * @param prototype one of the submission's requests, for its answer type and model
   * @return the handle
   */
  public <T> BatchHandle<T> attach(List<BatchPart> parts, LlmRequest<T> prototype) {
    PreparedRequest p = client.prepareForBatch(prototype);
    BatchHandle<T> handle = new BatchHandle<>(this, parts, p.schema(), p.text(), p.model());
    handle.start();
    return handle;
  }

  /**
   * Writes the input files of a submission without sending anything: each request prepared as
   * online and written as one line, split at the limits. Used by {@link #submit}; public for tools
   * that only want the files.
   *
   * @param <T> the answer type
   * @param requests id and request pairs
   * @return the parts, none uploaded yet
   */
  public <T> List<BatchPart> writeInputFiles(Iterator<Map.Entry<String, LlmRequest<T>>> requests) {
    return write(requests).parts;
  }

  private record Written(
      List<BatchPart> parts, @Nullable ResponseSchema schema, boolean text, String model) {}

  private <T> Written write(Iterator<Map.Entry<String, LlmRequest<T>>> requests) {
    List<BatchPart> parts = new ArrayList<>();
    ResponseSchema schema = null;
    boolean text = false;
    String model = null;
    boolean first = true;
    OutputStream out = null;
    Path file = null;
    long count = 0;
    long bytes = 0;
    try {
      Files.createDirectories(workDirectory);
      while (requests.hasNext()) {
        Map.Entry<String, LlmRequest<T>> e = requests.next();
        String id = Objects.requireNonNull(e.getKey(), "id");
        if (id.isEmpty() || id.length() > MAX_ID_LENGTH) {
          throw new IllegalArgumentException(
              "A batch request id must be 1 to "
                  + MAX_ID_LENGTH
                  + " characters, got one of "
                  + id.length());
        }
        PreparedRequest p = client.prepareForBatch(Objects.requireNonNull(e.getValue(), "request"));
        if (first) {
          schema = p.schema();
          text = p.text();
          model = p.model();
          first = false;
        } else if (p.text() != text
            || p.schema() != schema && (p.schema() == null || !p.schema().equals(schema))) {
          throw new IllegalArgumentException(
              "All requests of one batch submission must share one answer type or schema; request '"
                  + id
                  + "' differs. Submit each type separately.");
        }
        byte[] line = backend.inputLine(id, p.request());
        if (line.length > maxFileBytes) {
          throw new IllegalArgumentException(
              "The request '" + id + "' alone is larger than a batch file may be");
        }
        if (out == null || count == maxRequestsPerFile || bytes + line.length > maxFileBytes) {
          if (out != null) {
            out.close();
            parts.add(new BatchPart(parts.size(), file, count, bytes, null, null));
          }
          file = workDirectory.resolve("batch-input-" + parts.size() + ".jsonl");
          out = new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
          count = 0;
          bytes = 0;
        }
        out.write(line);
        count++;
        bytes += line.length;
      }
      if (out != null) {
        out.close();
        out = null;
        parts.add(
            new BatchPart(parts.size(), Objects.requireNonNull(file), count, bytes, null, null));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the batch input files in " + workDirectory, e);
    } finally {
      if (out != null) {
        try {
          out.close();
        } catch (IOException ignored) {
          // already failing
        }
      }
    }
    if (parts.isEmpty()) {
      throw new IllegalArgumentException("A batch needs at least one request");
    }
    return new Written(parts, schema, text, Objects.requireNonNull(model));
  }

  /** Builds a {@link BatchRunner}. Not thread-safe. */
  public static final class Builder {
    private final LlmClient client;
    private final BatchBackend backend;
    private @Nullable Path workDirectory;
    private int maxRequestsPerFile = Integer.MAX_VALUE;
    private long maxFileBytes = Long.MAX_VALUE;
    private Duration pollInterval = Duration.ofSeconds(10);
    private Duration maxPollInterval = Duration.ofMinutes(2);
    private Duration quotaBackoff = Duration.ofMinutes(5);
    private int maxQuotaRetries = 24;
    private Map<String, String> metadata = Map.of();
    private @Nullable Consumer<List<BatchJob>> onProgress;
    private @Nullable Consumer<BatchPart> onPart;
    private @Nullable Executor executor;

    private Builder(LlmClient client, BatchBackend backend) {
      this.client = Objects.requireNonNull(client, "client");
      this.backend = Objects.requireNonNull(backend, "backend");
    }

    /**
     * Where input files are written. Required.
     *
     * @param dir the directory, created if missing
     * @return this builder
     */
    public Builder workDirectory(Path dir) {
      this.workDirectory = Objects.requireNonNull(dir, "dir");
      return this;
    }

    /**
     * Splits input files at fewer requests than the service allows.
     *
     * @param max at least 1
     * @return this builder
     */
    public Builder maxRequestsPerFile(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxRequestsPerFile must be at least 1, got " + max);
      }
      this.maxRequestsPerFile = max;
      return this;
    }

    /**
     * Splits input files at fewer bytes than the service allows.
     *
     * @param max at least 1 KiB
     * @return this builder
     */
    public Builder maxFileBytes(long max) {
      if (max < 1024) {
        throw new IllegalArgumentException("maxFileBytes must be at least 1024, got " + max);
      }
      this.maxFileBytes = max;
      return this;
    }

    /**
     * The first wait between status polls (default 10 s); it grows by half each poll up to {@code
     * max} (default 2 min).
     *
     * @param first the first wait
     * @param max the longest wait
     * @return this builder
     */
    public Builder pollInterval(Duration first, Duration max) {
      if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
        throw new IllegalArgumentException("poll intervals must be positive with first <= max");
      }
      this.pollInterval = first;
      this.maxPollInterval = max;
      return this;
    }

    /**
     * How a batch refused for the enqueued-token quota is resubmitted: after {@code backoff},
     * doubling each time (capped at 1 hour), at most {@code retries} times (default 5 min, 24).
     *
     * @param backoff the first wait
     * @param retries how many resubmissions, 0 for none
     * @return this builder
     */
    public Builder quotaRetries(Duration backoff, int retries) {
      if (backoff.isNegative() || retries < 0) {
        throw new IllegalArgumentException("backoff and retries must not be negative");
      }
      this.quotaBackoff = backoff;
      this.maxQuotaRetries = retries;
      return this;
    }

    /**
     * Metadata put on every batch (at most 14 pairs; the runner adds the part number).
     *
     * @param metadata the pairs
     * @return this builder
     */
    public Builder metadata(Map<String, String> metadata) {
      if (metadata.size() > 14) {
        throw new IllegalArgumentException("at most 14 metadata pairs, got " + metadata.size());
      }
      this.metadata = Map.copyOf(metadata);
      return this;
    }

    /**
     * Called after every status poll with the batches as last seen, for progress displays.
     *
     * @param listener the listener; must not block
     * @return this builder
     */
    public Builder onProgress(Consumer<List<BatchJob>> listener) {
      this.onProgress = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Called whenever a part gets its file id or batch id, so a state file can be kept current.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder onPart(Consumer<BatchPart> listener) {
      this.onPart = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Where each ended part's results are downloaded, checked against the schema and handed to the
     * sink of {@link BatchHandle#awaitAsync(Consumer)} (and where a part refused for the quota is
     * uploaded again). Status polls never use it: they wait on the client's scheduler. Default: two
     * daemon threads shared by every runner of the JVM (ended when idle); give your own executor
     * when many submissions are awaited at once or outcomes take long to consume.
     *
     * @param executor the executor
     * @return this builder
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Builds the runner.
     *
     * @return the runner
     * @throws IllegalArgumentException if the client was not built by {@code LlmClients}
     * @throws NullPointerException if no work directory was set
     */
    public BatchRunner build() {
      if (workDirectory == null) {
        throw new LlmConfigurationException(
            "BatchRunner needs a work directory for its input files: call workDirectory(path)");
      }
      return new BatchRunner(this);
    }
  }
}
