package dev.llmclient.azure;

import dev.llmclient.api.spi.BatchBackend;
import dev.llmclient.testkit.contract.BatchBackendContractTest;
import dev.llmclient.testkit.contract.ContractSettings;
import dev.llmclient.testkit.simulator.LlmSimulator;

/** The testkit's batch contract on Azure's {@code /openai/v1/} route. */
class AzureV1BatchBackendContractTest extends BatchBackendContractTest {

  @Override
  protected BatchBackend createBackend(LlmSimulator simulator, ContractSettings settings) {
    return new AzureOpenAiProvider()
        .createBatchBackend(AzureBatchBackendContractTest.azureSettings(simulator, settings, "v1"));
  }
}
