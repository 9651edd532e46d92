package dev.llmclient.core.internal.chat;

import dev.llmclient.api.ErrorContext;
import dev.llmclient.api.LlmConnectionException;
import dev.llmclient.api.LlmException;
import dev.llmclient.api.LlmTimeoutException;
import dev.llmclient.api.StreamEvent;
import dev.llmclient.api.TokenLogprob;
import dev.llmclient.api.ToolCall;
import dev.llmclient.api.Usage;
import dev.llmclient.api.spi.ChatChunk;
import dev.llmclient.api.spi.ChatCompletion;
import dev.llmclient.api.spi.RateLimitInfo;
import dev.llmclient.core.internal.runtime.SafeSpan;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Carries one streamed call's events from the backend's chunk streams (one per attempt) to the one
 * consumer, and assembles each attempt's chunks into the {@link ChatCompletion} that {@link
 * GenerateCall} checks like a plain answer.
 *
 * <p>Demand passes through: the backend is asked for chunks only while the consumer has unmet
 * demand and nothing is queued, so a slow consumer stops the socket read. A chunk yields zero or
 * more events (a usage-only chunk yields none, a chunk with text and a tool call yields two), so
 * the queue holds at most the events of the chunks already requested. Signals to the consumer are
 * serial (one drain loop at a time) and never made under the lock.
 */
final class StreamRelay implements Flow.Subscription {

  /** The event of each chunk after the first, carrying the time since the previous one. */
  static final String CHUNK_EVENT = "llmclient.stream.chunk";

  /** Outstanding demand above this counts as unbounded (Long.MAX_VALUE, less the chunks since). */
  private static final long UNBOUNDED = Long.MAX_VALUE / 2;

  private final Object lock = new Object();
  private final ArrayDeque<StreamEvent> queue = new ArrayDeque<>();
  private final Runnable onCancel;

  private Flow.@Nullable Subscriber<? super StreamEvent> subscriber;
  private boolean claimed;
  private long demand;
  private boolean cancelled;
  private boolean terminal;
  private @Nullable Throwable failure;
  private boolean delivered;
  private boolean draining;
  private boolean again;
  private @Nullable Attempt current;

  /**
   * A relay whose consumer is attached later.
   *
   * @param onCancel what to do when the consumer cancels: fail the call, which aborts the exchange
   */
  StreamRelay(Runnable onCancel) {
    this.onCancel = onCancel;
  }

  // ---- the consumer side -------------------------------------------------------------------

  /**
   * Attaches the one consumer and gives it this subscription.
   *
   * @param s the consumer
   * @return false when the events are already claimed (another consumer, or {@link #discard})
   */
  boolean attach(Flow.Subscriber<? super StreamEvent> s) {
    synchronized (lock) {
      if (claimed) {
        return false;
      }
      claimed = true;
      subscriber = s;
    }
    s.onSubscribe(this);
    drain();
    return true;
  }

  /** No consumer will come: events are dropped as they arrive, the backend read at full speed. */
  void discard() {
    synchronized (lock) {
      claimed = true;
    }
    drain();
  }

  /**
   * Whether a consumer was attached or the events are discarded.
   *
   * @return true once claimed
   */
  boolean claimed() {
    synchronized (lock) {
      return claimed;
    }
  }

  @Override
  public void request(long n) {
    if (n <= 0) {
      synchronized (lock) {
        if (terminal) {
          return;
        }
        terminal = true;
        failure =
            new IllegalArgumentException("request(" + n + "): demand must be positive (rule 3.9)");
      }
      onCancel.run();
      drain();
      return;
    }
    synchronized (lock) {
      demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
    }
    drain();
  }

  @Override
  public void cancel() {
    synchronized (lock) {
      if (cancelled) {
        return;
      }
      cancelled = true;
      queue.clear();
    }
    onCancel.run();
  }

  // ---- the call's side ---------------------------------------------------------------------

  /**
   * Starts one attempt: subscribes to the backend's chunk stream.
   *
   * @param chunks the backend's publisher for this attempt
   * @param span the attempt's span, for the time to the first chunk
   * @param nanoTime the clock of that measurement
   * @return the attempt's assembled completion, or its failure; cancelling it aborts the exchange
   */
  CompletableFuture<ChatCompletion> open(
      Flow.Publisher<ChatChunk> chunks, SafeSpan span, LongSupplier nanoTime) {
    Attempt attempt = new Attempt(span, nanoTime);
    synchronized (lock) {
      current = attempt;
    }
    chunks.subscribe(attempt);
    return attempt.future;
  }

  /**
   * Whether the current attempt has given the consumer an event: it must not be retried then.
   *
   * @return true after the first event of the attempt
   */
  boolean attemptHadEvents() {
    synchronized (lock) {
      return current != null && current.events > 0;
    }
  }

  /**
   * What the current attempt received, for the message of its failure.
   *
   * @return e.g. {@code "5 event(s) and 40 characters of text"}
   */
  String receivedSoFar() {
    synchronized (lock) {
      Attempt a = current;
      return (a == null ? 0 : a.events)
          + " event(s) and "
          + (a == null ? 0 : a.text.length())
          + " characters of text";
    }
  }

  /** A stream that broke after the consumer got part of it: typed, saying what arrived. */
  LlmException broken(Throwable error, String providerId) {
    String received = receivedSoFar();
    Throwable cause = error;
    while (cause != null && !(cause instanceof LlmTimeoutException)) {
      cause = cause.getCause() == cause ? null : cause.getCause();
    }
    ErrorContext context =
        error instanceof LlmException e ? e.context() : ErrorContext.provider(providerId);
    if (cause != null) {
      return new LlmTimeoutException(
          "The stream stalled after "
              + received
              + ": the server sent nothing within the response timeout, so the answer is"
              + " incomplete. Call again, or raise the provider's response timeout"
              + " (LLM_HTTP_RESPONSE_TIMEOUT)",
          context,
          error);
    }
    if (error instanceof LlmException e) {
      return e; // the backend's message already says how much arrived; not retried after events
    }
    return new LlmConnectionException(
        "The stream broke after "
            + received
            + ": "
            + error
            + ". The answer is incomplete; call"
            + " again.",
        context,
        error);
  }

  /**
   * The usage the current attempt reported before it broke, if any.
   *
   * @return the usage, or null
   */
  @Nullable Usage partialUsage() {
    synchronized (lock) {
      return current == null ? null : current.usage;
    }
  }

  /**
   * Queues an event made by the call itself: a {@link StreamEvent.Restart}, a cached answer's text.
   *
   * @param event the event
   */
  void emit(StreamEvent event) {
    synchronized (lock) {
      if (terminal) {
        return;
      }
      queue.add(event);
    }
    drain();
  }

  /**
   * Ends the events: {@code onComplete} after the queued ones, or {@code onError}.
   *
   * @param error the call's failure, or null when it answered
   */
  void end(@Nullable Throwable error) {
    synchronized (lock) {
      if (terminal) {
        return;
      }
      terminal = true;
      failure = error;
    }
    drain();
  }

  // ---- the drain loop ----------------------------------------------------------------------

  private void drain() {
    synchronized (lock) {
      if (draining) {
        again = true;
        return;
      }
      draining = true;
    }
    while (true) {
      StreamEvent next = null;
      Throwable error = null;
      boolean complete = false;
      Flow.Subscription upstream = null;
      long more = 0;
      Flow.Subscriber<? super StreamEvent> s;
      synchronized (lock) {
        s = subscriber;
        boolean discarding = claimed && s == null;
        if (cancelled || delivered) {
          queue.clear();
          draining = false;
          return;
        }
        if (!queue.isEmpty() && (discarding || demand > 0)) {
          next = queue.poll();
          if (!discarding && demand != Long.MAX_VALUE) {
            demand--;
          }
        } else if (terminal && (queue.isEmpty() || failure != null)) {
          // a failure does not wait for demand: the consumer learns of it even when it stopped
          // asking
          queue.clear();
          delivered = true;
          error = failure;
          complete = error == null;
        } else if (queue.isEmpty() && claimed && !terminal) {
          Attempt a = current;
          long want = discarding ? Long.MAX_VALUE : demand;
          // unbounded demand is passed on once, not topped up after every chunk
          boolean unbounded = want == Long.MAX_VALUE && a != null && a.outstanding > UNBOUNDED;
          if (a != null
              && a.subscription != null
              && !a.finished
              && !unbounded
              && want > a.outstanding) {
            more = want - a.outstanding;
            a.outstanding = want;
            upstream = a.subscription;
          }
        }
        if (next == null && error == null && !complete && upstream == null) {
          if (again) {
            again = false;
            continue;
          }
          draining = false;
          return;
        }
      }
      if (next != null) {
        if (s != null) {
          s.onNext(next);
        }
      } else if (upstream != null) {
        upstream.request(more);
      } else if (s != null) {
        if (error != null) {
          s.onError(error);
        } else {
          s.onComplete();
        }
      }
    }
  }

  // ---- one attempt -------------------------------------------------------------------------

  /** One subscription to the backend: the chunks of one attempt, assembled. */
  private final class Attempt implements Flow.Subscriber<ChatChunk> {
    final CompletableFuture<ChatCompletion> future = new CompletableFuture<>();
    final SafeSpan span;
    final LongSupplier nanoTime;
    final long started;
    long last;
    final StringBuilder text = new StringBuilder();
    final List<TokenLogprob> logprobs = new ArrayList<>();
    final TreeMap<Integer, PendingCall> calls = new TreeMap<>();
    @Nullable StringBuilder refusal;
    @Nullable String finishReason;
    @Nullable Usage usage;
    @Nullable String model;
    @Nullable String id;
    @Nullable String requestId;
    @Nullable RateLimitInfo rateLimit;
    Flow.@Nullable Subscription subscription;
    long outstanding;
    int events;
    boolean firstChunk = true;
    boolean finished;

    Attempt(SafeSpan span, LongSupplier nanoTime) {
      this.span = span;
      this.nanoTime = nanoTime;
      this.started = nanoTime.getAsLong();
      future.whenComplete(
          (c, e) -> {
            if (future.isCancelled()) {
              Flow.Subscription sub;
              synchronized (lock) {
                finished = true;
                sub = subscription;
              }
              if (sub != null) {
                sub.cancel();
              }
            }
          });
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      boolean stale;
      synchronized (lock) {
        stale = current != this || finished || cancelled || future.isDone();
        if (!stale) {
          subscription = s;
        }
      }
      if (stale) {
        s.cancel();
        return;
      }
      drain();
    }

    @Override
    public void onNext(ChatChunk chunk) {
      boolean first;
      synchronized (lock) {
        if (current != this || finished) {
          return;
        }
        outstanding--;
        first = firstChunk;
        firstChunk = false;
        assemble(chunk);
        int before = queue.size();
        if (chunk.contentFilter() != null) {
          queue.add(chunk.contentFilter());
        }
        if (chunk.refusal() != null && !chunk.refusal().isEmpty()) {
          queue.add(new StreamEvent.RefusalDelta(chunk.refusal()));
        }
        if (chunk.text() != null && !chunk.text().isEmpty()) {
          queue.add(new StreamEvent.TextDelta(chunk.text(), chunk.logprobs()));
        }
        queue.addAll(chunk.toolCalls());
        events += queue.size() - before;
      }
      if (!span.isNoop()) {
        timeChunk(first);
      }
      drain();
    }

    /**
     * The GenAI stream timings on the attempt's span: the time to the first chunk as an attribute,
     * then one {@code llmclient.stream.chunk} event per chunk with the time since the previous one,
     * which a tracer may turn into {@code gen_ai.client.operation.time_per_output_chunk}.
     */
    private void timeChunk(boolean first) {
      long now = nanoTime.getAsLong();
      if (first) {
        span.set("gen_ai.response.time_to_first_chunk", (now - started) / 1e9);
      } else {
        span.event(
            CHUNK_EVENT,
            Map.of("gen_ai.client.operation.time_per_output_chunk", (now - last) / 1e9));
      }
      last = now;
    }

    private void assemble(ChatChunk chunk) {
      if (chunk.text() != null) {
        text.append(chunk.text());
      }
      logprobs.addAll(chunk.logprobs());
      if (chunk.refusal() != null) {
        if (refusal == null) {
          refusal = new StringBuilder();
        }
        refusal.append(chunk.refusal());
      }
      for (StreamEvent.ToolCallDelta d : chunk.toolCalls()) {
        PendingCall call = calls.computeIfAbsent(d.index(), i -> new PendingCall());
        if (d.id() != null) {
          call.id = d.id();
        }
        if (d.name() != null) {
          call.name = d.name();
        }
        call.arguments.append(d.argumentsDelta());
      }
      if (chunk.finishReason() != null) {
        finishReason = chunk.finishReason();
      }
      if (chunk.usage() != null) {
        usage = chunk.usage();
      }
      if (chunk.model() != null) {
        model = chunk.model();
      }
      if (chunk.id() != null) {
        id = chunk.id();
      }
      if (chunk.requestId() != null) {
        requestId = chunk.requestId();
      }
      if (chunk.rateLimit() != null) {
        rateLimit = chunk.rateLimit();
      }
    }

    @Override
    public void onError(Throwable t) {
      synchronized (lock) {
        finished = true;
      }
      future.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      ChatCompletion c;
      synchronized (lock) {
        finished = true;
        List<ToolCall> toolCalls = new ArrayList<>(calls.size());
        int i = 0;
        for (PendingCall p : calls.values()) {
          toolCalls.add(
              ToolCall.of(
                  p.id != null ? p.id : "call_" + i,
                  p.name != null ? p.name : "",
                  p.arguments.toString()));
          i++;
        }
        c =
            new ChatCompletion(
                text.toString(),
                refusal == null ? null : refusal.toString(),
                finishReason,
                usage == null ? Usage.ZERO : usage,
                model,
                id,
                requestId,
                rateLimit == null ? RateLimitInfo.NONE : rateLimit,
                null,
                toolCalls,
                logprobs);
      }
      future.complete(c);
    }
  }

  /** A tool call being streamed. */
  private static final class PendingCall {
    @Nullable String id;
    @Nullable String name;
    final StringBuilder arguments = new StringBuilder();
  }
}
