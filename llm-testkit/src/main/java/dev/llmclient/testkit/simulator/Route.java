package dev.llmclient.testkit.simulator;

/** The operation a request addressed, whatever the URL style. */
public enum Route {
  /** {@code POST .../chat/completions}. */
  CHAT_COMPLETIONS,
  /** {@code POST .../embeddings}. */
  EMBEDDINGS,
  /** {@code GET .../models}. */
  MODELS,
  /** Any other path; answered with 404. */
  UNKNOWN
}
