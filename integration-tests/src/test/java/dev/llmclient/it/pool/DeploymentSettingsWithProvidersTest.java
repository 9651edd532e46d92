package dev.llmclient.it.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.core.pool.DeploymentPool;
import dev.llmclient.core.pool.DeploymentStats;
import dev.llmclient.testkit.ScriptedChatBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@value DeploymentPool#DEPLOYMENTS_SETTING} with the real providers on the classpath: each
 * member's endpoint, deployment and key arrive under the names the Azure and OpenAI providers
 * declare (moved here from llm-core, whose tests have no provider on the classpath).
 */
class DeploymentSettingsWithProvidersTest {

  private static final String THREE =
      "gpt-4o@https://east.openai.azure.com;rpm=600;tpm=90_000;weight=2,"
          + " gpt-4o@https://west.openai.azure.com;key=WEST_KEY;name=west,"
          + " gpt-4o-mini@https://api.openai.com/v1;provider=openai;tier=2;key=OPENAI_FALLBACK";

  @Test
  void oneSettingDescribesEveryMemberAndEachBackendGetsItsOwnEndpointDeploymentAndKey() {
    ProviderSettings settings =
        ProviderSettings.of(
            Map.of(
                DeploymentPool.DEPLOYMENTS_SETTING,
                THREE,
                "AZURE_OPENAI_API_KEY",
                "shared-key",
                "WEST_KEY",
                "west-key",
                "OPENAI_FALLBACK",
                "sk-fallback",
                "AZURE_OPENAI_API_VERSION",
                "2024-10-21"));
    List<String> created = new ArrayList<>();
    List<ProviderSettings> given = new ArrayList<>();

    DeploymentPool pool =
        DeploymentPool.fromSettings(
            settings,
            (provider, s) -> {
              created.add(provider);
              given.add(s);
              return new ScriptedChatBackend();
            });

    assertThat(created).containsExactly("azure", "azure", "openai");
    assertThat(given.get(0).get("AZURE_OPENAI_ENDPOINT"))
        .isEqualTo("https://east.openai.azure.com");
    assertThat(given.get(0).get("AZURE_OPENAI_DEPLOYMENT_NAME")).isEqualTo("gpt-4o");
    assertThat(given.get(0).get("AZURE_OPENAI_API_KEY")).isEqualTo("shared-key");
    assertThat(given.get(0).get("AZURE_OPENAI_API_VERSION")).isEqualTo("2024-10-21");
    assertThat(given.get(1).get("AZURE_OPENAI_API_KEY")).isEqualTo("west-key");
    assertThat(given.get(2).get("OPENAI_BASE_URL")).isEqualTo("https://api.openai.com/v1");
    assertThat(given.get(2).get("MODEL_NAME")).isEqualTo("gpt-4o-mini");
    assertThat(given.get(2).get("OPENAI_API_KEY")).isEqualTo("sk-fallback");
    assertThat(pool.stats())
        .extracting(
            DeploymentStats::name, DeploymentStats::tier, DeploymentStats::requestsPerMinute)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("gpt-4o@east.openai.azure.com", 1, 600),
            org.assertj.core.groups.Tuple.tuple("west", 1, 0),
            org.assertj.core.groups.Tuple.tuple("gpt-4o-mini@api.openai.com", 2, 0));
    assertThat(pool.stats().get(0).tokensPerMinute()).isEqualTo(90_000);
    assertThat(pool.toString()).doesNotContain("key");
  }

  @Test
  void aMissingKeySettingIsNamedAndTheBackendsAlreadyCreatedAreClosed() {
    List<ScriptedChatBackend> created = new ArrayList<>();
    ProviderSettings settings =
        ProviderSettings.of(
            Map.of(
                DeploymentPool.DEPLOYMENTS_SETTING,
                "a@https://a.example.com,b@https://b.example.com;key=B_KEY"));
    assertThatThrownBy(
            () ->
                DeploymentPool.fromSettings(
                    settings,
                    (p, s) -> {
                      ScriptedChatBackend m = new ScriptedChatBackend();
                      created.add(m);
                      return m;
                    }))
        .hasMessageContaining("takes its API key from B_KEY, which is not set");
    // the backend already created is closed again
    assertThat(created).singleElement().satisfies(m -> assertThat(m.isClosed()).isTrue());
  }
}
