package dev.llmclient.core.internal.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmclient.api.spi.Span;
import dev.llmclient.api.spi.SpanKind;
import dev.llmclient.api.spi.Tracer;
import org.junit.jupiter.api.Test;

/**
 * With tracing off the call's spans are the no-op {@link SafeSpan}, so the pipeline skips building
 * span attributes, trace headers and child spans on every call.
 */
class SafeSpanNoopTest {

  @Test
  void theNoopTracersSpanIsTheNoopSafeSpan() {
    SafeSpan span = SafeSpan.start(Tracer.noop(), "llmclient.llm.generate", SpanKind.INTERNAL);

    assertThat(span.isNoop()).isTrue();
    assertThat(span.child("chat gpt-4o", SpanKind.CLIENT).isNoop()).isTrue();
  }

  @Test
  void aTracerThatReturnsTheNoopSpanForOneChildGetsANoopChild() {
    Span parent = Span.noop();
    Tracer tracer =
        (name, kind) ->
            new Span() {
              @Override
              public Span setAttribute(String key, Object value) {
                return this;
              }

              @Override
              public void addEvent(String name, java.util.Map<String, ?> attributes) {}

              @Override
              public void recordException(Throwable exception) {}

              @Override
              public void setStatus(dev.llmclient.api.spi.SpanStatus status, String description) {}

              @Override
              public Span startChild(String name, SpanKind kind) {
                return parent;
              }

              @Override
              public java.util.Map<String, String> propagationHeaders() {
                return java.util.Map.of();
              }

              @Override
              public void end() {}
            };

    SafeSpan span = SafeSpan.start(tracer, "llmclient.llm.generate", SpanKind.INTERNAL);

    assertThat(span.isNoop()).isFalse();
    assertThat(span.child("chat gpt-4o", SpanKind.CLIENT).isNoop()).isTrue();
  }
}
