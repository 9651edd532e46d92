package dev.llmclient.testkit.simulator;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Decides which configured {@link Fault} fires on a request and builds it: a reply that replaces
 * the answer, a change to a normal answer's transport, or (for content faults) a kind the chat
 * endpoint applies while generating. Holds each fault's match and fire counts.
 */
final class FaultInjector {

  private static final class FaultState {
    final Fault fault;
    final AtomicLong matches = new AtomicLong();
    final AtomicLong fired = new AtomicLong();

    FaultState(Fault fault) {
      this.fault = fault;
    }
  }

  private final SimulatorConfig config;
  private final Random random;
  private final SimulatorCounters counters;
  private final RateLimitReplies rateLimits;
  private final List<FaultState> faults = new CopyOnWriteArrayList<>();

  FaultInjector(
      SimulatorConfig config,
      Random random,
      SimulatorCounters counters,
      RateLimitReplies rateLimits) {
    this.config = config;
    this.random = random;
    this.counters = counters;
    this.rateLimits = rateLimits;
  }

  /** Back to the builder's faults, with their counts at zero. */
  void reset() {
    faults.clear();
    config.faults().forEach(f -> faults.add(new FaultState(f)));
  }

  void add(Fault fault) {
    faults.add(new FaultState(fault));
  }

  void clear() {
    faults.clear();
  }

  /** The first fault that fires on this request, counted; or null. */
  @Nullable Fault pick(Route route) {
    for (FaultState s : faults) {
      Fault f = s.fault;
      if (!f.matches(route)
          || (isContentFault(f.kind())
              && route != Route.CHAT_COMPLETIONS
              && route != Route.BATCH_REQUEST)) {
        continue;
      }
      long n = s.matches.incrementAndGet();
      if (n % f.everyNthValue() != 0) {
        continue;
      }
      if (f.probability() < 1 && random.nextDouble() >= f.probability()) {
        continue;
      }
      if (s.fired.incrementAndGet() > f.timesValue()) {
        continue;
      }
      counters.fault(f.kind());
      return f;
    }
    return null;
  }

  private static boolean isContentFault(Fault.Kind kind) {
    return kind == Fault.Kind.EMPTY_CONTENT
        || kind == Fault.Kind.INVALID_AGAINST_SCHEMA
        || kind == Fault.Kind.REFUSAL;
  }

  /** Faults that replace the answer entirely; null for those applied to a normal answer. */
  @Nullable Reply replacement(Fault f, ApiStyle style, Route route, @Nullable String apiVersion) {
    long ttfb = config.latency().firstByteMillis(random);
    Reply r =
        switch (f.kind()) {
          case SERVER_ERROR_500 -> Reply.error(500, WireErrors.serverStatus(style, 500));
          case BAD_GATEWAY_502 -> Reply.error(502, WireErrors.serverStatus(style, 502));
          case SERVICE_UNAVAILABLE_503 -> Reply.error(503, WireErrors.serverStatus(style, 503));
          case GATEWAY_TIMEOUT_504 -> Reply.error(504, WireErrors.serverStatus(style, 504));
          case REQUEST_TIMEOUT_408 -> Reply.error(408, WireErrors.serverStatus(style, 408));
          case CONFLICT_409 -> Reply.error(409, WireErrors.conflict(style));
          case FORBIDDEN_403 -> {
            Reply x = Reply.error(403, WireErrors.forbidden(style));
            if (style != ApiStyle.OPENAI) {
              x.header("policy-id", "ThrowExceptionDueToTrafficDenied");
            }
            yield x;
          }
          case RATE_LIMITED_429 -> {
            long ms = Math.max(1, f.duration().toMillis());
            long seconds = (ms + 999) / 1000;
            Reply x =
                Reply.error(
                    429,
                    WireErrors.rateLimited(
                        style,
                        RateLimitReplies.operation(route),
                        apiVersion == null ? "v1" : apiVersion,
                        "the model",
                        false,
                        0,
                        seconds));
            rateLimits.retryHeaders(x, ms);
            yield x;
          }
          case RESET_BEFORE_HEADERS -> Reply.reset(ttfb);
          case NON_JSON_200 -> Reply.text(200, "text/plain; charset=utf-8", "OK");
          case HTML_GATEWAY_PAGE -> Reply.text(502, "text/html", WireErrors.HTML_GATEWAY);
          default -> null;
        };
    if (r != null && !r.resetBeforeHeaders) {
      r.headerDelayMillis = ttfb;
    }
    return r;
  }

  /** Applies a transport fault (delay, truncation, reset) to a normal answer. */
  static void applyTransportFault(Fault f, Reply reply) {
    switch (f.kind()) {
      case DELAYED_HEADERS -> reply.headerDelayMillis += f.duration().toMillis();
      case TRUNCATED_JSON -> keepFirstHalf(reply);
      case RESET_MID_BODY -> {
        if (!reply.streaming) {
          reply.declaredLength = reply.body().length;
        }
        keepFirstHalf(reply);
        reply.ending = Reply.Ending.RESET;
      }
      case STREAM_RESET_AFTER_EVENTS -> {
        if (reply.streaming) {
          keepEvents(reply, f.events());
        } else {
          reply.declaredLength = reply.body().length;
          keepFirstHalf(reply);
        }
        reply.ending = Reply.Ending.RESET;
      }
      case STREAM_STALL_AFTER_EVENTS -> {
        if (reply.streaming) {
          keepEvents(reply, f.events());
          // An empty piece after the stall: the exchange stays open, silent, for the duration.
          reply.chunks.add(new Reply.Chunk(new byte[0], Math.max(1, f.duration().toMillis())));
          reply.ending = Reply.Ending.RESET;
        }
      }
      default -> {
        // content faults were applied while generating
      }
    }
  }

  /** Keeps the first events of a stream. */
  private static void keepEvents(Reply reply, int events) {
    if (events < reply.chunks.size()) {
      reply.chunks.subList(events, reply.chunks.size()).clear();
    }
  }

  /** Cuts a body to its first half, or a stream to its first half of events (at least one). */
  private static void keepFirstHalf(Reply reply) {
    if (!reply.streaming) {
      byte[] body = reply.body();
      byte[] half = Arrays.copyOf(body, Math.max(1, body.length / 2));
      reply.chunks.clear();
      reply.chunks.add(new Reply.Chunk(half, 0));
    } else {
      int keep = Math.max(1, reply.chunks.size() / 2);
      reply.chunks.subList(keep, reply.chunks.size()).clear();
    }
  }
}
