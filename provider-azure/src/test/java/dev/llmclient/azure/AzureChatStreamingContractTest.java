package dev.llmclient.azure;

import dev.llmclient.api.spi.ChatBackend;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.openai.HttpTransportSettings;
import dev.llmclient.testkit.contract.ChatStreamingContractTest;
import dev.llmclient.testkit.contract.ContractSettings;
import dev.llmclient.testkit.simulator.LlmSimulator;
import java.util.Map;

/** The testkit's streaming, tool and image contract, run against Azure's deployment route. */
class AzureChatStreamingContractTest extends ChatStreamingContractTest {

  @Override
  protected ChatBackend createBackend(LlmSimulator simulator, ContractSettings settings) {
    return new AzureOpenAiProvider()
        .createChatBackend(
            ProviderSettings.of(
                Map.of(
                    AzureOpenAiProvider.ENDPOINT, simulator.azureEndpoint().toString(),
                    AzureOpenAiProvider.API_KEY, settings.apiKey(),
                    AzureOpenAiProvider.DEPLOYMENT_NAME, settings.model(),
                    HttpTransportSettings.RESPONSE_TIMEOUT,
                        settings.responseTimeout().toMillis() + "ms")));
  }

  @Override
  protected boolean sendsAzureFilterChunks() {
    return true;
  }
}
