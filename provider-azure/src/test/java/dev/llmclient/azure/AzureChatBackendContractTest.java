package dev.llmclient.azure;

import dev.llmclient.api.spi.ChatBackend;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.openai.HttpTransportSettings;
import dev.llmclient.testkit.contract.ChatBackendContractTest;
import dev.llmclient.testkit.contract.ContractSettings;
import dev.llmclient.testkit.simulator.LlmSimulator;
import java.util.Map;

/** The testkit's provider contract, run against the simulator's Azure deployment route. */
class AzureChatBackendContractTest extends ChatBackendContractTest {

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
}
