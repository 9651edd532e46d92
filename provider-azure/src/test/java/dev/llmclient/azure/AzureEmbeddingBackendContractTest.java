package dev.llmclient.azure;

import dev.llmclient.api.spi.EmbeddingBackend;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.openai.HttpTransportSettings;
import dev.llmclient.testkit.contract.ContractSettings;
import dev.llmclient.testkit.contract.EmbeddingBackendContractTest;
import dev.llmclient.testkit.simulator.LlmSimulator;
import java.util.Map;

/** The testkit's embeddings contract, run against the simulator's Azure deployment route. */
class AzureEmbeddingBackendContractTest extends EmbeddingBackendContractTest {

  @Override
  protected EmbeddingBackend createBackend(LlmSimulator simulator, ContractSettings settings) {
    return new AzureOpenAiProvider()
        .createEmbeddingBackend(
            ProviderSettings.of(
                Map.of(
                    AzureOpenAiProvider.ENDPOINT, simulator.azureEndpoint().toString(),
                    AzureOpenAiProvider.API_KEY, settings.apiKey(),
                    AzureOpenAiProvider.EMBEDDING_DEPLOYMENT_NAME, settings.model(),
                    HttpTransportSettings.RESPONSE_TIMEOUT,
                        settings.responseTimeout().toMillis() + "ms")));
  }
}
