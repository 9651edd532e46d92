package dev.llmclient.otel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.llmclient.api.Message;
import dev.llmclient.api.RateLimitException;
import dev.llmclient.api.spi.Span;
import dev.llmclient.api.spi.SpanKind;
import dev.llmclient.api.spi.SpanStatus;
import io.opentelemetry.api.OpenTelemetry;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** A broken OpenTelemetry SDK loses telemetry but never breaks or changes an LLM call. */
class FailureIsolationTest {

  /** Methods that lead from OpenTelemetry to a span, histogram or propagator. */
  private static final Set<String> NAVIGATION =
      Set.of(
          "getTracerProvider",
          "tracerBuilder",
          "getTracer",
          "setInstrumentationVersion",
          "setSchemaUrl",
          "build",
          "spanBuilder",
          "setParent",
          "setSpanKind",
          "startSpan",
          "getMeterProvider",
          "meterBuilder",
          "histogramBuilder",
          "ofLongs",
          "setUnit",
          "setDescription",
          "setExplicitBucketBoundariesAdvice",
          "getPropagators",
          "getTextMapPropagator");

  @Test
  void anSdkThatThrowsEverywhereYieldsSpansThatRecordNothing() {
    OpenTelemetry broken = throwingEverywhere(() -> new IllegalStateException("SDK is broken"));
    OtelTracing tracer = OtelTracing.builder(broken).captureMessageContent(true).build();

    Span generate = tracer.startSpan("llmclient.llm.generate", SpanKind.INTERNAL);

    assertThat(generate).isNotNull();
    assertThatCode(() -> driveLikeTheCore(generate)).doesNotThrowAnyException();
  }

  @Test
  void spansHistogramsAndPropagatorsThatThrowOnEveryOperationAreContained() {
    OpenTelemetry broken = throwingOnOperations(() -> new IllegalStateException("exporter down"));
    OtelTracing tracer = OtelTracing.builder(broken).captureMessageContent(true).build();

    Span generate = tracer.startSpan("llmclient.llm.generate", SpanKind.INTERNAL);

    assertThat(generate).isInstanceOf(OtelSpan.class);
    assertThatCode(() -> driveLikeTheCore(generate)).doesNotThrowAnyException();
    assertThat(generate.startChild("chat gpt-4o", SpanKind.CLIENT).propagationHeaders()).isEmpty();
    assertThat(generate.toString()).startsWith("OtelSpan[");
  }

  @Test
  void linkageErrorsFromAMismatchedSdkAreContainedToo() {
    OpenTelemetry broken =
        throwingOnOperations(() -> new NoSuchMethodError("io.opentelemetry.api.trace.Span.end"));
    OtelTracing tracer = OtelTracing.create(broken);

    assertThatCode(
            () -> driveLikeTheCore(tracer.startSpan("llmclient.llm.generate", SpanKind.INTERNAL)))
        .doesNotThrowAnyException();
  }

  @Test
  void theCallsOwnExceptionIsLeftUntouched() {
    RateLimitException failure = new RateLimitException("Rate limit exceeded.");
    OtelTracing tracer = OtelTracing.create(throwingOnOperations(IllegalStateException::new));

    Span attempt =
        tracer
            .startSpan("llmclient.llm.generate", SpanKind.INTERNAL)
            .startChild("chat gpt-4o", SpanKind.CLIENT);
    attempt.recordException(failure);
    attempt.end();

    assertThat(failure.getSuppressed()).isEmpty();
    assertThat(failure.getCause()).isNull();
    assertThat(failure.getMessage()).isEqualTo("Rate limit exceeded.");
  }

  /** Every call the core makes on a generate span and one attempt, success and failure. */
  private static void driveLikeTheCore(Span generate) {
    generate.setAttribute("llm.provider", "openai");
    generate.setAttributes(Map.of("max_tokens", 100, "cache.enabled", false));
    Span attempt = generate.startChild("chat gpt-4o", SpanKind.CLIENT);
    attempt.setAttribute("gen_ai.operation.name", "chat");
    attempt.setAttribute("gen_ai.provider.name", "openai");
    attempt.setAttribute("gen_ai.usage.input_tokens", 3);
    attempt.setAttribute(OtelTracing.INPUT_MESSAGES, List.of(Message.user("hi")));
    attempt.setAttribute(OtelTracing.OUTPUT_MESSAGES, "hello");
    Map<String, String> headers = attempt.propagationHeaders();
    assertThat(headers).isNotNull();
    attempt.recordException(new RateLimitException("Rate limit exceeded."));
    attempt.setStatus(SpanStatus.ERROR, "HTTP 429");
    attempt.end();
    attempt.end();
    generate.addEvent("llmclient.retry", Map.of("llmclient.attempt", 1));
    generate.setStatus(SpanStatus.OK, null);
    generate.end();
  }

  private static OpenTelemetry throwingEverywhere(Supplier<? extends Throwable> failure) {
    return proxy(
        OpenTelemetry.class,
        (proxy, method, args) -> {
          if (method.getDeclaringClass() == Object.class) {
            return objectMethod(proxy, method.getName(), args);
          }
          throw failure.get();
        });
  }

  /**
   * An OpenTelemetry whose tracers, span builders, meters and propagators can be reached, but whose
   * spans, histograms and propagators throw on every operation.
   */
  private static OpenTelemetry throwingOnOperations(Supplier<? extends Throwable> failure) {
    return hostile(OpenTelemetry.class, failure);
  }

  private static <T> T hostile(Class<T> type, Supplier<? extends Throwable> failure) {
    return proxy(
        type,
        (proxy, method, args) -> {
          if (method.getDeclaringClass() == Object.class) {
            return objectMethod(proxy, method.getName(), args);
          }
          Class<?> returned = method.getReturnType();
          if (NAVIGATION.contains(method.getName()) && returned.isInterface()) {
            return hostile(returned, failure);
          }
          if (method.isDefault()) {
            return InvocationHandler.invokeDefault(proxy, method, args);
          }
          throw failure.get();
        });
  }

  private static Object objectMethod(Object proxy, String name, Object[] args) {
    switch (name) {
      case "equals":
        return proxy == args[0];
      case "hashCode":
        return System.identityHashCode(proxy);
      default:
        return "broken OpenTelemetry";
    }
  }

  private static <T> T proxy(Class<T> type, InvocationHandler handler) {
    return type.cast(
        Proxy.newProxyInstance(
            FailureIsolationTest.class.getClassLoader(), new Class<?>[] {type}, handler));
  }
}
