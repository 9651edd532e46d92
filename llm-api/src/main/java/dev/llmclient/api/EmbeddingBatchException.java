package dev.llmclient.api;

import java.util.List;

/**
 * A {@code createBatch} call failed because one of its requests failed after its retries: no vector
 * of the call is returned, never a shorter list.
 *
 * <p>{@link #inputIndexes()} names the inputs (positions in the caller's list) of the request that
 * failed; {@link #getCause()} is that request's failure with its precise type ({@link
 * dev.llmclient.api.RateLimitException}, {@link dev.llmclient.api.InvalidRequestException}, ...),
 * whose provider, status and request id this exception repeats.
 *
 * <pre>{@code
 * try {
 *   vectors = embedder.createBatch(texts);
 * } catch (EmbeddingBatchException e) {
 *   log.warn("inputs {} to {} failed", e.firstIndex(), e.lastIndex(), e.getCause());
 * }
 * }</pre>
 */
public final class EmbeddingBatchException extends LlmException {

  private static final long serialVersionUID = 1L;
  private static final int LISTED = 10;

  /** The failed request's inputs, ascending. Serializable as {@code List.copyOf} is. */
  private final List<Integer> inputIndexes;

  private final int batchSize;

  /**
   * Creates the exception.
   *
   * @param inputIndexes the positions of the failed request's inputs in the caller's list, not
   *     empty
   * @param batchSize the size of the caller's list
   * @param cause the request's failure
   */
  public EmbeddingBatchException(List<Integer> inputIndexes, int batchSize, LlmException cause) {
    super(message(inputIndexes, batchSize, cause), cause.context(), cause);
    if (inputIndexes.isEmpty()) {
      throw new IllegalArgumentException("inputIndexes must not be empty");
    }
    this.inputIndexes = List.copyOf(inputIndexes);
    this.batchSize = batchSize;
  }

  private static String message(List<Integer> indexes, int batchSize, LlmException cause) {
    int first = indexes.get(0);
    int last = indexes.get(indexes.size() - 1);
    StringBuilder sb = new StringBuilder("Embedding ");
    if (last - first + 1 == indexes.size()) {
      sb.append(
          indexes.size() == 1
              ? "input " + first
              : "inputs " + first + " to " + last + " (inclusive)");
    } else {
      sb.append(indexes.size()).append(" inputs between ").append(first).append(" and ");
      sb.append(last).append(" (indexes ");
      List<Integer> shown = indexes.subList(0, Math.min(LISTED, indexes.size()));
      for (int i = 0; i < shown.size(); i++) {
        sb.append(i == 0 ? "" : ", ").append(shown.get(i));
      }
      sb.append(indexes.size() > LISTED ? ", ...)" : ")");
    }
    sb.append(" of a batch of ").append(batchSize).append(" failed, so no vector is returned: ");
    String detail = cause.getMessage();
    sb.append(detail == null ? cause.getClass().getSimpleName() : detail);
    return sb.toString();
  }

  /**
   * The positions, in the caller's list, of the inputs whose request failed.
   *
   * @return the indexes, ascending
   */
  public List<Integer> inputIndexes() {
    return inputIndexes;
  }

  /**
   * The first position of {@link #inputIndexes()}.
   *
   * @return the index
   */
  public int firstIndex() {
    return inputIndexes.get(0);
  }

  /**
   * The last position of {@link #inputIndexes()}, inclusive.
   *
   * @return the index
   */
  public int lastIndex() {
    return inputIndexes.get(inputIndexes.size() - 1);
  }

  /**
   * The size of the caller's list.
   *
   * @return the batch size
   */
  public int batchSize() {
    return batchSize;
  }

  /**
   * {@inheritDoc}
   *
   * @return false: the client already retried the failed request; {@link #getCause()} says whether
   *     its failure is transient
   */
  @Override
  public boolean isRetryable() {
    return false;
  }

  /**
   * The failed request's failure.
   *
   * @return the cause, never null
   */
  @Override
  public synchronized LlmException getCause() {
    return (LlmException) super.getCause();
  }
}
