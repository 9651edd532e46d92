package consumer;

import dev.llmclient.api.LlmClient;
import dev.llmclient.api.Message;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.core.LlmClients;
import dev.llmclient.testkit.simulator.LlmSimulator;
import java.util.List;
import java.util.Map;

/** Selects the provider found on the class path and makes one JSON call. */
public final class App {

  private App() {}

  public static void main(String[] args) {
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
      // Gradle 4.4 compiles at an older source level (no records), so the answer is a map.
      Map<String, Object> answer =
          llm.generateResponse(List.of(Message.user("Ada Lovelace (1815) as JSON")));
      if (answer.isEmpty() || sim.counters().responses(200) != 1) {
        throw new IllegalStateException("unexpected answer " + answer);
      }
      System.out.println("GRADLE CONSUMER OK " + answer.keySet().size());
    }
  }
}
