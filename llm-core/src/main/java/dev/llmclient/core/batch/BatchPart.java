package dev.llmclient.core.batch;

import java.nio.file.Path;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One input file of a submission and the server-side batch made from it. A submission is split into
 * parts at the service's limits (requests and bytes per file). Keep the parts (for example in a
 * state file) to re-attach to running batches with {@link BatchRunner#attach}.
 *
 * @param index the part's number, from 0
 * @param inputFile the JSONL input file on local disk
 * @param requests how many requests it holds
 * @param bytes its size
 * @param inputFileId the uploaded file's id, or null before the upload
 * @param batchId the batch's id, or null before it was created
 */
public record BatchPart(
    int index,
    Path inputFile,
    long requests,
    long bytes,
    @Nullable String inputFileId,
    @Nullable String batchId) {

  /**
   * Rejects a null file.
   *
   * @param index the part's number
   * @param inputFile the input file
   * @param requests how many requests it holds
   * @param bytes its size
   * @param inputFileId the uploaded id, or null
   * @param batchId the batch id, or null
   */
  public BatchPart {
    Objects.requireNonNull(inputFile, "inputFile");
  }

  BatchPart withInputFileId(String id) {
    return new BatchPart(index, inputFile, requests, bytes, id, null);
  }

  BatchPart withBatchId(String id) {
    return new BatchPart(index, inputFile, requests, bytes, inputFileId, id);
  }
}
