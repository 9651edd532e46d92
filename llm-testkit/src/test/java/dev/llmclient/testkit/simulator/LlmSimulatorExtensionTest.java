package dev.llmclient.testkit.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LlmSimulatorExtensionTest {

  @RegisterExtension
  static LlmSimulatorExtension shared = LlmSimulatorExtension.create(b -> b.apiKey("ext-key"));

  private static int firstPort;

  @Test
  @Order(1)
  void aStaticExtensionStartsTheSimulatorForTheClassAndInjectsIt(LlmSimulator injected) {
    assertThat(injected).isSameAs(shared.simulator());
    SimHttp.Response r =
        new SimHttp(injected)
            .post(
                "/v1/chat/completions", SimHttp.chat("m", "hi"), "authorization", "Bearer ext-key");
    assertThat(r.status()).isEqualTo(200);
    firstPort = injected.port();
  }

  @Test
  @Order(2)
  void theSharedSimulatorIsResetBetweenTests() {
    assertThat(shared.simulator().port()).isEqualTo(firstPort);
    assertThat(shared.simulator().requests()).isEmpty();
    assertThat(shared.simulator().counters().totalRequests()).isZero();
  }

  @Test
  void theCommandLineParsesItsOptions() {
    LlmSimulator.Builder b =
        SimulatorMain.parse(
            new String[] {
              "--port",
              "0",
              "--api-key",
              "k",
              "--deployment",
              "gpt-4o",
              "--rpm",
              "60",
              "--latency-ms",
              "5",
              "--fault",
              "SERVICE_UNAVAILABLE_503:0.5"
            });
    assertThat(b).isNotNull();
    try (LlmSimulator sim = b.start()) {
      assertThat(sim.deployments()).extracting(Deployment::name).containsExactly("gpt-4o");
      assertThat(sim.deployments().get(0).requestsPerMinute()).isEqualTo(60);
    }
    assertThat(SimulatorMain.parse(new String[] {"--help"})).isNull();
    assertThatThrownBy(() -> SimulatorMain.parse(new String[] {"--rpm", "many"}))
        .hasMessageContaining("--rpm needs a number");
    assertThatThrownBy(() -> SimulatorMain.parse(new String[] {"--bogus", "1"}))
        .hasMessageContaining("unknown option --bogus");
  }

  @Test
  void theCommandLineChoosesTheRetryHeadersOf429s() {
    LlmSimulator.Builder b =
        SimulatorMain.parse(
            new String[] {
              "--retry-after", "date", "--retry-after-ms", "true", "--ms-retry-after", "true"
            });
    LlmSimulator.Builder defaults = SimulatorMain.parse(new String[] {"--seed", "1"});

    assertThat(b).isNotNull();
    assertThat(b.retryAfterHttpDate).isTrue();
    assertThat(b.sendRetryAfterMs).isTrue();
    assertThat(b.sendMsRetryAfter).isTrue();
    assertThat(defaults).isNotNull();
    assertThat(defaults.retryAfterHttpDate).isFalse();
    assertThat(defaults.sendMsRetryAfter).isFalse();
    assertThatThrownBy(() -> SimulatorMain.parse(new String[] {"--retry-after", "minutes"}))
        .hasMessageContaining("--retry-after takes seconds or date, got 'minutes'");
  }
}
