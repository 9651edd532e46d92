package dev.llmclient.testkit.simulator;

/** The operation a request addressed, whatever the URL style. */
public enum Route {
  /** {@code POST .../chat/completions}. */
  CHAT_COMPLETIONS,
  /** {@code POST .../embeddings}. */
  EMBEDDINGS,
  /** {@code GET .../models}. */
  MODELS,
  /** {@code .../files...}: batch input and output files. */
  FILES,
  /** {@code .../batches...}: file batches. */
  BATCHES,
  /** One request line inside a batch, answered as a chat completion. */
  BATCH_REQUEST,
  /** Any other path; answered with 404. */
  UNKNOWN
}
