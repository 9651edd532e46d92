package dev.llmclient.micrometer;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.llmclient.api.spi.Span;
import dev.llmclient.api.spi.SpanKind;
import dev.llmclient.api.spi.SpanStatus;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.tck.TestObservationRegistry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the Tracer SPI's spans become observations, and what a meter registry then holds. */
class MicrometerTracingTest {

  private final TestObservationRegistry observations = TestObservationRegistry.create();
  private final MicrometerTracing tracing = MicrometerTracing.create(observations);

  @Test
  void anAttemptIsAGenAiOperationObservationUnderItsCall() {
    Span call = tracing.startSpan("llmclient.llm.generate", SpanKind.INTERNAL);
    Span attempt = call.startChild("chat gpt-4o", SpanKind.CLIENT);
    attempt.setAttribute("gen_ai.operation.name", "chat");
    attempt.setAttribute("gen_ai.provider.name", "openai");
    attempt.setAttribute("gen_ai.request.model", "gpt-4o");
    attempt.setAttribute("gen_ai.response.id", "chatcmpl-1");
    attempt.setAttribute("gen_ai.usage.input_tokens", 12L);
    attempt.setAttribute("gen_ai.input.messages", "a prompt with a secret");
    attempt.setStatus(SpanStatus.OK, null);
    attempt.end();
    call.end();

    assertThat(observations)
        .hasNumberOfObservationsEqualTo(2)
        .hasObservationWithNameEqualTo(MicrometerTracing.OPERATION_DURATION)
        .that()
        .hasContextualNameEqualTo("chat gpt-4o")
        .hasBeenStarted()
        .hasBeenStopped()
        .hasLowCardinalityKeyValue("gen_ai.operation.name", "chat")
        .hasLowCardinalityKeyValue("gen_ai.provider.name", "openai")
        .hasLowCardinalityKeyValue("gen_ai.system", "openai")
        .hasLowCardinalityKeyValue("gen_ai.request.model", "gpt-4o")
        .hasLowCardinalityKeyValue("error.type", "none")
        .hasHighCardinalityKeyValue("gen_ai.response.id", "chatcmpl-1")
        .doesNotHaveHighCardinalityKeyValueWithKey("gen_ai.input.messages")
        .doesNotHaveLowCardinalityKeyValueWithKey("gen_ai.response.id")
        .doesNotHaveError()
        .hasParentObservationContextMatching(
            parent -> parent.getName().equals("llmclient.llm.generate"));
    assertThat(observations)
        .hasObservationWithNameEqualTo("llmclient.llm.generate")
        .that()
        .hasLowCardinalityKeyValue("gen_ai.operation.name", "unknown")
        .hasBeenStopped();
  }

  @Test
  void aFailedAttemptCarriesTheErrorTypeTheClientSetAndItsException() {
    Span attempt =
        tracing
            .startSpan("llmclient.llm.generate", SpanKind.INTERNAL)
            .startChild("chat gpt-4o", SpanKind.CLIENT);
    IllegalStateException failure = new IllegalStateException("boom");
    attempt.setAttribute("error.type", "dev.llmclient.api.RateLimitException");
    attempt.recordException(failure);
    attempt.setStatus(SpanStatus.ERROR, "429");
    attempt.end();

    assertThat(observations)
        .hasObservationWithNameEqualTo(MicrometerTracing.OPERATION_DURATION)
        .that()
        .hasLowCardinalityKeyValue("error.type", "dev.llmclient.api.RateLimitException")
        .hasError(failure);
  }

  @Test
  void aFailureWithoutErrorTypeIsNamedByItsExceptionOrOther() {
    Span withException = tracing.startSpan("llmclient.llm.embed", SpanKind.INTERNAL);
    withException.recordException(new IllegalArgumentException("bad"));
    withException.end();
    Span statusOnly = tracing.startSpan("llmclient.llm.generate", SpanKind.INTERNAL);
    statusOnly.setStatus(SpanStatus.ERROR, "no choices");
    statusOnly.end();

    assertThat(observations)
        .hasObservationWithNameEqualTo("llmclient.llm.embed")
        .that()
        .hasLowCardinalityKeyValue("error.type", IllegalArgumentException.class.getName());
    assertThat(observations)
        .hasObservationWithNameEqualTo("llmclient.llm.generate")
        .that()
        .hasLowCardinalityKeyValue("error.type", "_OTHER")
        .assertThatError()
        .hasMessage("_OTHER: no choices");
  }

  @Test
  void endingTwiceStopsOnceAndAFailingHandlerNeverReachesTheCaller() {
    TestObservationRegistry failing = TestObservationRegistry.create();
    failing
        .observationConfig()
        .observationHandler(
            new ObservationHandler<>() {
              @Override
              public void onStart(Observation.Context context) {
                throw new IllegalStateException("handler broke");
              }

              @Override
              public void onStop(Observation.Context context) {
                throw new IllegalStateException("handler broke");
              }

              @Override
              public boolean supportsContext(Observation.Context context) {
                return true;
              }
            });
    Span span =
        MicrometerTracing.create(failing).startSpan("llmclient.llm.generate", SpanKind.INTERNAL);
    Span child = span.startChild("chat gpt-4o", SpanKind.CLIENT);
    child.setAttribute("gen_ai.operation.name", "chat");
    child.addEvent("retry", Map.of("attempt", 1));
    child.end();
    span.end();
    span.end();

    assertThat(child.propagationHeaders()).isEmpty();
  }

  @Test
  void aMeterRegistryGetsOneTimerPerAttemptWithTheGenAiTagsAndTheTokenUsage() {
    MeterRegistry meters = new SimpleMeterRegistry();
    MicrometerTracing meterTracing = MicrometerTracing.create(MeterObservations.registry(meters));
    for (String model : List.of("gpt-4o", "gpt-4o-mini")) {
      Span call = meterTracing.startSpan("llmclient.llm.generate", SpanKind.INTERNAL);
      Span attempt = call.startChild("chat " + model, SpanKind.CLIENT);
      attempt.setAttribute("gen_ai.operation.name", "chat");
      attempt.setAttribute("gen_ai.provider.name", "openai");
      attempt.setAttribute("gen_ai.request.model", model);
      attempt.setAttribute("gen_ai.usage.input_tokens", 10L);
      attempt.setAttribute("gen_ai.usage.output_tokens", 3L);
      attempt.end();
      call.end();
    }

    Timer timer =
        meters
            .get(MicrometerTracing.OPERATION_DURATION)
            .tags("gen_ai.operation.name", "chat", "gen_ai.request.model", "gpt-4o-mini")
            .tags("gen_ai.system", "openai", "error.type", "none")
            .timer();
    assertThat(timer.count()).isEqualTo(1);
    assertThat(meters.get(MicrometerTracing.OPERATION_DURATION).timers()).hasSize(2);
    assertThat(
            meters
                .get(MicrometerTracing.TOKEN_USAGE)
                .tags("gen_ai.token.type", "input", "gen_ai.request.model", "gpt-4o")
                .summary()
                .totalAmount())
        .isEqualTo(10.0);
    assertThat(
            meters
                .get(MicrometerTracing.TOKEN_USAGE)
                .tags("gen_ai.token.type", "output")
                .summaries())
        .hasSize(2)
        .allSatisfy(s -> assertThat(s.totalAmount()).isEqualTo(3.0));
    assertThat(meters.get("llmclient.llm.generate").timer().count()).isEqualTo(2);
  }

  @Test
  void lowCardinalityKeysAreTheSameOnEveryMeterOfOneName() {
    MeterRegistry meters = new SimpleMeterRegistry();
    MicrometerTracing meterTracing = MicrometerTracing.create(MeterObservations.registry(meters));
    Span bare = meterTracing.startSpan("llmclient.llm.generate", SpanKind.INTERNAL);
    bare.startChild("chat", SpanKind.CLIENT).end();
    bare.end();

    assertThat(
            meters.get(MicrometerTracing.OPERATION_DURATION).timer().getId().getTags().stream()
                .map(t -> t.getKey())
                .filter(k -> !k.equals("error")))
        .containsExactlyInAnyOrderElementsOf(MicrometerSpan.LOW_CARDINALITY);
    assertThat(
            meters
                .get(MicrometerTracing.OPERATION_DURATION)
                .timer()
                .getId()
                .getTag("gen_ai.request.model"))
        .isEqualTo("unknown");
  }
}
