package dev.llmclient.azure;

import dev.llmclient.api.spi.BatchBackend;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.openai.HttpTransportSettings;
import dev.llmclient.testkit.contract.BatchBackendContractTest;
import dev.llmclient.testkit.contract.ContractSettings;
import dev.llmclient.testkit.simulator.LlmSimulator;
import java.util.Map;

/**
 * The testkit's batch contract against the simulator's Azure routes: {@code /openai/files} and
 * {@code /openai/batches} with api-version and an {@code api-key}.
 */
class AzureBatchBackendContractTest extends BatchBackendContractTest {

  @Override
  protected BatchBackend createBackend(LlmSimulator simulator, ContractSettings settings) {
    return new AzureOpenAiProvider()
        .createBatchBackend(azureSettings(simulator, settings, "deployments"));
  }

  static ProviderSettings azureSettings(
      LlmSimulator simulator, ContractSettings settings, String mode) {
    return ProviderSettings.of(
        Map.of(
            AzureOpenAiProvider.ENDPOINT, simulator.azureEndpoint().toString(),
            AzureOpenAiProvider.API_KEY, settings.apiKey(),
            AzureOpenAiProvider.API_MODE, mode,
            AzureOpenAiProvider.BATCH_DEPLOYMENT_NAME, settings.model(),
            HttpTransportSettings.RESPONSE_TIMEOUT, settings.responseTimeout().toMillis() + "ms"));
  }
}
