package dev.llmclient.azure;

import dev.llmclient.api.spi.BatchBackend;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.openai.HttpTransportSettings;
import dev.llmclient.testkit.contract.BatchBackendContractTest;
import dev.llmclient.testkit.contract.ContractSettings;
import dev.llmclient.testkit.simulator.LlmSimulator;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** The testkit's batch contract on Azure with Entra ID bearer tokens instead of a key. */
class AzureEntraIdBatchBackendContractTest extends BatchBackendContractTest {

  @Override
  protected void configureSimulator(LlmSimulator.Builder builder) {
    builder.bearerToken("entra-token");
  }

  @Override
  protected BatchBackend createBackend(LlmSimulator simulator, ContractSettings settings) {
    // A wrong key becomes a wrong token, so the 401 case checks token authentication too.
    String token = settings.apiKey().equals(API_KEY) ? "entra-token" : settings.apiKey();
    AzureTokenSource source =
        scope ->
            CompletableFuture.completedFuture(
                new AzureAccessToken(token, Instant.now().plusSeconds(3600)));
    return new AzureOpenAiProvider(source)
        .createBatchBackend(
            ProviderSettings.of(
                Map.of(
                    AzureOpenAiProvider.ENDPOINT, simulator.azureEndpoint().toString(),
                    AzureOpenAiProvider.BATCH_DEPLOYMENT_NAME, settings.model(),
                    HttpTransportSettings.RESPONSE_TIMEOUT,
                        settings.responseTimeout().toMillis() + "ms")));
  }
}
