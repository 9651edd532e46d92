package dev.llmclient.openai;

import dev.llmclient.api.spi.BatchBackend;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.testkit.contract.BatchBackendContractTest;
import dev.llmclient.testkit.contract.ContractSettings;
import dev.llmclient.testkit.simulator.LlmSimulator;
import java.util.Map;

/** The testkit's batch contract, run against the simulator's OpenAI {@code /v1} routes. */
class OpenAiBatchBackendContractTest extends BatchBackendContractTest {

  @Override
  protected BatchBackend createBackend(LlmSimulator simulator, ContractSettings settings) {
    return new OpenAiProvider()
        .createBatchBackend(
            ProviderSettings.of(
                Map.of(
                    OpenAiProvider.BASE_URL, simulator.openAiBaseUri().toString(),
                    OpenAiProvider.API_KEY, settings.apiKey(),
                    OpenAiProvider.MODEL_NAME, settings.model(),
                    HttpTransportSettings.RESPONSE_TIMEOUT,
                        settings.responseTimeout().toMillis() + "ms")));
  }
}
