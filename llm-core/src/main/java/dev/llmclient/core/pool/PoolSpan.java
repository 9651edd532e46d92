package dev.llmclient.core.pool;

import dev.llmclient.api.spi.Span;
import dev.llmclient.api.spi.SpanKind;
import dev.llmclient.api.spi.SpanStatus;
import dev.llmclient.api.spi.Tracer;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A guarded span: a tracer that throws is logged at debug level and otherwise ignored. */
final class PoolSpan {

  private static final Logger LOG = LoggerFactory.getLogger(PoolSpan.class);
  static final PoolSpan NOOP = new PoolSpan(Span.noop());

  private final Span span;

  private PoolSpan(Span span) {
    this.span = span;
  }

  static PoolSpan start(Tracer tracer, String name) {
    if (tracer == Tracer.noop()) {
      return NOOP;
    }
    try {
      Span s = tracer.startSpan(name, SpanKind.INTERNAL);
      return s == null ? NOOP : new PoolSpan(s);
    } catch (RuntimeException e) {
      LOG.debug("tracer startSpan failed; the pool call is not traced", e);
      return NOOP;
    }
  }

  void set(String key, @Nullable Object value) {
    if (this == NOOP || value == null) {
      return;
    }
    try {
      span.setAttribute(key, value);
    } catch (RuntimeException e) {
      LOG.debug("tracer setAttribute failed", e);
    }
  }

  void event(String name, Map<String, ?> attributes) {
    if (this == NOOP) {
      return;
    }
    try {
      span.addEvent(name, attributes);
    } catch (RuntimeException e) {
      LOG.debug("tracer addEvent failed", e);
    }
  }

  void end(@Nullable Throwable error) {
    if (this == NOOP) {
      return;
    }
    try {
      if (error != null) {
        span.recordException(error);
        span.setStatus(SpanStatus.ERROR, error.getMessage());
      } else {
        span.setStatus(SpanStatus.OK, null);
      }
      span.end();
    } catch (RuntimeException e) {
      LOG.debug("tracer end failed", e);
    }
  }
}
