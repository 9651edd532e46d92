package dev.llmclient.benchmarks.peers;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Steady-state throughput with {@value #IN_FLIGHT} structured calls always in flight against the
 * canned server answering after {@value #DELAY_MS} ms, each library through its async API with its
 * default settings. Unlike {@link InFlightBenchmark}, which sends batches of 1,024 calls and lets
 * each batch drain (so every invocation starts with 256 calls fired at once and ends with fewer
 * than 256 in flight), a pump started before the iteration replaces every finished call at once and
 * keeps 256 in flight for the whole measurement; each benchmark operation takes one finished call.
 * The ideal is {@value #IN_FLIGHT} / 0.05 s = 5,120 calls/s.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar SteadyInFlightBenchmark -f 1 -wi 2 -w
 * 3s -i 5 -r 3s}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class SteadyInFlightBenchmark {

  /** Calls kept in flight. */
  static final int IN_FLIGHT = 256;

  /** The server's delay before each answer. */
  static final int DELAY_MS = 50;

  /**
   * The contender: {@code floor}, {@code llmclient-openai}, {@code llmclient-azure}, {@code
   * openai-java}.
   */
  @Param({"floor", "llmclient-openai", "llmclient-azure", "openai-java"})
  public String contender;

  private CannedServer.Handle server;
  private PeerClients clients;
  private Supplier<? extends CompletableFuture<?>> call;
  private final BlockingQueue<Boolean> finished = new LinkedBlockingQueue<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private volatile boolean pumping;

  /** Starts the delayed canned server in its own JVM and builds the contender's client. */
  @Setup(Level.Trial)
  public void setUp() {
    server = CannedServer.spawn(DELAY_MS);
    clients = new PeerClients(server.baseUri(), contender);
    call =
        switch (contender) {
          case "floor" -> clients::floorAsync;
          case "llmclient-openai" -> () -> clients.llmOpenAi().generateAsync(clients.structured);
          case "llmclient-azure" -> () -> clients.llmAzure().generateAsync(clients.structured);
          case "openai-java" ->
              () ->
                  clients.openAi().async().chat().completions().create(PeerClients.openAiParams());
          default -> throw new IllegalArgumentException("unknown contender " + contender);
        };
  }

  /** Fills the pipe: 256 calls in flight, each replaced as soon as it ends. */
  @Setup(Level.Iteration)
  public void startPump() {
    finished.clear();
    pumping = true;
    for (int i = 0; i < IN_FLIGHT; i++) {
      issue();
    }
  }

  private void issue() {
    inFlight.incrementAndGet();
    call.get()
        .whenComplete(
            (r, e) -> {
              inFlight.decrementAndGet();
              if (e != null) {
                failure.compareAndSet(null, e);
              }
              finished.offer(Boolean.TRUE);
              if (pumping) {
                issue();
              }
            });
  }

  /** Stops replacing calls and lets the pipe drain, so iterations do not overlap. */
  @TearDown(Level.Iteration)
  public void stopPump() throws InterruptedException {
    pumping = false;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (inFlight.get() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    if (failure.get() != null) {
      throw new IllegalStateException("a call failed", failure.get());
    }
  }

  /** Closes the client and stops the server. */
  @TearDown(Level.Trial)
  public void tearDown() {
    clients.close();
    server.close();
  }

  /**
   * One finished call.
   *
   * @return whether it finished (always true; a stall fails the run)
   * @throws InterruptedException when interrupted
   */
  @Benchmark
  public Boolean finishedCall() throws InterruptedException {
    Boolean done = finished.poll(30, TimeUnit.SECONDS);
    if (done == null) {
      throw new IllegalStateException("no call finished within 30 s");
    }
    return done;
  }
}
