package dev.llmclient.otel;

import dev.llmclient.api.spi.Span;
import dev.llmclient.api.spi.SpanKind;
import dev.llmclient.api.spi.SpanStatus;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * One llmclient span over one OpenTelemetry span. Remembers the GenAI attributes the metrics need,
 * holds captured content until the end (the finish reasons may arrive after the output), and guards
 * every OpenTelemetry call.
 */
final class OtelSpan implements Span {

  private static final String FINISH_REASONS = "gen_ai.response.finish_reasons";
  private static final String INPUT_TOKENS = "gen_ai.usage.input_tokens";
  private static final String OUTPUT_TOKENS = "gen_ai.usage.output_tokens";

  /**
   * Set by the core on a streamed attempt's CLIENT span, in seconds: recorded as {@code
   * gen_ai.client.operation.time_to_first_chunk} when the span ends.
   */
  static final String TIME_TO_FIRST_CHUNK = "gen_ai.response.time_to_first_chunk";

  /**
   * The event the core adds to a streamed attempt's span for each chunk after the first, with the
   * seconds since the previous chunk under {@link GenAiInstruments#TIME_PER_OUTPUT_CHUNK}: recorded
   * as that histogram, never added to the span.
   */
  static final String CHUNK_EVENT = "llmclient.stream.chunk";

  /** The attributes kept aside for metrics and for the output messages' finish reasons. */
  private static final Set<String> REMEMBERED =
      Set.of(
          GenAiInstruments.OPERATION_NAME.getKey(),
          GenAiInstruments.PROVIDER_NAME.getKey(),
          GenAiInstruments.REQUEST_MODEL.getKey(),
          GenAiInstruments.RESPONSE_MODEL.getKey(),
          GenAiInstruments.SERVER_ADDRESS.getKey(),
          GenAiInstruments.SERVER_PORT.getKey(),
          GenAiInstruments.ERROR_TYPE.getKey(),
          FINISH_REASONS,
          INPUT_TOKENS,
          OUTPUT_TOKENS,
          TIME_TO_FIRST_CHUNK);

  private static final TextMapSetter<Map<String, String>> MAP_SETTER =
      (carrier, key, value) -> {
        if (carrier != null) {
          carrier.put(key, value);
        }
      };

  private final OtelTracing tracing;
  private final GenAiInstruments instruments;
  private final SpanKind kind;
  private final io.opentelemetry.api.trace.Span span;
  private final Context context;
  private final long startNanos;
  private final Map<String, Object> remembered = new ConcurrentHashMap<>();
  private final AtomicBoolean ended = new AtomicBoolean();
  private volatile @Nullable Object inputMessages;
  private volatile @Nullable Object outputMessages;
  private volatile @Nullable Throwable exception;
  private volatile SpanStatus status = SpanStatus.UNSET;

  private OtelSpan(
      OtelTracing tracing,
      GenAiInstruments instruments,
      SpanKind kind,
      io.opentelemetry.api.trace.Span span,
      Context context,
      long startNanos) {
    this.tracing = tracing;
    this.instruments = instruments;
    this.kind = kind;
    this.span = span;
    this.context = context;
    this.startNanos = startNanos;
  }

  /** Starts an OpenTelemetry span under {@code parent}; exceptions are the caller's to guard. */
  static OtelSpan start(
      OtelTracing tracing,
      GenAiInstruments instruments,
      Context parent,
      String name,
      SpanKind kind) {
    long startNanos = tracing.nanoTime();
    io.opentelemetry.api.trace.Span span =
        instruments
            .tracer()
            .spanBuilder(name)
            .setParent(parent)
            .setSpanKind(otelKind(kind))
            .startSpan();
    return new OtelSpan(tracing, instruments, kind, span, parent.with(span), startNanos);
  }

  @Override
  public Span setAttribute(String key, @Nullable Object value) {
    if (key == null || value == null) {
      return this;
    }
    try {
      if (isContent(key)) {
        if (tracing.capturesMessageContent()) {
          // Serialised at end(), when the finish reasons are known; copied now, because the
          // caller may go on changing its list (a re-ask appends to the conversation).
          Object snapshot =
              value instanceof Collection<?> collection ? new ArrayList<>(collection) : value;
          if (key.equals(OtelTracing.INPUT_MESSAGES)) {
            inputMessages = snapshot;
          } else {
            outputMessages = snapshot;
          }
        }
        return this;
      }
      if (REMEMBERED.contains(key)) {
        remembered.put(key, value);
      }
      AttributesBuilder builder = Attributes.builder();
      AttributeValues.put(builder, key, value);
      span.setAllAttributes(builder.build());
    } catch (Throwable t) {
      rethrowIfFatal(t);
    }
    return this;
  }

  @Override
  public void addEvent(String name, Map<String, ?> attributes) {
    if (CHUNK_EVENT.equals(name)) {
      try {
        recordChunk(attributes);
      } catch (Throwable t) {
        rethrowIfFatal(t);
      }
      return;
    }
    try {
      span.addEvent(
          name,
          AttributeValues.of(
              attributes == null ? Map.of() : attributes,
              key -> isContent(key) && !tracing.capturesMessageContent()));
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
      span.recordException(exception);
    } catch (Throwable t) {
      rethrowIfFatal(t);
    }
  }

  @Override
  public void setStatus(SpanStatus status, @Nullable String description) {
    if (status == null) {
      return;
    }
    this.status = status;
    try {
      switch (status) {
        case OK -> span.setStatus(StatusCode.OK);
        case ERROR -> {
          if (description == null) {
            span.setStatus(StatusCode.ERROR);
          } else {
            span.setStatus(StatusCode.ERROR, description);
          }
        }
        case UNSET -> span.setStatus(StatusCode.UNSET);
      }
    } catch (Throwable t) {
      rethrowIfFatal(t);
    }
  }

  /**
   * Starts the child under this span's own context, not the current thread's: the attempt may run
   * later on a scheduler thread where something else, or nothing, is current.
   */
  @Override
  public Span startChild(String name, SpanKind kind) {
    try {
      return start(tracing, instruments, context, name, kind);
    } catch (Throwable t) {
      rethrowIfFatal(t);
      return Span.noop();
    }
  }

  @Override
  public Map<String, String> propagationHeaders() {
    try {
      Map<String, String> headers = new LinkedHashMap<>();
      instruments.propagator().inject(context, headers, MAP_SETTER);
      return Collections.unmodifiableMap(headers);
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
    long endNanos = tracing.nanoTime();
    String errorType = null;
    try {
      errorType = completeErrorType();
      writeContent(errorType != null);
    } catch (Throwable t) {
      rethrowIfFatal(t);
    }
    try {
      span.end();
    } catch (Throwable t) {
      rethrowIfFatal(t);
    }
    if (kind == SpanKind.CLIENT) {
      try {
        recordMetrics(errorType, (endNanos - startNanos) / 1e9);
      } catch (Throwable t) {
        rethrowIfFatal(t);
      }
    }
  }

  /**
   * The attempt's {@code error.type}, or null when it succeeded. A failure is a span with status
   * ERROR, an {@code error.type}, or an exception without status OK; when the client set no {@code
   * error.type}, the exception's class name (else {@code _OTHER}) is recorded, and a failed span
   * whose status was never set gets ERROR.
   */
  private @Nullable String completeErrorType() {
    Object given = remembered.get(GenAiInstruments.ERROR_TYPE.getKey());
    Throwable failure = exception;
    boolean failed =
        status == SpanStatus.ERROR || given != null || (failure != null && status != SpanStatus.OK);
    if (!failed) {
      return null;
    }
    String errorType = given != null ? String.valueOf(given) : null;
    if (errorType == null) {
      errorType = failure != null ? failure.getClass().getName() : "_OTHER";
      span.setAttribute(GenAiInstruments.ERROR_TYPE, errorType);
    }
    if (status == SpanStatus.UNSET) {
      span.setStatus(StatusCode.ERROR, errorType);
    }
    return errorType;
  }

  private void writeContent(boolean failed) {
    if (!tracing.capturesMessageContent()) {
      return;
    }
    int max = tracing.maxContentLength();
    Object input = inputMessages;
    if (input != null) {
      String json = MessageContent.inputMessages(input, max);
      if (json != null) {
        span.setAttribute(OtelTracing.INPUT_MESSAGES, json);
      }
    }
    Object output = outputMessages;
    if (output != null) {
      List<String> reasons = AttributeValues.asStrings(remembered.get(FINISH_REASONS));
      String json = MessageContent.outputMessages(output, reasons, failed ? "error" : "stop", max);
      if (json != null) {
        span.setAttribute(OtelTracing.OUTPUT_MESSAGES, json);
      }
    }
  }

  /** Records one chunk interval of a streamed attempt, when the span names its operation. */
  private void recordChunk(@Nullable Map<String, ?> attributes) {
    if (kind != SpanKind.CLIENT || attributes == null) {
      return;
    }
    Object seconds = attributes.get(GenAiInstruments.TIME_PER_OUTPUT_CHUNK);
    AttributesBuilder common = commonAttributes();
    if (common != null && seconds instanceof Number n) {
      instruments.recordChunk(common.build(), Math.max(0.0, n.doubleValue()), context);
    }
  }

  /** The metrics' shared attributes, or null when the span names no {@code gen_ai.operation}. */
  private @Nullable AttributesBuilder commonAttributes() {
    String operation =
        AttributeValues.asString(remembered.get(GenAiInstruments.OPERATION_NAME.getKey()));
    if (operation == null) {
      return null;
    }
    AttributesBuilder common = Attributes.builder().put(GenAiInstruments.OPERATION_NAME, operation);
    putString(common, GenAiInstruments.PROVIDER_NAME.getKey());
    putString(common, GenAiInstruments.REQUEST_MODEL.getKey());
    putString(common, GenAiInstruments.RESPONSE_MODEL.getKey());
    String address =
        AttributeValues.asString(remembered.get(GenAiInstruments.SERVER_ADDRESS.getKey()));
    if (address != null) {
      common.put(GenAiInstruments.SERVER_ADDRESS, address);
      Long port = AttributeValues.asLong(remembered.get(GenAiInstruments.SERVER_PORT.getKey()));
      if (port != null) {
        common.put(GenAiInstruments.SERVER_PORT, port);
      }
    }
    return common;
  }

  /**
   * Records the histograms for a CLIENT span that carries {@code gen_ai.operation.name}: duration
   * and token usage, and the time to the first chunk of a streamed attempt.
   */
  private void recordMetrics(@Nullable String errorType, double seconds) {
    AttributesBuilder common = commonAttributes();
    if (common == null) {
      return;
    }
    Object firstChunk = remembered.get(TIME_TO_FIRST_CHUNK);
    if (firstChunk instanceof Number n) {
      instruments.recordFirstChunk(common.build(), Math.max(0.0, n.doubleValue()), context);
    }
    instruments.record(
        common.build(),
        errorType,
        Math.max(0.0, seconds),
        AttributeValues.asLong(remembered.get(INPUT_TOKENS)),
        AttributeValues.asLong(remembered.get(OUTPUT_TOKENS)),
        context);
  }

  private void putString(AttributesBuilder builder, String key) {
    String value = AttributeValues.asString(remembered.get(key));
    if (value != null) {
      builder.put(key, value);
    }
  }

  private static boolean isContent(String key) {
    return key.equals(OtelTracing.INPUT_MESSAGES) || key.equals(OtelTracing.OUTPUT_MESSAGES);
  }

  private static io.opentelemetry.api.trace.SpanKind otelKind(SpanKind kind) {
    return kind == SpanKind.CLIENT
        ? io.opentelemetry.api.trace.SpanKind.CLIENT
        : io.opentelemetry.api.trace.SpanKind.INTERNAL;
  }

  /**
   * Lets only the JVM's own failures (out of memory, stack overflow) through; anything the SDK
   * throws is dropped, so tracing never breaks or changes a call.
   */
  static void rethrowIfFatal(Throwable t) {
    if (t instanceof VirtualMachineError error) {
      throw error;
    }
  }

  /** Names the span by its ids only; holds no content. */
  @Override
  public String toString() {
    try {
      return "OtelSpan[" + span.getSpanContext() + ", kind=" + kind + "]";
    } catch (Throwable t) {
      rethrowIfFatal(t);
      return "OtelSpan[kind=" + kind + "]";
    }
  }
}
