package dev.llmclient.it.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmTimeoutException;
import dev.llmclient.api.Message;
import dev.llmclient.core.RetryPolicy;
import dev.llmclient.it.faults.TestClients.Api;
import dev.llmclient.it.faults.TestClients.City;
import dev.llmclient.it.secrets.Canary;
import dev.llmclient.testkit.simulator.Fault;
import dev.llmclient.testkit.simulator.LlmSimulator;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A response timeout fires close to the configured value, not on a coarser clock. */
class TimeoutPrecisionTest {

  @Test
  void aSubSecondResponseTimeoutFiresWithinThreeHundredMillisecondsOfItsValue() {
    try (LlmSimulator sim = LlmSimulator.builder().apiKey(Canary.API_KEY).start();
        LlmClient client =
            TestClients.client(
                Api.OPENAI,
                sim.baseUri(),
                RetryPolicy.none(),
                Map.of("LLM_HTTP_RESPONSE_TIMEOUT", "300ms"))) {
      // Warm up (class loading, schema generation, the connection), then hold the headers.
      assertThat(client.generate(List.of(Message.user("a city")), City.class)).isNotNull();
      sim.addFault(Fault.delayedHeaders(Duration.ofSeconds(3)));
      long start = System.nanoTime();
      Throwable error =
          catchThrowable(() -> client.generate(List.of(Message.user("a city")), City.class));
      Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
      System.out.println("300 ms response timeout fired after " + elapsed.toMillis() + " ms");
      assertThat(error).isInstanceOf(LlmTimeoutException.class);
      assertThat(elapsed).isBetween(Duration.ofMillis(280), Duration.ofMillis(600));
    }
  }
}
