package dev.llmclient.testkit.contract;

import dev.llmclient.api.spi.EmbeddingBackend;
import dev.llmclient.testkit.simulator.LlmSimulator;

/** The embedding kit, run against the java.net.http reference backend. */
class ReferenceEmbeddingBackendContractTest extends EmbeddingBackendContractTest {

  @Override
  protected EmbeddingBackend createBackend(LlmSimulator simulator, ContractSettings settings) {
    return new ReferenceOpenAiBackend(
        simulator.openAiBaseUri(), settings.apiKey(), settings.responseTimeout());
  }
}
