package com.example.llmclient;

import dev.llmclient.api.LlmClient;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.core.LlmClients;
import dev.llmclient.testkit.simulator.LlmSimulator;
import java.util.Map;

/**
 * What the chat examples share: a local OpenAI-compatible simulator and a client of the real OpenAI
 * provider pointed at it. Against a real service, use {@code LlmClients.fromEnvironment()} with
 * {@code OPENAI_API_KEY} or {@code AZURE_OPENAI_*} set instead.
 */
final class Simulated {

  static final String KEY = "sk-example-key";

  private Simulated() {}

  /**
   * A simulator on a free loopback port.
   *
   * @param builder the simulator's settings, with the example key already set
   * @return the running simulator; close it when done
   */
  static LlmSimulator simulator(LlmSimulator.Builder builder) {
    return builder.apiKey(KEY).start();
  }

  /**
   * A client of the OpenAI provider on the simulator.
   *
   * @param sim the simulator
   * @return the client; close it when done
   */
  static LlmClient client(LlmSimulator sim) {
    return LlmClients.builder()
        .provider("openai")
        .settings(
            ProviderSettings.of(
                Map.of(
                    "OPENAI_API_KEY",
                    KEY,
                    "OPENAI_BASE_URL",
                    sim.openAiBaseUri().toString(),
                    "MODEL_NAME",
                    "gpt-4o")))
        .build();
  }
}
