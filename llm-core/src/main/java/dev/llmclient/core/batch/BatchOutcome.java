package dev.llmclient.core.batch;

import dev.llmclient.api.LlmException;
import dev.llmclient.api.LlmResponse;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The result of one request of a file batch: its checked answer, or its failure typed as the same
 * failure of an online call would be.
 *
 * @param <T> the answer type
 * @param customId the request's id in the batch
 * @param response the answer, validated against the request's schema, or null when it failed
 * @param error why it failed, or null when there is an answer
 */
public record BatchOutcome<T>(
    String customId, @Nullable LlmResponse<T> response, @Nullable LlmException error) {

  /**
   * Checks that exactly one of answer and failure is present.
   *
   * @param customId the request's id
   * @param response the answer, or null
   * @param error the failure, or null
   */
  public BatchOutcome {
    Objects.requireNonNull(customId, "customId");
    if ((response == null) == (error == null)) {
      throw new IllegalArgumentException("an outcome has either a response or an error");
    }
  }

  /**
   * Whether the request has a checked answer.
   *
   * @return true when {@link #response()} is set
   */
  public boolean succeeded() {
    return response != null;
  }
}
