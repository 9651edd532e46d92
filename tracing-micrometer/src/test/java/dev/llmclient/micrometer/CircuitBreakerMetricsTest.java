package dev.llmclient.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmclient.api.Message;
import dev.llmclient.api.ServerException;
import dev.llmclient.api.spi.ChatCompletionRequest;
import dev.llmclient.core.pool.CircuitBreakerPolicy;
import dev.llmclient.core.pool.DeploymentPool;
import dev.llmclient.testkit.ScriptedChatBackend;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The deployment pool's breakers, bound through their registry, show in a meter registry. */
class CircuitBreakerMetricsTest {

  @Test
  void aPoolMembersBreakerStateIsAGaugeTaggedWithTheMembersName() {
    CircuitBreakerRegistry breakers = CircuitBreakerRegistry.ofDefaults();
    MeterRegistry meters = new SimpleMeterRegistry();
    CircuitBreakerMetrics.bind(breakers, meters);
    ScriptedChatBackend east = new ScriptedChatBackend();
    ScriptedChatBackend west = new ScriptedChatBackend();
    for (int i = 0; i < 4; i++) {
      east.enqueueFailure(new ServerException("503 from east"));
      west.enqueueContent("{\"from\": \"west\"}");
    }
    try (DeploymentPool pool =
        DeploymentPool.builder()
            .member("east", east)
            .member("west", west)
            .circuitBreaker(
                CircuitBreakerPolicy.builder()
                    .window(2)
                    .minimumCalls(2)
                    .openDuration(Duration.ofMinutes(5))
                    .build())
            .circuitBreakerRegistry(breakers)
            .build()) {
      ChatCompletionRequest request =
          ChatCompletionRequest.of("gpt-4o", List.of(Message.user("hi")));
      for (int i = 0; i < 4; i++) {
        pool.complete(request).exceptionally(e -> null).join();
      }

      assertThat(
              meters
                  .get("resilience4j.circuitbreaker.state")
                  .tags("name", "east", "state", "open")
                  .gauge()
                  .value())
          .isEqualTo(1.0);
      assertThat(
              meters
                  .get("resilience4j.circuitbreaker.state")
                  .tags("name", "west", "state", "closed")
                  .gauge()
                  .value())
          .isEqualTo(1.0);
    }
  }
}
