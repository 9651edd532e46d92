package dev.llmclient.benchmarks.peers;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
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
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Throughput with {@value #IN_FLIGHT} structured calls in flight against the canned server
 * answering after {@value #DELAY_MS} ms, each library through its async API with its default
 * settings. One invocation sends {@value #CALLS} calls, starting a new one as soon as one ends, so
 * the ideal is {@value #IN_FLIGHT} / 0.05 s = 5,120 calls/s, i.e. 195.3 µs per call: the fraction
 * of ideal is 195.3 divided by the reported µs/op. LangChain4j is absent: its OpenAI model has no
 * non-streaming async API.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar InFlightBenchmark -f 1 -wi 1 -i 3 -w 2s
 * -r 2s}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class InFlightBenchmark {

  /** Calls kept in flight. */
  static final int IN_FLIGHT = 256;

  /** The server's delay before each answer. */
  static final int DELAY_MS = 50;

  /** Calls per invocation. */
  static final int CALLS = 1024;

  private CannedServer.Handle server;
  private PeerClients clients;

  /** Starts the delayed canned server in its own JVM and builds every client. */
  @Setup(Level.Trial)
  public void setUp() {
    server = CannedServer.spawn(DELAY_MS);
    clients = new PeerClients(server.baseUri());
  }

  /** Closes the clients and stops the server. */
  @TearDown(Level.Trial)
  public void tearDown() {
    clients.close();
    server.close();
  }

  private static int drive(Supplier<? extends CompletableFuture<?>> call)
      throws InterruptedException {
    Semaphore slots = new Semaphore(IN_FLIGHT);
    AtomicInteger ok = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    for (int i = 0; i < CALLS; i++) {
      if (!slots.tryAcquire(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("no call finished within 60 s");
      }
      call.get()
          .whenComplete(
              (r, e) -> {
                if (e != null) {
                  failure.compareAndSet(null, e);
                } else {
                  ok.incrementAndGet();
                }
                slots.release();
              });
    }
    if (!slots.tryAcquire(IN_FLIGHT, 60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the last calls did not finish within 60 s");
    }
    if (failure.get() != null) {
      throw new IllegalStateException("a call failed", failure.get());
    }
    return ok.get();
  }

  /**
   * The floor: raw httpclient5 async (pool raised to 512 per route) + Jackson.
   *
   * @return calls that succeeded
   * @throws InterruptedException when interrupted
   */
  @Benchmark
  @OperationsPerInvocation(CALLS)
  public int floor() throws InterruptedException {
    return drive(clients::floorAsync);
  }

  /**
   * llmclient over provider-openai, {@code generateAsync}, default settings.
   *
   * @return calls that succeeded
   * @throws InterruptedException when interrupted
   */
  @Benchmark
  @OperationsPerInvocation(CALLS)
  public int llmclientOpenAi() throws InterruptedException {
    return drive(() -> clients.llmOpenAi().generateAsync(clients.structured));
  }

  /**
   * llmclient over provider-azure, {@code generateAsync}, default settings.
   *
   * @return calls that succeeded
   * @throws InterruptedException when interrupted
   */
  @Benchmark
  @OperationsPerInvocation(CALLS)
  public int llmclientAzure() throws InterruptedException {
    return drive(() -> clients.llmAzure().generateAsync(clients.structured));
  }

  /**
   * openai-java 4.x async client, OpenAI mode, default settings.
   *
   * @return calls that succeeded
   * @throws InterruptedException when interrupted
   */
  @Benchmark
  @OperationsPerInvocation(CALLS)
  public int openAiJava() throws InterruptedException {
    return drive(
        () -> clients.openAi().async().chat().completions().create(PeerClients.openAiParams()));
  }
}
