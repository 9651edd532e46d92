package dev.llmclient.core.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.llmclient.api.LlmConfigurationException;
import dev.llmclient.api.spi.ChatBackend;
import dev.llmclient.api.spi.EmbeddingBackend;
import dev.llmclient.api.spi.LlmProvider;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.api.spi.SettingNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DeploymentSettingsTest {

  /** A provider outside the repository: it names its own settings and is known to no core code. */
  static final class AcmeProvider implements LlmProvider {
    static final SettingNames NAMES =
        new SettingNames("ACME_KEY", "ACME_URL", "ACME_MODEL", "ACME_SMALL", "ACME_EMBEDDING");
    final List<ProviderSettings> given = new ArrayList<>();
    final boolean declares;

    AcmeProvider(boolean declares) {
      this.declares = declares;
    }

    @Override
    public String id() {
      return "acme";
    }

    @Override
    public Optional<SettingNames> settingNames() {
      return declares ? Optional.of(NAMES) : Optional.empty();
    }

    @Override
    public List<String> missingSettings(ProviderSettings settings) {
      return settings.isSet("ACME_KEY") ? List.of() : List.of("ACME_KEY");
    }

    @Override
    public ChatBackend createChatBackend(ProviderSettings settings) {
      given.add(settings);
      return new FakeMember(settings.get("ACME_MODEL"));
    }

    @Override
    public EmbeddingBackend createEmbeddingBackend(ProviderSettings settings) {
      throw new UnsupportedOperationException("not in this test");
    }
  }

  @Test
  void aThirdProviderGetsEachMembersEndpointDeploymentAndKeyUnderItsOwnNames() {
    AcmeProvider acme = new AcmeProvider(true);
    ProviderSettings settings =
        ProviderSettings.of(
            Map.of(
                DeploymentPool.DEPLOYMENTS_SETTING,
                "big@https://one.acme.example;provider=acme;small=tiny,"
                    + " big@https://two.acme.example;provider=acme;key=TWO_KEY",
                "ACME_KEY",
                "shared",
                "TWO_KEY",
                "two"));

    DeploymentPool pool =
        DeploymentPool.builder()
            .membersFrom(settings, id -> id.equals("acme") ? acme : fail("asked for " + id))
            .build();

    assertThat(acme.given)
        .extracting(s -> s.get("ACME_URL"), s -> s.get("ACME_MODEL"), s -> s.get("ACME_KEY"))
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("https://one.acme.example", "big", "shared"),
            org.assertj.core.groups.Tuple.tuple("https://two.acme.example", "big", "two"));
    assertThat(acme.given.get(0).get("ACME_SMALL")).isEqualTo("tiny");
    assertThat(pool.stats())
        .extracting(DeploymentStats::name)
        .containsExactly("big@one.acme.example", "big@two.acme.example");
    pool.close();
  }

  @Test
  void aProviderThatDeclaresNoSettingNamesCannotBeAPoolMemberAndIsToldWhy() {
    AcmeProvider silent = new AcmeProvider(false);
    ProviderSettings settings =
        ProviderSettings.of(
            Map.of(
                DeploymentPool.DEPLOYMENTS_SETTING, "big@https://one.acme.example;provider=acme"));

    assertThatThrownBy(() -> DeploymentPool.builder().membersFrom(settings, id -> silent))
        .isInstanceOf(LlmConfigurationException.class)
        .hasMessageContaining("LLM provider 'acme'")
        .hasMessageContaining("does not declare its setting names")
        .hasMessageContaining("a pool member's endpoint, deployment and key");
    assertThat(silent.given).isEmpty();
  }

  @Test
  void theMembersAreDescribedWithoutKeysSayingWhichKeySettingIsMissing() {
    ProviderSettings settings =
        ProviderSettings.of(
            Map.of(
                DeploymentPool.DEPLOYMENTS_SETTING,
                "gpt-4o@https://east.example;rpm=600;tpm=90_000;small=mini,"
                    + " gpt-4o@https://west.example;key=WEST_KEY;tier=2,"
                    + " gpt-4o@https://north.example;key=NORTH_KEY;name=north",
                "NORTH_KEY",
                "secret-north"));

    assertThat(DeploymentPool.describeMembers(settings))
        .containsExactly(
            "gpt-4o@east.example: gpt-4o@https://east.example provider=azure tier=1 weight=1"
                + " rpm=600 tpm=90000 small=mini",
            "gpt-4o@west.example: gpt-4o@https://west.example provider=azure tier=2 weight=1"
                + " key=WEST_KEY (not set)",
            "north: gpt-4o@https://north.example provider=azure tier=1 weight=1 key=NORTH_KEY");
    assertThat(DeploymentPool.describeMembers(ProviderSettings.empty())).isEmpty();
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
    assertThatThrownBy(
            () -> DeploymentSettings.parse("gpt-4o@https://a.example.com;provider=my provider"))
        .hasMessageContaining("provider must be a provider id")
        .hasMessageContaining("got 'my provider'");
    assertThat(DeploymentSettings.parse("gpt-4o@https://a.example.com;provider=acme-2"))
        .extracting(DeploymentSettings.Spec::provider)
        .containsExactly("acme-2");
    assertThat(DeploymentSettings.parse("gpt-4o@https://a.example.com"))
        .extracting(DeploymentSettings.Spec::provider)
        .containsExactly(DeploymentPool.DEFAULT_MEMBER_PROVIDER);
  }

  @Test
  void aMissingSettingOrKeySaysWhatToSet() {
    assertThatThrownBy(
            () ->
                DeploymentPool.fromSettings(ProviderSettings.empty(), (p, s) -> new FakeMember(p)))
        .isInstanceOf(LlmConfigurationException.class)
        .hasMessageContaining(DeploymentPool.DEPLOYMENTS_SETTING + " is not set");
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
