package dev.llmclient.api.spi;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A server-side batch as the service last reported it.
 *
 * @param id the batch id, for example {@code batch_abc123}
 * @param status where the batch is
 * @param inputFileId the uploaded input file
 * @param outputFileId the file of successful answers, once there is one
 * @param errorFileId the file of failed requests, once there is one
 * @param total the number of requests, 0 until validated
 * @param completed how many requests finished
 * @param failed how many requests failed
 * @param createdAt when the batch was created, in seconds since the epoch
 * @param errors why the batch was refused, when it was
 * @param metadata the metadata given when it was created
 */
public record BatchJob(
    String id,
    BatchStatus status,
    String inputFileId,
    @Nullable String outputFileId,
    @Nullable String errorFileId,
    long total,
    long completed,
    long failed,
    long createdAt,
    List<BatchError> errors,
    Map<String, String> metadata) {

  /**
   * Rejects nulls and copies the collections.
   *
   * @param id the batch id
   * @param status where the batch is
   * @param inputFileId the uploaded input file
   * @param outputFileId the output file, or null
   * @param errorFileId the error file, or null
   * @param total the number of requests
   * @param completed how many finished
   * @param failed how many failed
   * @param createdAt creation time in epoch seconds
   * @param errors why the batch was refused
   * @param metadata the creation metadata
   */
  public BatchJob {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(inputFileId, "inputFileId");
    errors = List.copyOf(errors);
    metadata = Map.copyOf(metadata);
  }

  /**
   * Whether the service refused the batch because the deployment's enqueued-token quota was full.
   * Such a batch is not a failure of its requests: create it again later, with backoff, from the
   * same input file.
   *
   * @return true when the batch failed with {@code token_limit_exceeded}
   */
  public boolean quotaRefused() {
    return status == BatchStatus.FAILED
        && errors.stream().anyMatch(e -> BatchError.TOKEN_LIMIT_EXCEEDED.equals(e.code()));
  }
}
