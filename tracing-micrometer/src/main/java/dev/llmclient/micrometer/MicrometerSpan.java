package dev.llmclient.micrometer;

import dev.llmclient.api.spi.Span;
import dev.llmclient.api.spi.SpanKind;
import dev.llmclient.api.spi.SpanStatus;
import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * One llmclient span over one Micrometer observation. Keeps the low-cardinality values until the
 * end, so every meter of one name has the same tag keys, and guards every Micrometer call.
 */
final class MicrometerSpan implements Span {

  /** The tags every observation carries, in this order; each set once, at the end. */
  static final List<String> LOW_CARDINALITY =
      List.of(
          MicrometerTracing.OPERATION_NAME,
          MicrometerTracing.PROVIDER_NAME,
          MicrometerTracing.SYSTEM,
          MicrometerTracing.REQUEST_MODEL,
          MicrometerTracing.ERROR_TYPE);

  private static final String INPUT_TOKENS = "gen_ai.usage.input_tokens";
  private static final String OUTPUT_TOKENS = "gen_ai.usage.output_tokens";

  /** Never recorded: prompts and completions are often personal data. */
  private static final Set<String> CONTENT =
      Set.of("gen_ai.input.messages", "gen_ai.output.messages");

  private final ObservationRegistry registry;
  private final Observation observation;
  private final @Nullable LlmObservationContext attempt;
  private final Map<String, String> low = new ConcurrentHashMap<>();
  private final AtomicBoolean ended = new AtomicBoolean();
  private volatile @Nullable Throwable exception;
  private volatile SpanStatus status = SpanStatus.UNSET;
  private volatile @Nullable String statusDescription;

  private MicrometerSpan(
      ObservationRegistry registry,
      Observation observation,
      @Nullable LlmObservationContext attempt) {
    this.registry = registry;
    this.observation = observation;
    this.attempt = attempt;
  }

  /** Starts an observation under {@code parent}, or the registry's current one; never throws. */
  static Span start(
      ObservationRegistry registry, String name, SpanKind kind, @Nullable Observation parent) {
    try {
      LlmObservationContext attempt = kind == SpanKind.CLIENT ? new LlmObservationContext() : null;
      Observation observation =
          attempt != null
              ? Observation.createNotStarted(
                  MicrometerTracing.OPERATION_DURATION, () -> attempt, registry)
              : Observation.createNotStarted(name, registry);
      observation.contextualName(name);
      if (parent != null) {
        observation.parentObservation(parent);
      }
      observation.start();
      return new MicrometerSpan(registry, observation, attempt);
    } catch (Throwable t) {
      rethrowIfFatal(t);
      return Span.noop();
    }
  }

  @Override
  public Span setAttribute(String key, @Nullable Object value) {
    if (key == null || value == null || CONTENT.contains(key)) {
      return this;
    }
    try {
      String text = asString(value);
      if (LOW_CARDINALITY.contains(key)) {
        low.put(key, text);
        if (key.equals(MicrometerTracing.PROVIDER_NAME)) {
          low.putIfAbsent(MicrometerTracing.SYSTEM, text);
        }
        return this;
      }
      LlmObservationContext a = attempt;
      if (a != null && value instanceof Number n) {
        if (key.equals(INPUT_TOKENS)) {
          a.inputTokens(n.longValue());
        } else if (key.equals(OUTPUT_TOKENS)) {
          a.outputTokens(n.longValue());
        }
      }
      observation.highCardinalityKeyValue(key, text);
    } catch (Throwable t) {
      rethrowIfFatal(t);
    }
    return this;
  }

  @Override
  public void addEvent(String name, Map<String, ?> attributes) {
    if (name == null) {
      return;
    }
    try {
      observation.event(Observation.Event.of(name));
    } catch (Throwable t) {
      rethrowIfFatal(t);
    }
  }

  @Override
  public void recordException(Throwable exception) {
    if (exception == null) {
      return;
    }
    this.exception = exception;
    try {
      observation.error(exception);
    } catch (Throwable t) {
      rethrowIfFatal(t);
    }
  }

  @Override
  public void setStatus(SpanStatus status, @Nullable String description) {
    if (status != null) {
      this.status = status;
      this.statusDescription = description;
    }
  }

  /** The child's parent is this observation, whatever thread it starts on. */
  @Override
  public Span startChild(String name, SpanKind kind) {
    return start(registry, name, kind, observation);
  }

  /** What Micrometer Tracing's propagating handler wrote on start; empty without a tracer. */
  @Override
  public Map<String, String> propagationHeaders() {
    LlmObservationContext a = attempt;
    if (a == null) {
      return Map.of();
    }
    try {
      Map<String, String> carrier = a.getCarrier();
      return carrier == null ? Map.of() : Map.copyOf(carrier);
    } catch (Throwable t) {
      rethrowIfFatal(t);
      return Map.of();
    }
  }

  @Override
  public void end() {
    if (!ended.compareAndSet(false, true)) {
      return;
    }
    try {
      String errorType = errorType();
      for (String key : LOW_CARDINALITY) {
        String value =
            key.equals(MicrometerTracing.ERROR_TYPE)
                ? (errorType == null ? MicrometerTracing.NO_ERROR : errorType)
                : low.getOrDefault(key, MicrometerTracing.UNKNOWN);
        observation.lowCardinalityKeyValue(KeyValue.of(key, value));
      }
      if (errorType != null && exception == null) {
        // A failure without an exception (e.g. a status alone) still counts as an error.
        observation.error(new LlmCallFailed(errorType, statusDescription));
      }
    } catch (Throwable t) {
      rethrowIfFatal(t);
    }
    try {
      observation.stop();
    } catch (Throwable t) {
      rethrowIfFatal(t);
    }
  }

  /**
   * The error type, or null on success: the {@code error.type} the client set, else the exception's
   * class name when the status is not OK, else {@code _OTHER} for an ERROR status.
   */
  private @Nullable String errorType() {
    String given = low.get(MicrometerTracing.ERROR_TYPE);
    if (given != null) {
      return given;
    }
    Throwable failure = exception;
    if (failure != null && status != SpanStatus.OK) {
      return failure.getClass().getName();
    }
    return status == SpanStatus.ERROR ? "_OTHER" : null;
  }

  private static String asString(Object value) {
    if (value instanceof Collection<?> c) {
      return String.join(",", c.stream().map(String::valueOf).toList());
    }
    return String.valueOf(value);
  }

  static void rethrowIfFatal(Throwable t) {
    if (t instanceof VirtualMachineError error) {
      throw error;
    }
  }

  /** Stands for a failure the client reported without an exception. */
  static final class LlmCallFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LlmCallFailed(String errorType, @Nullable String description) {
      super(description == null ? errorType : errorType + ": " + description, null, false, false);
    }
  }
}
