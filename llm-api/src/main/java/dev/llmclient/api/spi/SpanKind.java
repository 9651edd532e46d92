package dev.llmclient.api.spi;

/** The role of a span, as OpenTelemetry defines it. */
public enum SpanKind {
  /** Work inside the application, such as the whole {@code generate} call. */
  INTERNAL,
  /** One outgoing request to a remote service, such as one HTTP attempt. */
  CLIENT
}
