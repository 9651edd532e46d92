package dev.llmclient.openai;

import dev.llmclient.api.spi.EmbeddingBackend;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.testkit.contract.ContractSettings;
import dev.llmclient.testkit.contract.EmbeddingBackendContractTest;
import dev.llmclient.testkit.simulator.LlmSimulator;
import java.util.Map;

/** The testkit's embeddings contract, run against the simulator's OpenAI route. */
class OpenAiEmbeddingBackendContractTest extends EmbeddingBackendContractTest {

  @Override
  protected EmbeddingBackend createBackend(LlmSimulator simulator, ContractSettings settings) {
    return new OpenAiProvider()
        .createEmbeddingBackend(
            ProviderSettings.of(
                Map.of(
                    OpenAiProvider.API_KEY, settings.apiKey(),
                    OpenAiProvider.BASE_URL, simulator.openAiBaseUri().toString(),
                    OpenAiProvider.EMBEDDING_MODEL_NAME, settings.model(),
                    HttpTransportSettings.RESPONSE_TIMEOUT,
                        settings.responseTimeout().toMillis() + "ms")));
  }
}
