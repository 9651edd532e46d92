package dev.llmclient.core.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmclient.api.LlmConfigurationException;
import dev.llmclient.api.spi.ProviderSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeploymentSettingsTest {

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
              return new FakeMember(provider);
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
  void mistakesAreNamedWithTheExpectedSyntax() {
    assertThatThrownBy(() -> DeploymentSettings.parse("gpt-4o"))
        .isInstanceOf(LlmConfigurationException.class)
        .hasMessageContaining("must start with deployment@endpoint")
        .hasMessageContaining("Expected deployment@https://endpoint");
    assertThatThrownBy(() -> DeploymentSettings.parse("gpt-4o@https://a.example.com;color=red"))
        .hasMessageContaining("unknown attribute 'color'");
    assertThatThrownBy(() -> DeploymentSettings.parse("gpt-4o@https://a.example.com;tier=first"))
        .hasMessageContaining("tier must be a whole number");
    assertThatThrownBy(
            () ->
                DeploymentSettings.parse(
                    "gpt-4o@https://a.example.com,gpt-4o@https://a.example.com"))
        .hasMessageContaining("two members are named 'gpt-4o@a.example.com'");
    assertThat(
            DeploymentSettings.parse("gpt-4o@http://127.0.0.1:8081,gpt-4o@http://127.0.0.1:8082"))
        .extracting(DeploymentSettings.Spec::name)
        .containsExactly("gpt-4o@127.0.0.1:8081", "gpt-4o@127.0.0.1:8082");
    assertThatThrownBy(() -> DeploymentSettings.parse("gpt-4o@https://user:secret@a.example.com"))
        .hasMessageContaining("must not contain credentials");
    assertThatThrownBy(() -> DeploymentSettings.parse("gpt-4o@https://a.example.com;provider=x"))
        .hasMessageContaining("provider must be azure or openai");
  }

  @Test
  void aMissingSettingOrKeySaysWhatToSet() {
    assertThatThrownBy(
            () ->
                DeploymentPool.fromSettings(ProviderSettings.empty(), (p, s) -> new FakeMember(p)))
        .isInstanceOf(LlmConfigurationException.class)
        .hasMessageContaining(DeploymentPool.DEPLOYMENTS_SETTING + " is not set");

    List<FakeMember> created = new ArrayList<>();
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
                      FakeMember m = new FakeMember(p);
                      created.add(m);
                      return m;
                    }))
        .hasMessageContaining("takes its API key from B_KEY, which is not set");
    // the backend already created is closed again
    assertThat(created).singleElement().satisfies(m -> assertThat(m.closed).isTrue());
  }

  @Test
  void withoutTheProviderOnTheClasspathTheMessageNamesTheArtifact() {
    ProviderSettings settings =
        ProviderSettings.of(Map.of(DeploymentPool.DEPLOYMENTS_SETTING, "a@https://a.example.com"));

    assertThatThrownBy(() -> DeploymentPool.fromSettings(settings))
        .isInstanceOf(LlmConfigurationException.class)
        .hasMessageContaining("add the dev.llmclient:provider-azure dependency");
  }
}
