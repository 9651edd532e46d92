package dev.llmclient.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmclient.api.LlmClient;
import dev.llmclient.api.Message;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.core.LlmClients;
import dev.llmclient.core.RetryPolicy;
import dev.llmclient.testkit.simulator.Fault;
import dev.llmclient.testkit.simulator.LlmSimulatorExtension;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A real client over the OpenAI provider and the simulator on loopback: the metrics an operator
 * sees in a meter registry, a failed attempt included.
 */
class MicrometerOverSimulatorTest {

  @RegisterExtension
  static final LlmSimulatorExtension SIM =
      LlmSimulatorExtension.create(b -> b.apiKey("k").deployment("gpt-4o"));

  record Greeting(String text) {}

  @Test
  void eachAttemptIsTimedWithItsOutcomeAndTheTokensAreCounted() {
    SIM.simulator().addFault(Fault.status(503).times(1));
    MeterRegistry meters = new SimpleMeterRegistry();
    Map<String, String> settings =
        Map.of(
            "OPENAI_BASE_URL", SIM.simulator().openAiBaseUri().toString(),
            "OPENAI_API_KEY", "k",
            "MODEL_NAME", "gpt-4o");
    try (LlmClient llm =
        LlmClients.builder()
            .provider("openai")
            .settings(ProviderSettings.of(settings))
            .retryPolicy(
                RetryPolicy.builder()
                    .initialBackoff(Duration.ofMillis(10))
                    .maxBackoff(Duration.ofMillis(50))
                    .build())
            .tracer(MicrometerTracing.create(MeterObservations.registry(meters)))
            .build()) {
      Greeting answer = llm.generate(List.of(Message.user("Say hello")), Greeting.class);
      assertThat(answer.text()).isNotNull();
    }

    Timer ok =
        meters
            .get(MicrometerTracing.OPERATION_DURATION)
            .tags("gen_ai.operation.name", "chat", "gen_ai.request.model", "gpt-4o")
            .tags("gen_ai.provider.name", "openai", "error.type", "none")
            .timer();
    assertThat(ok.count()).isEqualTo(1);
    Timer throttled =
        meters
            .get(MicrometerTracing.OPERATION_DURATION)
            .tags("error.type", "dev.llmclient.api.ServerException")
            .timer();
    assertThat(throttled.count()).isEqualTo(1);
    assertThat(
            meters
                .get(MicrometerTracing.TOKEN_USAGE)
                .tags("gen_ai.token.type", "input")
                .summary()
                .totalAmount())
        .isPositive();
    assertThat(meters.get("llmclient.llm.generate").tags("error.type", "none").timer().count())
        .isEqualTo(1);
  }
}
