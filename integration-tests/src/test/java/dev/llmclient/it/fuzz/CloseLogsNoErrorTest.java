package dev.llmclient.it.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmRequest;
import dev.llmclient.api.Message;
import dev.llmclient.core.RetryPolicy;
import dev.llmclient.it.faults.TestClients;
import dev.llmclient.it.faults.TestClients.Api;
import dev.llmclient.it.faults.TestClients.City;
import dev.llmclient.it.secrets.Canary;
import dev.llmclient.it.secrets.CanaryLogWatcher;
import dev.llmclient.testkit.simulator.LlmSimulator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Closing a client whose calls have all completed (here after broken replies, which make the client
 * drop connections) logs nothing at ERROR. The simulator sends the broken replies as raw bytes.
 */
class CloseLogsNoErrorTest {

  private static final Pattern CASE = Pattern.compile("case-(\\d+)");

  @Test
  void closingClientsAfterBrokenRepliesLogsNoError() throws Exception {
    ResponseMutator mutator = new ResponseMutator(77);
    long before = CanaryLogWatcher.errors();
    try (LlmSimulator sim = LlmSimulator.builder().apiKey(Canary.API_KEY).start()) {
      sim.respond(
          request -> true,
          request -> {
            Matcher m = CASE.matcher(request.body());
            return mutator.mutate(m.find() ? Integer.parseInt(m.group(1)) : 0).reply();
          });
      for (int round = 0; round < 40; round++) {
        LlmClient client =
            TestClients.client(
                round % 2 == 0 ? Api.OPENAI : Api.AZURE,
                sim.baseUri(),
                RetryPolicy.none(),
                Map.of("LLM_HTTP_RESPONSE_TIMEOUT", "2s"));
        List<CompletableFuture<?>> calls = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
          calls.add(
              client
                  .<City>generateAsync(
                      LlmRequest.builder()
                          .messages(List.of(Message.user("case-" + (round * 16 + i))))
                          .responseType(City.class)
                          .build())
                  .handle((r, e) -> null));
        }
        CompletableFuture.allOf(calls.toArray(new CompletableFuture<?>[0]))
            .get(20, TimeUnit.SECONDS);
        client.close();
      }
      assertThat(sim.counters().totalRequests()).isGreaterThanOrEqualTo(40 * 16);
    }
    assertThat(CanaryLogWatcher.errors() - before)
        .as("ERROR log events while closing clients: %s", CanaryLogWatcher.lastErrors())
        .isZero();
  }
}
