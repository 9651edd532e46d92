package dev.llmclient.core.internal.runtime;

import dev.llmclient.api.spi.Span;
import dev.llmclient.api.spi.SpanKind;
import dev.llmclient.api.spi.SpanStatus;
import dev.llmclient.api.spi.Tracer;
import java.net.URI;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A span whose every call is guarded: a tracer that throws (or returns null) is logged once at
 * debug level and otherwise ignored, so it can never break or change an LLM call (Graphiti's tracer
 * replaced every exception; this one cannot).
 */
public final class SafeSpan {

  private static final Logger LOG = LoggerFactory.getLogger(SafeSpan.class);
  static final SafeSpan NOOP = new SafeSpan(Span.noop());

  private final Span span;

  private SafeSpan(Span span) {
    this.span = span;
  }

  public static SafeSpan start(Tracer tracer, String name, SpanKind kind) {
    try {
      Span s = tracer.startSpan(name, kind);
      return wrap(s);
    } catch (RuntimeException e) {
      failed("startSpan", e);
      return NOOP;
    }
  }

  public SafeSpan child(String name, SpanKind kind) {
    if (this == NOOP) {
      return NOOP;
    }
    try {
      Span s = span.startChild(name, kind);
      return wrap(s);
    } catch (RuntimeException e) {
      failed("startChild", e);
      return NOOP;
    }
  }

  /**
   * The no-op span stays {@link #NOOP}, so that tracing off ({@code Tracer.noop()}) skips building
   * attributes, headers and child spans altogether.
   */
  private static SafeSpan wrap(@Nullable Span s) {
    return s == null || s == Span.noop() ? NOOP : new SafeSpan(s);
  }

  public boolean isNoop() {
    return this == NOOP;
  }

  public void set(String key, @Nullable Object value) {
    if (value == null || this == NOOP) {
      return;
    }
    try {
      span.setAttribute(key, value);
    } catch (RuntimeException e) {
      failed("setAttribute", e);
    }
  }

  public void event(String name, Map<String, ?> attributes) {
    try {
      span.addEvent(name, attributes);
    } catch (RuntimeException e) {
      failed("addEvent", e);
    }
  }

  public void recordException(Throwable t) {
    try {
      span.recordException(t);
    } catch (RuntimeException e) {
      failed("recordException", e);
    }
  }

  public void status(SpanStatus status, @Nullable String description) {
    try {
      span.setStatus(status, description);
    } catch (RuntimeException e) {
      failed("setStatus", e);
    }
  }

  public Map<String, String> propagationHeaders() {
    if (this == NOOP) {
      return Map.of();
    }
    try {
      Map<String, String> h = span.propagationHeaders();
      return h == null ? Map.of() : h;
    } catch (RuntimeException e) {
      failed("propagationHeaders", e);
      return Map.of();
    }
  }

  /** Sets {@code server.address} and {@code server.port} from an endpoint, if it has a host. */
  public void server(@Nullable URI endpoint) {
    if (endpoint == null || endpoint.getHost() == null) {
      return;
    }
    set("server.address", endpoint.getHost());
    int port = endpoint.getPort();
    if (port < 0) {
      port = "http".equalsIgnoreCase(endpoint.getScheme()) ? 80 : 443;
    }
    set("server.port", (long) port);
  }

  /** Ends an attempt span as failed: {@code error.type}, the exception and status ERROR. */
  public void failAttempt(Throwable error) {
    if (isNoop()) {
      return;
    }
    set("error.type", error.getClass().getName());
    endWithError(error);
  }

  /** Ends the span as failed: the exception and status ERROR. */
  public void endWithError(Throwable error) {
    recordException(error);
    status(SpanStatus.ERROR, error.getMessage());
    end();
  }

  /** Ends the span. */
  public void end() {
    try {
      span.end();
    } catch (RuntimeException e) {
      failed("end", e);
    }
  }

  private static void failed(String what, RuntimeException e) {
    LOG.debug("tracer call {} failed; tracing skipped for it", what, e);
  }
}
