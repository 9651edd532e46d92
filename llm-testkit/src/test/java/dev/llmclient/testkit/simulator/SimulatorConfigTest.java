package dev.llmclient.testkit.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SimulatorConfigTest {

  private static final String CHAT = "/v1/chat/completions";
  private static final String HELLO =
      "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";

  @Test
  void changingTheBuilderAfterStartChangesNothingInTheRunningSimulator() {
    LlmSimulator.Builder builder = LlmSimulator.builder().promptFilterTrigger("[block]");
    try (LlmSimulator sim = builder.start();
        SimHttp http = new SimHttp(sim)) {
      builder
          .apiKey("late-key")
          .promptFilterTrigger("hello")
          .fault(Fault.status(503))
          .script("hello", "scripted late")
          .deployment("other");

      SimHttp.Response r = http.post(CHAT, HELLO);

      assertThat(r.status()).isEqualTo(200);
      assertThat(r.json().path("choices").get(0).path("message").path("content").asText())
          .isNotEqualTo("scripted late");
      assertThat(sim.promptFilterTrigger()).isEqualTo("[block]");
      sim.reset();
      assertThat(http.post(CHAT, HELLO).status()).isEqualTo(200);
      assertThat(sim.deployments()).extracting(Deployment::name).doesNotContain("other");
    }
  }

  @Test
  void theFrozenConfigDoesNotShowKeysOrTokens() {
    SimulatorConfig config =
        LlmSimulator.builder().apiKey("sk-secret-1").bearerToken("entra-secret-2").freeze();

    assertThat(config.toString()).doesNotContain("sk-secret-1").doesNotContain("entra-secret-2");
    assertThat(config.authenticates()).isTrue();
  }
}
