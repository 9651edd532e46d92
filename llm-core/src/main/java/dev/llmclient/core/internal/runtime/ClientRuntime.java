package dev.llmclient.core.internal.runtime;

import dev.llmclient.api.CallCancelledException;
import dev.llmclient.api.ErrorContext;
import dev.llmclient.api.LlmConnectionException;
import dev.llmclient.api.LlmException;
import dev.llmclient.api.TooManyCallsException;
import dev.llmclient.api.spi.ResponseCache;
import dev.llmclient.api.spi.Tracer;
import dev.llmclient.core.RetryPolicy;
import dev.llmclient.core.TokenUsageTracker;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every client shares with its calls, whatever their kind: the policies, cache, tracer, usage
 * tracker, clock, scheduler and admission limit the builder gave it, the calls in flight, and
 * closing. A client ({@code PipelineClient}, {@code PipelineEmbedder}) holds one and adds only what
 * its kind of call needs; each {@link Call} reads it.
 */
public final class ClientRuntime {

  private static final Logger LOG = LoggerFactory.getLogger(ClientRuntime.class);

  /**
   * Name prefixes of the threads that complete llmclient futures: the bundled providers' I/O
   * threads and the schedulers of clients and deployment pools.
   */
  public static final List<String> CLIENT_THREAD_PREFIXES =
      List.of("llmclient-io-", "llmclient-scheduler-");

  /**
   * What the builder hands every client: the parts that do not depend on the kind of call.
   *
   * @param policy transport retries, re-asks and the deadline
   * @param cache the response cache, or null for none
   * @param tracer the tracer (a no-op one when tracing is off)
   * @param spanPrefix the prefix of span names
   * @param tracker where usage is recorded, or null
   * @param clock the clock that measures deadlines
   * @param scheduler where retries and deadlines run
   * @param ownsScheduler whether closing the client shuts the scheduler down
   * @param random the source of jitter, values in [0, 1)
   * @param owned what the builder made for this client alone (a cache from settings), closed with
   *     it after the backend
   */
  public record Options(
      RetryPolicy policy,
      @Nullable ResponseCache cache,
      Tracer tracer,
      String spanPrefix,
      @Nullable TokenUsageTracker tracker,
      Clock clock,
      ScheduledExecutorService scheduler,
      boolean ownsScheduler,
      DoubleSupplier random,
      List<AutoCloseable> owned) {}

  /**
   * A client's admission limit and how its refusal is worded.
   *
   * @param permits the calls (or requests) in flight at most
   * @param maxQueued the calls waiting at most
   * @param call what is refused, e.g. {@code "The embeddings call"}
   * @param units what the permits count, e.g. {@code "requests"}
   * @param queuedSetter the config method that raises {@code maxQueued}
   * @param queuedSetting the setting that raises {@code maxQueued}
   * @param permitsSetter the config method that raises {@code permits}
   * @param permitsSetting the setting that raises {@code permits}
   */
  public record Admission(
      int permits,
      int maxQueued,
      String call,
      String units,
      String queuedSetter,
      String queuedSetting,
      String permitsSetter,
      String permitsSetting) {}

  private final Options options;
  private final String providerId;
  private final String spanName;
  private final AsyncLimiter limiter;
  private final Admission admission;
  private final String closedMessage;
  private final Set<Call<?, ?, ?>> active = ConcurrentHashMap.newKeySet();
  private final DeadlineTimer deadlines;
  private volatile boolean closed;

  /**
   * A runtime for one client.
   *
   * @param options what the builder gave
   * @param providerId the provider's id, for messages and spans
   * @param operation the span-name suffix, e.g. {@code "generate"} for {@code
   *     <prefix>.llm.generate}
   * @param admission the client's admission limit
   * @param closedMessage the message of the failure of a call made on, or cut off by, a closed
   *     client, saying how to get a new one
   */
  public ClientRuntime(
      Options options,
      String providerId,
      String operation,
      Admission admission,
      String closedMessage) {
    this.options = options;
    this.providerId = providerId;
    this.spanName = options.spanPrefix() + ".llm." + operation;
    this.limiter = new AsyncLimiter(admission.permits(), admission.maxQueued());
    this.admission = admission;
    this.closedMessage = closedMessage;
    this.deadlines = new DeadlineTimer(options.scheduler(), options.clock());
  }

  /** The one deadline timer of the client's async calls and streams. */
  DeadlineTimer deadlines() {
    return deadlines;
  }

  /**
   * @return the retry policy
   */
  public RetryPolicy policy() {
    return options.policy();
  }

  /**
   * @return the response cache, or null
   */
  public @Nullable ResponseCache cache() {
    return options.cache();
  }

  /**
   * @return the tracer
   */
  public Tracer tracer() {
    return options.tracer();
  }

  /**
   * @return the name of each call's span
   */
  public String spanName() {
    return spanName;
  }

  /**
   * @return the usage tracker, or null
   */
  public @Nullable TokenUsageTracker tracker() {
    return options.tracker();
  }

  /**
   * @return the clock
   */
  public Clock clock() {
    return options.clock();
  }

  /**
   * @return the scheduler
   */
  public ScheduledExecutorService scheduler() {
    return options.scheduler();
  }

  /**
   * @return a jitter value in [0, 1)
   */
  public double random() {
    return options.random().getAsDouble();
  }

  /**
   * @return the provider's id
   */
  public String providerId() {
    return providerId;
  }

  /**
   * @return the admission limit
   */
  public AsyncLimiter limiter() {
    return limiter;
  }

  /**
   * @return whether {@link #close} was called
   */
  public boolean isClosed() {
    return closed;
  }

  /**
   * @return the failure of a call refused because the queue is full
   */
  public TooManyCallsException tooManyCalls() {
    return new TooManyCallsException(
        admission.call()
            + " was not sent: this client already has "
            + limiter.permits()
            + " "
            + admission.units()
            + " in flight and "
            + limiter.maxQueued()
            + " waiting, the most it accepts. Send fewer calls at once (wait for some to finish),"
            + " or raise "
            + admission.queuedSetter()
            + " (setting "
            + admission.queuedSetting()
            + ") or "
            + admission.permitsSetter()
            + " (setting "
            + admission.permitsSetting()
            + ")",
        ErrorContext.provider(providerId),
        null);
  }

  /**
   * @return the failure of a call on a closed client
   */
  public LlmConnectionException closedException() {
    return new LlmConnectionException(closedMessage);
  }

  void register(Call<?, ?, ?> call) {
    active.add(call);
    if (closed) {
      call.fail(closedException());
    }
  }

  void unregister(Call<?, ?, ?> call) {
    active.remove(call);
  }

  /**
   * Fails every call in flight, closes the backend (a failure is logged, not thrown) and shuts the
   * scheduler down if the client owns it. Idempotent.
   *
   * @param backend the client's backend
   * @param kind what the backend is, for the log, e.g. {@code "chat"}
   */
  public void close(AutoCloseable backend, String kind) {
    if (closed) {
      return;
    }
    closed = true;
    for (Call<?, ?, ?> call : active) {
      call.fail(closedException());
    }
    deadlines.close();
    try {
      backend.close();
    } catch (Exception e) {
      LOG.warn("closing the {} {} backend failed", providerId, kind, e);
    }
    for (AutoCloseable resource : options.owned()) {
      try {
        resource.close();
      } catch (Exception e) {
        LOG.warn("closing the {} client's {} failed", providerId, resource.getClass().getName(), e);
      }
    }
    if (options.ownsScheduler()) {
      options.scheduler().shutdownNow();
    }
  }

  /**
   * Refuses a blocking call on a thread that delivers llmclient answers (an I/O thread of the
   * bundled providers or a client's scheduler): the answer it would wait for may need that very
   * thread, so the call would hang until its deadline.
   *
   * @param method the blocking method, for the message
   * @throws IllegalStateException on such a thread, saying what to do instead
   */
  public static void refuseToBlockAClientThread(String method) {
    String name = Thread.currentThread().getName();
    for (String prefix : CLIENT_THREAD_PREFIXES) {
      if (name.startsWith(prefix)) {
        throw new IllegalStateException(
            method
                + " waits for the answer, but it was called on "
                + name
                + ", a thread that delivers llmclient answers, where it could wait for itself"
                + " until the deadline. Chain the async call instead (thenCompose(r ->"
                + " client.generateAsync(...))), or continue on your own executor with"
                + " thenApplyAsync(fn, executor).");
      }
    }
  }

  private static final AtomicInteger SCHEDULER_THREADS = new AtomicInteger();

  /**
   * A one-thread daemon scheduler, {@code llmclient-scheduler-N}, for a client or pool that was not
   * given one; its owner shuts it down on close.
   *
   * @return a new scheduler
   */
  public static ScheduledExecutorService newScheduler() {
    ScheduledThreadPoolExecutor exec =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread thread =
                  new Thread(r, "llmclient-scheduler-" + SCHEDULER_THREADS.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    exec.setRemoveOnCancelPolicy(true);
    return exec;
  }

  /**
   * The failure inside {@link CompletionException} and {@link ExecutionException} wrappers.
   *
   * @param t a failure as a future reports it
   * @return the innermost cause those wrappers hide
   */
  public static Throwable unwrap(Throwable t) {
    Throwable current = t;
    while ((current instanceof CompletionException || current instanceof ExecutionException)
        && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }

  /**
   * Waits for a call's future and rethrows its failure as it was raised: an {@link LlmException} or
   * other unchecked exception as is, a checked one wrapped in an {@link LlmException}. An interrupt
   * of the waiting thread cancels the call (its exchange, retry and deadline timer), keeps the
   * thread's interrupt flag and throws {@link CallCancelledException}.
   *
   * @param <T> the answer's type
   * @param future the call's future
   * @return the answer
   */
  public static <T> T await(CompletableFuture<T> future) {
    return await(future, 0L, null);
  }

  /**
   * Waits like {@link #await(CompletableFuture)}, and keeps a deadline while waiting: when {@code
   * waitUntil} passes first, {@code atDeadline} ends the call (with its timeout failure) and that
   * outcome is returned or thrown.
   *
   * @param <T> the answer's type
   * @param future the call's future
   * @param waitUntil the deadline as a {@link System#nanoTime()} value
   * @param atDeadline ends the call at its deadline, or null to wait without one
   * @return the answer
   */
  static <T> T await(CompletableFuture<T> future, long waitUntil, @Nullable Runnable atDeadline) {
    try {
      if (atDeadline == null) {
        return future.get();
      }
      long left = waitUntil - System.nanoTime();
      if (left > 0) {
        try {
          return future.get(left, TimeUnit.NANOSECONDS);
        } catch (TimeoutException passed) {
          // the deadline came first: end the call below
        }
      }
      atDeadline.run();
      return future.get();
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new CallCancelledException(
          "The thread waiting for the call was interrupted, so the call was cancelled: its HTTP"
              + " exchange, retries and re-asks are stopped and nothing more is sent. The thread's"
              + " interrupt flag is still set",
          ErrorContext.NONE,
          e);
    } catch (CancellationException e) {
      throw new CallCancelledException(
          "The call was cancelled while this thread waited for it: its future was cancelled",
          ErrorContext.NONE,
          e);
    } catch (ExecutionException e) {
      Throwable cause = unwrap(e);
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new LlmException("The call failed: " + cause, ErrorContext.NONE, cause);
    }
  }
}
