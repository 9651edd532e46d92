package dev.llmclient.api.spi;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One embeddings request, ready for the wire.
 *
 * @param model the model name, or the embedding deployment on Azure
 * @param inputs the texts, at most the API's input-count limit
 * @param dimensions the {@code dimensions} to request, or null to omit it
 * @param headers extra HTTP headers for this request only
 */
public record EmbeddingRequest(
    String model, List<String> inputs, @Nullable Integer dimensions, Map<String, String> headers) {

  /**
   * Copies the collections and rejects nulls.
   *
   * @param model the model name, or the embedding deployment on Azure
   * @param inputs the texts, at most the API's input-count limit
   * @param dimensions the {@code dimensions} to request, or null to omit it
   * @param headers extra HTTP headers for this request only
   * @throws NullPointerException if a required part is null
   */
  public EmbeddingRequest {
    Objects.requireNonNull(model, "model");
    inputs = List.copyOf(inputs);
    headers = Map.copyOf(headers);
  }

  /** Shows the model, input count and dimensions; never the texts. */
  @Override
  public String toString() {
    return "EmbeddingRequest[model="
        + model
        + ", inputs="
        + inputs.size()
        + ", dimensions="
        + dimensions
        + "]";
  }
}
