package dev.llmclient.testkit.contract;

import dev.llmclient.api.spi.ChatBackend;
import dev.llmclient.testkit.simulator.LlmSimulator;

/** The kit, run against the java.net.http reference backend to show it can be passed. */
class ReferenceChatBackendContractTest extends ChatBackendContractTest {

  @Override
  protected ChatBackend createBackend(LlmSimulator simulator, ContractSettings settings) {
    return new ReferenceOpenAiBackend(
        simulator.openAiBaseUri(), settings.apiKey(), settings.responseTimeout());
  }

  /** java.net.http on Java 17 has no close(); its selector thread ends once the client is gone. */
  @Override
  protected boolean releasesOnlyWhenUnreachable() {
    return true;
  }
}
