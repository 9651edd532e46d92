package dev.llmclient.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmclient.api.spi.Span;
import dev.llmclient.api.spi.SpanKind;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CallTracerTest {

  @Test
  void retriesAndReasksAreCountedAndACallRetryingIsShownUntilItEnds() {
    CallTracer tracer = new CallTracer();
    Span call = tracer.startSpan("llmclient.llm.generate", SpanKind.INTERNAL);
    Span other = tracer.startSpan("llmclient.llm.generate", SpanKind.INTERNAL);

    call.addEvent(CallTracer.RETRY_EVENT, Map.of());
    call.addEvent(CallTracer.RETRY_EVENT, Map.of());
    other.addEvent(CallTracer.REASK_EVENT, Map.of());

    assertThat(tracer.retries()).isEqualTo(2);
    assertThat(tracer.reasks()).isEqualTo(1);
    assertThat(tracer.retrying()).isEqualTo(1);

    call.end();
    call.end();
    other.end();
    assertThat(tracer.retrying()).isZero();
  }

  @Test
  void attemptSpansAreNotRecorded() {
    Span call = new CallTracer().startSpan("llmclient.llm.generate", SpanKind.INTERNAL);

    assertThat(call.startChild("chat gpt-4o", SpanKind.CLIENT)).isSameAs(Span.noop());
    assertThat(call.propagationHeaders()).isEmpty();
  }
}
