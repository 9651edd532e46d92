package dev.llmclient.it.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmclient.api.LlmClient;
import dev.llmclient.api.Message;
import dev.llmclient.testkit.FakeLlmProvider;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Runs in the Surefire execution {@code discovery-lazy}: the fake provider plus {@link
 * ExplodingProvider}, whose constructor fails.
 */
class LazyInstantiationDiscoveryTest {

  @Test
  void selectingByIdNeverInstantiatesTheOtherProviders() {
    FakeLlmProvider.script().reset().enqueueContent("{\"ok\":true}");

    try (LlmClient client = Discovery.build("fake", Map.of())) {
      assertThat(client.generateResponse(List.of(Message.user("q")))).containsEntry("ok", true);
    }
  }
}
