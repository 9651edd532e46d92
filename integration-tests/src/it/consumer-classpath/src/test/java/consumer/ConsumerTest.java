package consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.llmclient.api.LlmClient;
import dev.llmclient.api.Message;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.core.LlmClients;
import dev.llmclient.testkit.simulator.LlmSimulator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConsumerTest {

  record Person(String name, int born) {}

  @Test
  void theInstalledArtifactsSelectTheProviderAndCallTheSimulator() {
    try (LlmSimulator sim = LlmSimulator.builder().apiKey("k").start();
        LlmClient llm =
            LlmClients.builder()
                .provider("openai")
                .settings(
                    ProviderSettings.of(
                        Map.of(
                            "OPENAI_BASE_URL", sim.openAiBaseUri().toString(),
                            "OPENAI_API_KEY", "k",
                            "MODEL_NAME", "gpt-4o")))
                .build()) {
      Person p = llm.generate(List.of(Message.user("Ada Lovelace (1815)")), Person.class);
      assertNotNull(p.name());
      assertEquals(1, sim.counters().responses(200));
    }
  }
}
