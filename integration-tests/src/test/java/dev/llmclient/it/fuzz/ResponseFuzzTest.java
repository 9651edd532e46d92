package dev.llmclient.it.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmException;
import dev.llmclient.api.LlmRequest;
import dev.llmclient.api.Message;
import dev.llmclient.api.spi.EmbeddingBackend;
import dev.llmclient.api.spi.EmbeddingRequest;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.core.RetryPolicy;
import dev.llmclient.it.faults.TestClients;
import dev.llmclient.it.faults.TestClients.Api;
import dev.llmclient.it.faults.TestClients.City;
import dev.llmclient.it.secrets.Canary;
import dev.llmclient.openai.OpenAiProvider;
import dev.llmclient.testkit.simulator.LlmSimulator;
import dev.llmclient.testkit.simulator.RecordedRequest;
import dev.llmclient.testkit.simulator.Route;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Thousands of broken responses (see {@link ResponseMutator}), sent byte for byte by the simulator
 * (as {@link dev.llmclient.testkit.simulator.RawReply raw replies}) to real OpenAI and Azure
 * clients and to a real embedding backend: every call ends in time, as a success or an {@link
 * LlmException} subtype, never as another exception, a hang or an OOM. Seeded: a failure names its
 * case number, which reproduces it.
 */
class ResponseFuzzTest {

  private static final long SEED = 20_261_127L;
  private static final int CHAT_CASES = 3_000;
  private static final int EMBEDDING_CASES = 500;
  private static final int IN_FLIGHT = 16;
  private static final Pattern CASE = Pattern.compile("fuzz-case-(\\d+)");

  private final ResponseMutator mutator = new ResponseMutator(SEED);
  private final Map<Integer, String> descriptions = new ConcurrentHashMap<>();

  @Test
  @Timeout(value = 150, unit = TimeUnit.SECONDS)
  void brokenChatResponsesOnlyEverEndAsTypedExceptions() throws Exception {
    RetryPolicy policy =
        RetryPolicy.builder()
            .maxRetries(1)
            .initialBackoff(Duration.ofMillis(1))
            .maxBackoff(Duration.ofMillis(5))
            .maxRetryAfter(Duration.ofMillis(50))
            .maxReasks(1)
            .deadline(Duration.ofSeconds(8))
            .build();
    Map<String, String> transport =
        Map.of(
            "LLM_HTTP_RESPONSE_TIMEOUT",
            "3s",
            "LLM_HTTP_MAX_RESPONSE_BYTES",
            Integer.toString(ResponseMutator.MAX_RESPONSE_BYTES));
    ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
    Map<String, Integer> outcomes = new TreeMap<>();
    try (LlmSimulator sim = simulator()) {
      sim.respond(
          request -> true,
          request -> {
            int n = caseNumber(request);
            ResponseMutator.Mutation mutation = mutator.mutate(n);
            descriptions.put(n, mutation.description());
            return mutation.reply();
          });
      try (LlmClient openai = TestClients.client(Api.OPENAI, sim.baseUri(), policy, transport);
          LlmClient azure = TestClients.client(Api.AZURE, sim.baseUri(), policy, transport)) {
        Semaphore window = new Semaphore(IN_FLIGHT);
        List<CompletableFuture<?>> calls = new ArrayList<>();
        for (int n = 0; n < CHAT_CASES; n++) {
          window.acquire();
          int caseNumber = n;
          LlmClient client = n % 2 == 0 ? openai : azure;
          CompletableFuture<?> call =
              client
                  .<City>generateAsync(
                      LlmRequest.builder()
                          .messages(List.of(Message.user("fuzz-case-" + n + ": a city as JSON")))
                          .responseType(City.class)
                          .build())
                  .orTimeout(12, TimeUnit.SECONDS)
                  .handle(
                      (response, error) -> {
                        window.release();
                        record(caseNumber, error, problems, outcomes);
                        return null;
                      });
          calls.add(call);
        }
        CompletableFuture.allOf(calls.toArray(new CompletableFuture<?>[0]))
            .get(60, TimeUnit.SECONDS);

        assertThat(sim.counters().requests(Route.CHAT_COMPLETIONS))
            .as("every case reached the simulator")
            .isGreaterThanOrEqualTo(CHAT_CASES);

        // After all that garbage both clients still work, against the simulator's own protocol.
        sim.reset();
        sim.script(
            "a city", "{\"name\":\"Lyon\",\"population\":1,\"districts\":[],\"size\":\"SMALL\"}");
        for (LlmClient client : List.of(openai, azure)) {
          City city = client.generate(List.of(Message.user("a city")), City.class);
          assertThat(city.name()).isEqualTo("Lyon");
        }
      }
    }
    System.out.printf("fuzzed chat: %d cases, outcomes %s%n", CHAT_CASES, outcomes);
    assertThat(problems).as("cases that escaped as something else than an LlmException").isEmpty();
    assertThat(outcomes.keySet())
        .as("the fuzzer reached more than one outcome")
        .hasSizeGreaterThan(5);
    Canary.assertNotLogged();
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void brokenEmbeddingResponsesOnlyEverEndAsTypedExceptions() throws Exception {
    ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
    Map<String, Integer> outcomes = new TreeMap<>();
    try (LlmSimulator sim = simulator()) {
      sim.respond(
          request -> true,
          request -> {
            int n = caseNumber(request);
            ResponseMutator.Mutation mutation = mutator.mutateEmbeddings(n, 2);
            descriptions.put(n, mutation.description());
            return mutation.reply();
          });
      ProviderSettings settings =
          ProviderSettings.of(
              Map.of(
                  "OPENAI_API_KEY",
                  Canary.API_KEY,
                  "OPENAI_BASE_URL",
                  sim.openAiBaseUri().toString(),
                  "LLM_HTTP_RESPONSE_TIMEOUT",
                  "3s"));
      try (EmbeddingBackend backend = new OpenAiProvider().createEmbeddingBackend(settings)) {
        Semaphore window = new Semaphore(IN_FLIGHT);
        List<CompletableFuture<?>> calls = new ArrayList<>();
        for (int n = 0; n < EMBEDDING_CASES; n++) {
          window.acquire();
          int caseNumber = n;
          calls.add(
              backend
                  .embed(
                      new EmbeddingRequest(
                          "text-embedding-3-small",
                          List.of("fuzz-case-" + n, "second"),
                          null,
                          Map.of()))
                  .orTimeout(10, TimeUnit.SECONDS)
                  .handle(
                      (result, error) -> {
                        window.release();
                        record(caseNumber, error, problems, outcomes);
                        return null;
                      }));
        }
        CompletableFuture.allOf(calls.toArray(new CompletableFuture<?>[0]))
            .get(30, TimeUnit.SECONDS);
      }
      assertThat(sim.counters().requests(Route.EMBEDDINGS))
          .as("every case reached the simulator")
          .isEqualTo(EMBEDDING_CASES);
    }
    System.out.printf("fuzzed embeddings: %d cases, outcomes %s%n", EMBEDDING_CASES, outcomes);
    assertThat(problems).as("cases that escaped as something else than an LlmException").isEmpty();
    Canary.assertNotLogged();
  }

  /** A simulator that accepts only the canary key and records no requests (thousands arrive). */
  private static LlmSimulator simulator() {
    return LlmSimulator.builder().apiKey(Canary.API_KEY).maxRecordedRequests(0).start();
  }

  private static int caseNumber(RecordedRequest request) {
    Matcher m = CASE.matcher(request.body());
    return m.find() ? Integer.parseInt(m.group(1)) : -1;
  }

  private void record(
      int caseNumber,
      Throwable error,
      ConcurrentLinkedQueue<String> problems,
      Map<String, Integer> outcomes) {
    Throwable e = error == null ? null : TestClients.unwrap(error);
    String outcome = e == null ? "success" : e.getClass().getSimpleName();
    synchronized (outcomes) {
      outcomes.merge(outcome, 1, Integer::sum);
    }
    if (e == null) {
      return;
    }
    if (!(e instanceof LlmException)) {
      problems.add(
          "case "
              + caseNumber
              + " ("
              + descriptions.get(caseNumber)
              + "): "
              + (e instanceof TimeoutException ? "HANG (no completion in time)" : e.toString())
              + stackTop(e));
      return;
    }
    try {
      Canary.assertAbsentFrom(e);
    } catch (AssertionError leak) {
      problems.add("case " + caseNumber + ": " + leak.getMessage());
    }
  }

  private static String stackTop(Throwable e) {
    StackTraceElement[] st = e.getStackTrace();
    return st.length == 0 ? "" : " at " + st[0];
  }
}
