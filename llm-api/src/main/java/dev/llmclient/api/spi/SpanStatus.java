package dev.llmclient.api.spi;

/** The outcome recorded on a span. */
public enum SpanStatus {
  /** Not set. */
  UNSET,
  /** The operation succeeded. */
  OK,
  /** The operation failed; the exception is recorded too. */
  ERROR
}
