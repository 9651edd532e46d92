package dev.llmclient.api.spi;

import dev.llmclient.api.Usage;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The vectors of one embeddings exchange, in input order.
 *
 * @param vectors one vector per input, in input order
 * @param usage the tokens the server reported
 * @param model the model the server says answered, or null
 * @param requestId the server's request id, or null
 */
public record EmbeddingResult(
    List<float[]> vectors, Usage usage, @Nullable String model, @Nullable String requestId) {

  /**
   * Copies the list and rejects nulls.
   *
   * @param vectors one vector per input, in input order
   * @param usage the tokens the server reported
   * @param model the model the server says answered, or null
   * @param requestId the server's request id, or null
   * @throws NullPointerException if a required part is null
   */
  public EmbeddingResult {
    vectors = List.copyOf(vectors);
    Objects.requireNonNull(usage, "usage");
  }
}
