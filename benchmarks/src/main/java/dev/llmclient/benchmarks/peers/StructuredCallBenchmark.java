package dev.llmclient.benchmarks.peers;

import dev.llmclient.api.LlmResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One structured-extraction call, start to mapped record, against the canned server answering at
 * once: the raw httpclient5 + Jackson floor, llmclient over provider-openai and provider-azure,
 * openai-java in OpenAI and Azure mode, and LangChain4j's OpenAI model. The {@code *Async} rows
 * start the call with the library's async API and wait for it on the benchmark thread. Divide each
 * row by {@code floorClassic} (blocking rows) and {@code floor} (async rows) from the same run.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar StructuredCallBenchmark -f 1 -wi 2 -i 3
 * -w 1s -r 2s -prof gc -prof dev.llmclient.benchmarks.peers.ProcessCostProfiler}; add {@code -bm
 * sample} for p99. The profiler adds the whole process's CPU time and the threads it started, per
 * call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class StructuredCallBenchmark {

  private CannedServer.Handle server;
  private PeerClients clients;

  /** Starts the canned server (no delay) in its own JVM and builds every client. */
  @Setup(Level.Trial)
  public void setUp() {
    server = CannedServer.spawn(0);
    clients = new PeerClients(server.baseUri());
  }

  /** Closes the clients and stops the server. */
  @TearDown(Level.Trial)
  public void tearDown() {
    clients.close();
    server.close();
  }

  /**
   * The classic floor: httpclient5's blocking client, pooled, a prebuilt body, the reply read into
   * a tree and mapped on the caller's thread. The fastest plain way to make this call.
   *
   * @return the record
   */
  @Benchmark
  public Person floorClassic() {
    return clients.floorClassic();
  }

  /**
   * The async floor: raw httpclient5 async + Jackson, the body built per call, waited for.
   *
   * @return the record
   */
  @Benchmark
  public Person floor() {
    return clients.floorAsync().join();
  }

  /**
   * llmclient over provider-openai, sync.
   *
   * @return the response
   */
  @Benchmark
  public LlmResponse<Person> llmclientOpenAi() {
    return clients.llmOpenAi().generate(clients.structured);
  }

  /**
   * llmclient over provider-openai, the async API waited for.
   *
   * @return the response
   */
  @Benchmark
  public LlmResponse<Person> llmclientOpenAiAsync() {
    return clients.llmOpenAi().<Person>generateAsync(clients.structured).join();
  }

  /**
   * llmclient over provider-openai without a response type (json_object, a map): the structured row
   * minus this one is what the schema, validation and record mapping cost.
   *
   * @return the response
   */
  @Benchmark
  public LlmResponse<Map<String, Object>> llmclientOpenAiPlain() {
    return clients.llmOpenAi().generate(clients.plain);
  }

  /**
   * llmclient over provider-azure (api-key, deployments route), sync.
   *
   * @return the response
   */
  @Benchmark
  public LlmResponse<Person> llmclientAzure() {
    return clients.llmAzure().generate(clients.structured);
  }

  /**
   * openai-java 4.x, OpenAI mode, sync, params built per call as its users write them.
   *
   * @return the record
   */
  @Benchmark
  public Person openAiJava() {
    return PeerClients.first(
        clients.openAi().chat().completions().create(PeerClients.openAiParams()));
  }

  /**
   * openai-java 4.x, OpenAI mode, its async client waited for.
   *
   * @return the record
   */
  @Benchmark
  public Person openAiJavaAsync() {
    return PeerClients.first(
        clients.openAi().async().chat().completions().create(PeerClients.openAiParams()).join());
  }

  /**
   * openai-java 4.x, Azure mode (api-key credential, service version 2024-10-21), sync.
   *
   * @return the record
   */
  @Benchmark
  public Person openAiJavaAzure() {
    return PeerClients.first(
        clients.openAiAzure().chat().completions().create(PeerClients.openAiParams()));
  }

  /**
   * LangChain4j's OpenAI chat model with a prebuilt strict schema, mapped with Jackson, sync.
   *
   * @return the record
   */
  @Benchmark
  public Person langChain4j() {
    return clients.langChain4jCall();
  }
}
