package dev.llmclient.api.spi;

import java.util.Iterator;

/**
 * The lines of a batch output or error file, read from the network as they are iterated: memory
 * does not grow with the file. Close it when done, also when stopping early.
 *
 * <pre>{@code
 * try (BatchResults results = backend.results(job.outputFileId()).join()) {
 *   results.forEachRemaining(r -> store(r.customId(), r));
 * }
 * }</pre>
 *
 * <p>{@link #next()} throws an {@link dev.llmclient.api.LlmException} when the download breaks or a
 * line is not a batch result.
 */
public interface BatchResults extends Iterator<BatchResult>, AutoCloseable {

  /** Stops the download and releases its connection. Idempotent. */
  @Override
  void close();
}
