package dev.llmclient.testkit.simulator;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A failure the simulator injects instead of (or into) a normal answer, with the rule that decides
 * when it fires. Immutable; the {@code with...}/rule methods return copies.
 *
 * <p>A fault fires on requests that passed authentication and routing, before validation and rate
 * limiting. By default it fires on every matching request; narrow it with {@link #everyNth(int)},
 * {@link #withProbability(double)} (drawn from the simulator's seeded random source), {@link
 * #times(int)} and {@link #onRoutes(Route...)}. When several faults match, the first added wins.
 *
 * <pre>{@code
 * sim.addFault(Fault.status(503).times(2));              // the first two calls fail
 * sim.addFault(Fault.rateLimited(Duration.ofSeconds(3)).everyNth(5));
 * sim.addFault(Fault.resetMidBody().withProbability(0.1));
 * }</pre>
 */
public final class Fault {

  /** What goes wrong. */
  public enum Kind {
    /** HTTP 500 with the service's error body. */
    SERVER_ERROR_500,
    /** HTTP 502 with a JSON error body. */
    BAD_GATEWAY_502,
    /** HTTP 503 with the service's error body. */
    SERVICE_UNAVAILABLE_503,
    /** HTTP 504 with the service's error body. */
    GATEWAY_TIMEOUT_504,
    /** HTTP 408 with the service's error body. */
    REQUEST_TIMEOUT_408,
    /**
     * HTTP 409 in the service's error envelope ({@code conflict}); clients such as openai-java
     * retry it.
     */
    CONFLICT_409,
    /**
     * HTTP 403: Azure's {@code {"error":{"code":"403","message":"Access denied due to Virtual
     * Network/Firewall rules."}}} with {@code policy-id: ThrowExceptionDueToTrafficDenied}, or
     * OpenAI's {@code unsupported_country_region_territory} ({@code type: request_forbidden}).
     */
    FORBIDDEN_403,
    /**
     * HTTP 429 with {@code Retry-After} of the fault's wait (seconds, or an HTTP date with {@code
     * retryAfterHttpDate}), plus {@code retry-after-ms} / {@code x-ms-retry-after-ms} when the
     * builder asks for them.
     */
    RATE_LIMITED_429,
    /**
     * The TCP connection is reset (RST) before any response byte. Over h2c this resets the whole
     * connection, so every stream on it fails, as when a proxy crashes.
     */
    RESET_BEFORE_HEADERS,
    /**
     * Headers and half of the body are sent, then the connection is reset (over h2c: the whole
     * connection, as for {@link #RESET_BEFORE_HEADERS}).
     */
    RESET_MID_BODY,
    /** The headers come only after the fault's delay (longer than a client's timeout). */
    DELAYED_HEADERS,
    /** HTTP 200 whose JSON body is cut in half (with a matching Content-Length). */
    TRUNCATED_JSON,
    /** HTTP 200 with a body that is not JSON. */
    NON_JSON_200,
    /** HTTP 502 with an HTML page from a gateway, as proxies answer. */
    HTML_GATEWAY_PAGE,
    /** HTTP 200 whose message content is the empty string. */
    EMPTY_CONTENT,
    /** HTTP 200 whose content is JSON that violates the request's schema. */
    INVALID_AGAINST_SCHEMA,
    /** HTTP 200 whose message carries a refusal instead of content. */
    REFUSAL,
    /**
     * A streamed answer is cut after {@link Fault#events()} events (5 unless set): the connection
     * is reset, without {@code [DONE]}. Plain answers are reset mid-body.
     */
    STREAM_RESET_AFTER_EVENTS,
    /**
     * A streamed answer stops after {@link Fault#events()} events (5 unless set) and sends nothing
     * more for the fault's duration (60 s unless set), past a client's idle timeout. Plain answers
     * are unaffected.
     */
    STREAM_STALL_AFTER_EVENTS
  }

  private static final Set<Integer> STATUSES = Set.of(403, 408, 409, 500, 502, 503, 504);

  private final Kind kind;
  private final Duration duration;
  private final double probability;
  private final int everyNth;
  private final int times;
  private final @Nullable Set<Route> routes;
  private final int events;

  private Fault(
      Kind kind,
      Duration duration,
      double probability,
      int everyNth,
      int times,
      @Nullable Set<Route> routes) {
    this(kind, duration, probability, everyNth, times, routes, 5);
  }

  private Fault(
      Kind kind,
      Duration duration,
      double probability,
      int everyNth,
      int times,
      @Nullable Set<Route> routes,
      int events) {
    this.events = events;
    this.kind = kind;
    this.duration = duration;
    this.probability = probability;
    this.everyNth = everyNth;
    this.times = times;
    this.routes = routes;
  }

  /**
   * A fault of a kind that needs no duration.
   *
   * @param kind the kind; {@link Kind#RATE_LIMITED_429} gets a 1 s wait and {@link
   *     Kind#DELAYED_HEADERS} a 30 s delay
   * @return the fault, firing on every matching request
   */
  public static Fault of(Kind kind) {
    Objects.requireNonNull(kind, "kind");
    Duration d =
        switch (kind) {
          case RATE_LIMITED_429 -> Duration.ofSeconds(1);
          case DELAYED_HEADERS -> Duration.ofSeconds(30);
          case STREAM_STALL_AFTER_EVENTS -> Duration.ofSeconds(60);
          default -> Duration.ZERO;
        };
    return new Fault(kind, d, 1.0, 1, Integer.MAX_VALUE, null);
  }

  /**
   * An HTTP error status with the service's body.
   *
   * @param status 403, 408, 409, 500, 502, 503 or 504
   * @return the fault
   * @throws IllegalArgumentException for another status (use {@link #rateLimited} for 429)
   */
  public static Fault status(int status) {
    return of(
        switch (status) {
          case 403 -> Kind.FORBIDDEN_403;
          case 408 -> Kind.REQUEST_TIMEOUT_408;
          case 409 -> Kind.CONFLICT_409;
          case 500 -> Kind.SERVER_ERROR_500;
          case 502 -> Kind.BAD_GATEWAY_502;
          case 503 -> Kind.SERVICE_UNAVAILABLE_503;
          case 504 -> Kind.GATEWAY_TIMEOUT_504;
          default ->
              throw new IllegalArgumentException(
                  "status faults are " + STATUSES + "; use Fault.rateLimited(wait) for 429");
        });
  }

  /**
   * HTTP 429 asking the client to wait.
   *
   * @param wait sent as {@code Retry-After} (whole seconds, rounded up) and {@code retry-after-ms}
   * @return the fault
   */
  public static Fault rateLimited(Duration wait) {
    return of(Kind.RATE_LIMITED_429).withDuration(wait);
  }

  /**
   * A connection reset before any response byte.
   *
   * @return the fault
   */
  public static Fault resetBeforeHeaders() {
    return of(Kind.RESET_BEFORE_HEADERS);
  }

  /**
   * A connection reset after the headers and part of the body: the reset comes about 200 ms after
   * the part is written, so that the client has read it.
   *
   * @return the fault
   */
  public static Fault resetMidBody() {
    return of(Kind.RESET_MID_BODY);
  }

  /**
   * Headers sent only after a delay, then the normal answer.
   *
   * @param delay how long the headers are held; make it longer than the client's timeout
   * @return the fault
   */
  public static Fault delayedHeaders(Duration delay) {
    return of(Kind.DELAYED_HEADERS).withDuration(delay);
  }

  /**
   * Reads a fault from its command-line form, {@code KIND[:PROBABILITY]}: a {@link Kind} name in
   * any case, optionally followed by the probability it fires with (default 1). Both {@code llm
   * simulate --faults} and {@link SimulatorMain}'s {@code --fault} take this form.
   *
   * <pre>{@code
   * Fault.parse("SERVICE_UNAVAILABLE_503");      // every request
   * Fault.parse("rate_limited_429:0.1");         // one request in ten, on average
   * }</pre>
   *
   * @param spec the fault, e.g. {@code SERVER_ERROR_500:0.05}
   * @return the fault, with the kind's default duration
   * @throws IllegalArgumentException naming the unknown kind and listing the known ones, or saying
   *     the probability must be a number between 0 and 1
   */
  public static Fault parse(String spec) {
    Objects.requireNonNull(spec, "spec");
    String[] parts = spec.trim().split(":", 2);
    String name = parts[0].trim();
    Kind kind;
    try {
      kind = Kind.valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown kind '" + name + "'; use one of " + Arrays.toString(Kind.values()), e);
    }
    Fault f = of(kind);
    if (parts.length == 1) {
      return f;
    }
    try {
      return f.withProbability(Double.parseDouble(parts[1].trim()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "probability of " + name + " must be between 0 and 1, got '" + parts[1] + "'", e);
    }
  }

  private Fault withDuration(Duration d) {
    Objects.requireNonNull(d, "duration");
    if (d.isNegative()) {
      throw new IllegalArgumentException("duration must not be negative, got " + d);
    }
    return new Fault(kind, d, probability, everyNth, times, routes, events);
  }

  /**
   * A copy that fires on each matching request with this probability.
   *
   * @param p from 0 (never) to 1 (always)
   * @return the copy
   */
  public Fault withProbability(double p) {
    if (!(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException("probability must be between 0 and 1, got " + p);
    }
    return new Fault(kind, duration, p, everyNth, times, routes, events);
  }

  /**
   * A copy that fires on the n-th, 2n-th, ... matching request only.
   *
   * @param n the period, at least 1
   * @return the copy
   */
  public Fault everyNth(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("everyNth must be >= 1, got " + n);
    }
    return new Fault(kind, duration, probability, n, times, routes, events);
  }

  /**
   * A copy that fires at most this many times, then never again.
   *
   * @param count the most firings, at least 1
   * @return the copy
   */
  public Fault times(int count) {
    if (count < 1) {
      throw new IllegalArgumentException("times must be >= 1, got " + count);
    }
    return new Fault(kind, duration, probability, everyNth, count, routes, events);
  }

  /**
   * A copy that only matches these routes (by default it matches chat completions and embeddings).
   *
   * @param onlyRoutes the routes
   * @return the copy
   */
  public Fault onRoutes(Route... onlyRoutes) {
    return new Fault(kind, duration, probability, everyNth, times, Set.of(onlyRoutes), events);
  }

  /**
   * A streamed answer reset after this many events.
   *
   * @param events how many events arrive first, at least 0
   * @return the fault, firing on every matching request
   */
  public static Fault resetAfterEvents(int events) {
    return of(Kind.STREAM_RESET_AFTER_EVENTS).withEvents(events);
  }

  /**
   * A streamed answer that stalls after this many events.
   *
   * @param events how many events arrive first, at least 0
   * @param stall how long nothing more is sent
   * @return the fault, firing on every matching request
   */
  public static Fault stallAfterEvents(int events, Duration stall) {
    return of(Kind.STREAM_STALL_AFTER_EVENTS).withEvents(events).withDuration(stall);
  }

  private Fault withEvents(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("events must be >= 0, got " + n);
    }
    return new Fault(kind, duration, probability, everyNth, times, routes, n);
  }

  /**
   * How many events a streamed answer sends before a stream fault.
   *
   * @return the count
   */
  public int events() {
    return events;
  }

  /**
   * What goes wrong.
   *
   * @return the kind
   */
  public Kind kind() {
    return kind;
  }

  /**
   * The wait of a 429 or the delay of delayed headers; zero for other kinds.
   *
   * @return the duration
   */
  public Duration duration() {
    return duration;
  }

  double probability() {
    return probability;
  }

  int everyNthValue() {
    return everyNth;
  }

  int timesValue() {
    return times;
  }

  boolean matches(Route route) {
    if (routes == null) {
      return route == Route.CHAT_COMPLETIONS || route == Route.EMBEDDINGS;
    }
    return routes.contains(route);
  }

  /** Shows the kind and the rule. */
  @Override
  public String toString() {
    return "Fault["
        + kind
        + (duration.isZero() ? "" : ", duration=" + duration)
        + (probability < 1 ? ", probability=" + probability : "")
        + (everyNth > 1 ? ", everyNth=" + everyNth : "")
        + (times < Integer.MAX_VALUE ? ", times=" + times : "")
        + (routes == null ? "" : ", routes=" + routes)
        + (kind == Kind.STREAM_RESET_AFTER_EVENTS || kind == Kind.STREAM_STALL_AFTER_EVENTS
            ? ", events=" + events
            : "")
        + "]";
  }
}
