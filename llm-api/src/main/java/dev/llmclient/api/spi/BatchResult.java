package dev.llmclient.api.spi;

import dev.llmclient.api.LlmException;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One line of a batch's output or error file: the answer to the request with {@link #customId()},
 * or why it failed, typed exactly as the same failure of an online call would be.
 *
 * @param customId the id the request was given in the input file
 * @param completion the answer, or null when the request failed
 * @param error the failure, or null when there is an answer
 */
public record BatchResult(
    String customId, @Nullable ChatCompletion completion, @Nullable LlmException error) {

  /**
   * Checks that exactly one of answer and failure is present.
   *
   * @param customId the request's id
   * @param completion the answer, or null
   * @param error the failure, or null
   * @throws IllegalArgumentException unless exactly one of completion and error is set
   */
  public BatchResult {
    Objects.requireNonNull(customId, "customId");
    if ((completion == null) == (error == null)) {
      throw new IllegalArgumentException("a batch result has either a completion or an error");
    }
  }
}
