package dev.llmclient.micrometer;

import dev.llmclient.api.spi.Span;
import dev.llmclient.api.spi.SpanKind;
import dev.llmclient.api.spi.Tracer;
import io.micrometer.observation.ObservationRegistry;
import java.util.Objects;

/**
 * The llmclient {@link Tracer} over Micrometer's Observation API. Each LLM call is an observation
 * named as its span ({@code llmclient.llm.generate}, {@code llmclient.llm.embed}), and each HTTP
 * attempt a child observation named {@value #OPERATION_DURATION} whose contextual name (the span
 * name Micrometer Tracing uses) is {@code {operation} {model}}, e.g. {@code chat gpt-4o}.
 *
 * <p>Every observation carries the same low-cardinality tags, so every registry (Prometheus
 * included) accepts the meters: {@value #OPERATION_NAME}, {@value #PROVIDER_NAME}, {@value
 * #SYSTEM}, {@value #REQUEST_MODEL} and {@value #ERROR_TYPE}; a tag the call did not set reads
 * {@value #UNKNOWN}, and {@value #ERROR_TYPE} reads {@value #NO_ERROR} on success. Every other
 * attribute is a high-cardinality key value (on spans, never on meters). Prompts and completions
 * are never recorded.
 *
 * <pre>{@code
 * ObservationRegistry observations = ...;    // Spring Boot gives you one
 * LlmClient client = LlmClients.builder()
 *     .tracer(MicrometerTracing.create(observations))
 *     .build();
 * }</pre>
 *
 * Without a Spring-style registry, {@link MeterObservations#registry} builds one that records into
 * a {@code MeterRegistry}.
 *
 * <p>Nothing here throws into an LLM call: if a handler fails, the observation is lost and the call
 * goes on. Instances are immutable and thread-safe.
 */
public final class MicrometerTracing implements Tracer {

  /** The name of each attempt's observation, and so of its timer: {@value}. */
  public static final String OPERATION_DURATION = "gen_ai.client.operation.duration";

  /** The name of the token distribution {@link TokenUsageObservationHandler} records: {@value}. */
  public static final String TOKEN_USAGE = "gen_ai.client.token.usage";

  /** Low-cardinality tag: {@code chat} or {@code embeddings}. */
  public static final String OPERATION_NAME = "gen_ai.operation.name";

  /** Low-cardinality tag: the GenAI provider name, e.g. {@code openai}, {@code azure.ai.openai}. */
  public static final String PROVIDER_NAME = "gen_ai.provider.name";

  /**
   * Low-cardinality tag with the same value as {@value #PROVIDER_NAME}, under the name older
   * dashboards (GenAI conventions before 1.37) group by.
   */
  public static final String SYSTEM = "gen_ai.system";

  /** Low-cardinality tag: the model or deployment asked for. */
  public static final String REQUEST_MODEL = "gen_ai.request.model";

  /** Low-cardinality tag: the failure's class name, or {@value #NO_ERROR}. */
  public static final String ERROR_TYPE = "error.type";

  /** The value of a low-cardinality tag the call did not set: {@value}. */
  public static final String UNKNOWN = "unknown";

  /** The value of {@value #ERROR_TYPE} when the operation succeeded: {@value}. */
  public static final String NO_ERROR = "none";

  private final ObservationRegistry registry;

  private MicrometerTracing(ObservationRegistry registry) {
    this.registry = registry;
  }

  /**
   * A tracer that records into the given observation registry.
   *
   * @param registry the registry whose handlers make meters and spans of the observations
   * @return the tracer
   */
  public static MicrometerTracing create(ObservationRegistry registry) {
    return new MicrometerTracing(Objects.requireNonNull(registry, "registry"));
  }

  /**
   * Starts an observation whose parent is the registry's current observation, so an LLM call made
   * inside an observed request appears under it. Never throws.
   *
   * @param name the full span name, e.g. {@code llmclient.llm.generate}
   * @param kind the span's kind
   * @return the started span
   */
  @Override
  public Span startSpan(String name, SpanKind kind) {
    return MicrometerSpan.start(registry, name, kind, null);
  }

  /**
   * The registry observations go to.
   *
   * @return the registry
   */
  public ObservationRegistry registry() {
    return registry;
  }

  @Override
  public String toString() {
    return "MicrometerTracing[" + registry.getClass().getSimpleName() + "]";
  }
}
