package dev.llmclient.openai;

import dev.llmclient.api.spi.ChatBackend;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.testkit.contract.ChatStreamingContractTest;
import dev.llmclient.testkit.contract.ContractSettings;
import dev.llmclient.testkit.simulator.LlmSimulator;
import java.util.Map;

/** The testkit's streaming, tool and image contract, run against the simulator's OpenAI routes. */
class OpenAiChatStreamingContractTest extends ChatStreamingContractTest {

  @Override
  protected ChatBackend createBackend(LlmSimulator simulator, ContractSettings settings) {
    return new OpenAiProvider()
        .createChatBackend(
            ProviderSettings.of(
                Map.of(
                    OpenAiProvider.API_KEY, settings.apiKey(),
                    OpenAiProvider.BASE_URL, simulator.openAiBaseUri().toString(),
                    OpenAiProvider.MODEL_NAME, settings.model(),
                    HttpTransportSettings.RESPONSE_TIMEOUT,
                        settings.responseTimeout().toMillis() + "ms")));
  }
}
