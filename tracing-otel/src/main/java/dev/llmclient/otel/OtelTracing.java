package dev.llmclient.otel;

import dev.llmclient.api.spi.Span;
import dev.llmclient.api.spi.SpanKind;
import dev.llmclient.api.spi.Tracer;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.context.Context;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The llmclient {@link Tracer} over OpenTelemetry: each LLM call becomes a {@code
 * llmclient.llm.generate} span with one CLIENT child per HTTP attempt ({@code chat gpt-4o}, {@code
 * embeddings text-embedding-3-small}) carrying the GenAI semantic-convention attributes, and every
 * attempt records the {@code gen_ai.client.operation.duration} and {@code
 * gen_ai.client.token.usage} histograms.
 *
 * <p>You rarely need this class: with {@code tracing-otel} on the classpath and no tracer set on
 * the client builder, the client traces with {@link GlobalOpenTelemetry} through {@link
 * OtelTracerProvider}. Wire it explicitly when your application owns an {@link OpenTelemetry}
 * instance that is not the global one:
 *
 * <pre>{@code
 * OpenTelemetry otel = ...;                  // your SDK, e.g. from autoconfigure
 * LlmClient client = LlmClients.builder()
 *     .tracer(OtelTracing.create(otel))
 *     .build();
 * }</pre>
 *
 * <h2>Span names and the prefix</h2>
 *
 * The span prefix is one value, set in one place: either on the client builder or, for applications
 * that configure tracing in one place, with {@link Builder#spanPrefix(String)} here. A client built
 * with this tracer takes the tracer's prefix ({@code myapp.llm.generate}); a different prefix on
 * the client builder as well fails the build instead of one silently winning. Without either, spans
 * are called {@code llmclient.llm.generate}. CLIENT child names follow the conventions ({@code
 * {operation} {model}}) and carry no prefix.
 *
 * <h2>Message content</h2>
 *
 * Prompts and completions are not recorded unless you opt in with {@link
 * Builder#captureMessageContent(boolean)} (or the setting {@value #CAPTURE_CONTENT_SETTING}). When
 * on, the values the client sets under {@value #INPUT_MESSAGES} and {@value #OUTPUT_MESSAGES} are
 * written as the JSON the conventions define, each message's text cut to {@link
 * Builder#maxContentLength(int)} characters; when off, those values are dropped unread.
 *
 * <h2>Failures</h2>
 *
 * Nothing here throws into an LLM call: if the OpenTelemetry SDK fails, the span or metric is lost
 * and the call goes on unchanged. On a failed attempt without an {@code error.type}, the
 * exception's class name (or {@code _OTHER}) is recorded as {@code error.type}, on the span and on
 * the duration metric.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class OtelTracing implements Tracer {

  /** The span prefix the client uses unless told otherwise: {@value}. */
  public static final String DEFAULT_SPAN_PREFIX = "llmclient";

  /** The instrumentation scope name of every span and metric this tracer records: {@value}. */
  public static final String INSTRUMENTATION_SCOPE = "dev.llmclient";

  /**
   * The span attribute under which the client passes the messages it sends: {@value}. The value is
   * a {@link dev.llmclient.api.Message}, a collection of them, or a {@code String} (one user
   * message). Kept only when content capture is on.
   */
  public static final String INPUT_MESSAGES = "gen_ai.input.messages";

  /**
   * The span attribute under which the client passes what the model answered: {@value}. The value
   * is a {@code String} (the assistant's text), a {@link dev.llmclient.api.Message}, or a
   * collection of either, one per choice. Kept only when content capture is on; each message's
   * {@code finish_reason} comes from {@code gen_ai.response.finish_reasons}.
   */
  public static final String OUTPUT_MESSAGES = "gen_ai.output.messages";

  /**
   * The setting (or environment variable) that turns content capture on for the tracer found on the
   * classpath: {@value}, {@code true} or {@code false} (default). The name is the one other
   * OpenTelemetry GenAI instrumentations read.
   */
  public static final String CAPTURE_CONTENT_SETTING =
      "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT";

  /**
   * The setting (or environment variable) that limits each captured message's text, in characters,
   * for the tracer found on the classpath: {@value}.
   */
  public static final String CONTENT_MAX_LENGTH_SETTING = "LLM_TRACE_CONTENT_MAX_LENGTH";

  /** How many characters of each message's text are kept when capture is on: {@value}. */
  public static final int DEFAULT_MAX_CONTENT_LENGTH = 4096;

  private final Supplier<OpenTelemetry> source;
  private final @Nullable String spanPrefix;
  private final boolean captureMessageContent;
  private final int maxContentLength;
  private final LongSupplier nanoClock;
  private volatile @Nullable GenAiInstruments instruments;

  private OtelTracing(Builder builder) {
    this.source = builder.source;
    this.spanPrefix = builder.spanPrefix;
    this.captureMessageContent = builder.captureMessageContent;
    this.maxContentLength = builder.maxContentLength;
    this.nanoClock = builder.nanoClock;
  }

  /**
   * A tracer over the given OpenTelemetry instance, with the defaults: prefix {@value
   * #DEFAULT_SPAN_PREFIX}, no message content.
   *
   * @param openTelemetry where spans and metrics go
   * @return the tracer
   */
  public static OtelTracing create(OpenTelemetry openTelemetry) {
    return builder(openTelemetry).build();
  }

  /**
   * Starts configuring a tracer over the given OpenTelemetry instance.
   *
   * @param openTelemetry where spans and metrics go
   * @return a new builder
   */
  public static Builder builder(OpenTelemetry openTelemetry) {
    Objects.requireNonNull(openTelemetry, "openTelemetry");
    return new Builder(() -> openTelemetry);
  }

  /**
   * Starts configuring a tracer over {@link GlobalOpenTelemetry}, read when a span starts rather
   * than now, so a global instance that your application (or the Java agent) installs after the
   * client is built is still used. As OpenTelemetry itself requires, install it before the first
   * LLM call: reading the global before it is set fixes it to a no-op.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder(GlobalOpenTelemetry::get);
  }

  /**
   * Starts a span whose parent is the calling thread's current OpenTelemetry context, so the LLM
   * call appears under whatever your code was doing when it called {@code generate} or {@code
   * generateAsync}. Never throws: if OpenTelemetry fails, a span that records nothing is returned.
   *
   * @param name the full span name, e.g. {@code llmclient.llm.generate}
   * @param kind the span's kind
   * @return the started span
   */
  @Override
  public Span startSpan(String name, SpanKind kind) {
    try {
      Context parent = Context.current();
      return OtelSpan.start(this, instruments(), parent, name, kind);
    } catch (Throwable t) {
      OtelSpan.rethrowIfFatal(t);
      return Span.noop();
    }
  }

  /**
   * The span prefix set with {@link Builder#spanPrefix(String)}, which clients built with this
   * tracer use.
   *
   * @return the prefix without a trailing dot, or empty when the client names the spans
   */
  @Override
  public Optional<String> spanPrefix() {
    return Optional.ofNullable(spanPrefix);
  }

  /**
   * Whether prompts and completions are recorded.
   *
   * @return true when content capture is on
   */
  public boolean capturesMessageContent() {
    return captureMessageContent;
  }

  /**
   * How many characters of each message's text are kept when content capture is on.
   *
   * @return the limit
   */
  public int maxContentLength() {
    return maxContentLength;
  }

  long nanoTime() {
    return nanoClock.getAsLong();
  }

  private GenAiInstruments instruments() {
    OpenTelemetry openTelemetry = source.get();
    GenAiInstruments current = instruments;
    if (current == null || current.openTelemetry() != openTelemetry) {
      // Rebuilt only when the instance changes (e.g. the global is installed after the client).
      current = new GenAiInstruments(openTelemetry);
      instruments = current;
    }
    return current;
  }

  /** Shows the settings; holds no secrets. */
  @Override
  public String toString() {
    return "OtelTracing[spanPrefix="
        + (spanPrefix != null ? spanPrefix : "(the client's)")
        + ", captureMessageContent="
        + captureMessageContent
        + ", maxContentLength="
        + maxContentLength
        + "]";
  }

  /**
   * Configures an {@link OtelTracing}. Not thread-safe; the built tracer is.
   *
   * <pre>{@code
   * Tracer tracer = OtelTracing.builder(otel)
   *     .spanPrefix("myapp")
   *     .captureMessageContent(true)      // pre-production only: prompts are often personal data
   *     .maxContentLength(1000)
   *     .build();
   * }</pre>
   */
  public static final class Builder {
    private final Supplier<OpenTelemetry> source;
    private @Nullable String spanPrefix;
    private boolean captureMessageContent;
    private int maxContentLength = DEFAULT_MAX_CONTENT_LENGTH;
    private LongSupplier nanoClock = System::nanoTime;

    Builder(Supplier<OpenTelemetry> source) {
      this.source = source;
    }

    /**
     * Sets the span prefix that clients built with this tracer use (otherwise the client's, by
     * default {@value OtelTracing#DEFAULT_SPAN_PREFIX}); trailing dots are dropped, so {@code
     * "myapp."} and {@code "myapp"} both give {@code myapp.llm.generate}. A different prefix on the
     * client builder fails that client's build; see the class documentation.
     *
     * @param spanPrefix the prefix, e.g. {@code myapp}
     * @return this builder
     * @throws IllegalArgumentException if the prefix is blank or only dots
     */
    public Builder spanPrefix(String spanPrefix) {
      Objects.requireNonNull(spanPrefix, "spanPrefix");
      String trimmed = spanPrefix.strip();
      while (trimmed.endsWith(".")) {
        trimmed = trimmed.substring(0, trimmed.length() - 1);
      }
      if (trimmed.isEmpty()) {
        throw new IllegalArgumentException(
            "spanPrefix must name something, e.g. \"myapp\"; got '"
                + spanPrefix
                + "'. Leave it unset for the default \""
                + DEFAULT_SPAN_PREFIX
                + "\".");
      }
      this.spanPrefix = trimmed;
      return this;
    }

    /**
     * Records prompts and completions as {@code gen_ai.input.messages} and {@code
     * gen_ai.output.messages}. Off by default: they often hold personal data and are large.
     *
     * @param captureMessageContent true to record them
     * @return this builder
     */
    public Builder captureMessageContent(boolean captureMessageContent) {
      this.captureMessageContent = captureMessageContent;
      return this;
    }

    /**
     * Limits each captured message's text, default {@value OtelTracing#DEFAULT_MAX_CONTENT_LENGTH}
     * characters; longer text is cut and marked {@code …[truncated]}, and the JSON around it stays
     * whole. Zero keeps only the structure (roles, finish reasons).
     *
     * @param maxContentLength the limit in characters, zero or more
     * @return this builder
     * @throws IllegalArgumentException if the limit is negative
     */
    public Builder maxContentLength(int maxContentLength) {
      if (maxContentLength < 0) {
        throw new IllegalArgumentException(
            "maxContentLength must be 0 or more characters (0 keeps roles only), got "
                + maxContentLength);
      }
      this.maxContentLength = maxContentLength;
      return this;
    }

    /** For tests: the monotonic clock, in nanoseconds, that attempt durations are measured on. */
    Builder nanoClock(LongSupplier nanoClock) {
      this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
      return this;
    }

    /**
     * Builds the tracer.
     *
     * @return the tracer
     */
    public OtelTracing build() {
      return new OtelTracing(this);
    }
  }
}
