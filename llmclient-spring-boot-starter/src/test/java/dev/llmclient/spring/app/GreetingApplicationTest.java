package dev.llmclient.spring.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmclient.spring.LlmClientHealthIndicator;
import dev.llmclient.testkit.simulator.LlmSimulatorExtension;
import dev.llmclient.testkit.simulator.Route;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A real Spring Boot application, started the way Boot starts it (auto-configuration found through
 * the starter's imports file), calling the Azure route of the simulator on loopback.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class GreetingApplicationTest {

  @RegisterExtension
  static final LlmSimulatorExtension SIM =
      LlmSimulatorExtension.create(b -> b.apiKey("boot-key").deployment("chat-prod"));

  @DynamicPropertySource
  static void llmclient(DynamicPropertyRegistry properties) {
    properties.add("llmclient.provider", () -> "azure");
    properties.add("llmclient.endpoint", () -> SIM.simulator().azureEndpoint().toString());
    properties.add("llmclient.api-key", () -> "boot-key");
    properties.add("llmclient.deployment", () -> "chat-prod");
    properties.add("llmclient.api-version", () -> "2024-10-21");
  }

  @Autowired GreetingApplication.GreetingService service;
  @Autowired ApplicationContext context;

  @Test
  void theServiceGetsItsAnswerThroughTheAutoConfiguredClient() {
    GreetingApplication.Greeting greeting = service.greet("Ada");

    assertThat(greeting).isNotNull();
    assertThat(SIM.simulator().requests()).hasSize(1);
    assertThat(SIM.simulator().lastRequest().route()).isEqualTo(Route.CHAT_COMPLETIONS);
    assertThat(SIM.simulator().lastRequest().path()).contains("/openai/deployments/chat-prod/");
    assertThat(SIM.simulator().lastRequest().queryParameter("api-version")).isEqualTo("2024-10-21");
    assertThat(SIM.simulator().lastRequest().header("api-key")).isEqualTo("boot-key");
    assertThat(context.getBean(LlmClientHealthIndicator.class).health().getStatus())
        .isEqualTo(Status.UP);
  }
}
