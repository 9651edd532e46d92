package dev.llmclient.api.spi;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * A provider's file-batch transport (the OpenAI and Azure OpenAI Batch APIs): writes request lines,
 * uploads the JSONL input file (purpose {@code batch}), creates a batch for the chat-completions
 * endpoint with a 24-hour window, reads its status, downloads its output and error files as a
 * stream, cancels and lists. Every method makes one exchange, never retries, and fails with the
 * same precise {@link dev.llmclient.api.LlmException} subtypes as a chat call.
 *
 * <p>Obtain one from {@link LlmProvider#createBatchBackend(ProviderSettings)}; applications
 * normally use the core's batch runner, which splits inputs, polls, maps results back and checks
 * them.
 *
 * <pre>{@code
 * BatchFile file = backend.upload(jsonl).join();
 * BatchJob job = backend.create(file.id(), Map.of()).join();
 * while (!(job = backend.retrieve(job.id()).join()).status().isTerminal()) { sleep(); }
 * }</pre>
 */
public interface BatchBackend extends AutoCloseable {

  /** The most requests OpenAI takes in one batch input file. */
  int OPENAI_MAX_REQUESTS_PER_FILE = 50_000;

  /** The largest batch input file the services take, in bytes (200 MB). */
  long MAX_FILE_BYTES = 200L * 1024 * 1024;

  /**
   * What the backend reports about itself; {@link BackendInfo#defaultModel()} is the model or
   * (global batch) deployment requests go to by default.
   *
   * @return the info
   */
  BackendInfo info();

  /**
   * The most requests one input file may hold on this service.
   *
   * @return the limit; {@value #OPENAI_MAX_REQUESTS_PER_FILE} by default
   */
  default int maxRequestsPerFile() {
    return OPENAI_MAX_REQUESTS_PER_FILE;
  }

  /**
   * The largest input file this service takes.
   *
   * @return the limit in bytes; 200 MB by default
   */
  default long maxFileBytes() {
    return MAX_FILE_BYTES;
  }

  /**
   * One line of an input file: the request as this service's chat-completions body, with its
   * method, URL and custom id, ending with a newline. Pure; safe from any thread.
   *
   * @param customId the id the result will carry, unique within the batch
   * @param request the request, built exactly as for an online call
   * @return the UTF-8 bytes of the line
   * @throws dev.llmclient.api.InvalidRequestException if the request cannot be written
   */
  byte[] inputLine(String customId, ChatCompletionRequest request);

  /**
   * Uploads a JSONL input file with purpose {@code batch}, streaming it from disk.
   *
   * @param jsonl the file, made of {@link #inputLine} lines
   * @return the uploaded file
   */
  CompletableFuture<BatchFile> upload(Path jsonl);

  /**
   * Creates a batch for the chat-completions endpoint with a 24-hour completion window.
   *
   * @param inputFileId an uploaded input file
   * @param metadata up to 16 key-value pairs kept with the batch
   * @return the new batch, usually {@code validating}
   */
  CompletableFuture<BatchJob> create(String inputFileId, Map<String, String> metadata);

  /**
   * Reads a batch's status and counts.
   *
   * @param batchId the batch
   * @return the batch as the service reports it now
   */
  CompletableFuture<BatchJob> retrieve(String batchId);

  /**
   * Asks the service to cancel a batch; it goes {@code cancelling}, then {@code cancelled}.
   *
   * @param batchId the batch
   * @return the batch after the request
   */
  CompletableFuture<BatchJob> cancel(String batchId);

  /**
   * Lists batches, newest first.
   *
   * @param after the id of the last batch of the previous page, or null for the first page
   * @param limit the page size, 1 to 100
   * @return the page
   */
  CompletableFuture<BatchPage> list(@Nullable String after, int limit);

  /**
   * Opens a batch's output or error file for reading; lines are read from the network as they are
   * iterated.
   *
   * @param fileId the output or error file
   * @return the open stream of results, to be closed by the caller
   */
  CompletableFuture<BatchResults> results(String fileId);

  /** Releases the connection pool and its threads. */
  @Override
  void close();
}
