package dev.llmclient.core.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmclient.api.LlmConfigurationException;
import dev.llmclient.api.spi.BackendInfo;
import dev.llmclient.api.spi.ChatBackend;
import dev.llmclient.api.spi.ChatCompletion;
import dev.llmclient.api.spi.ChatCompletionRequest;
import dev.llmclient.api.spi.EmbeddingBackend;
import dev.llmclient.api.spi.LlmProvider;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.api.spi.SettingNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * What a wrong {@value DeploymentPool#DEPLOYMENTS_SETTING} or a failing member provider does: each
 * mistake is named with the member it is in, and the members already created are closed, not
 * leaked.
 */
class DeploymentSettingsEdgesTest {

  /** A member backend whose close fails, as a broken backend's might. */
  static final class CloseFails implements ChatBackend {
    boolean closeCalled;

    @Override
    public BackendInfo info() {
      return new BackendInfo("acme", "acme", null, "big", null);
    }

    @Override
    public CompletableFuture<ChatCompletion> complete(ChatCompletionRequest request) {
      throw new AssertionError("no call is made while the pool is built");
    }

    @Override
    public void close() {
      closeCalled = true;
      throw new IllegalStateException("close failed");
    }
  }

  /** A provider that makes the members' backends from a script: one function per member. */
  static final class ScriptedProvider implements LlmProvider {
    final List<Function<ProviderSettings, @Nullable ChatBackend>> script = new ArrayList<>();
    final List<ProviderSettings> given = new ArrayList<>();

    /** The next member's backend is made by {@code step}. */
    ScriptedProvider then(Function<ProviderSettings, @Nullable ChatBackend> step) {
      script.add(step);
      return this;
    }

    @Override
    public String id() {
      return "acme";
    }

    @Override
    public Optional<SettingNames> settingNames() {
      return Optional.of(DeploymentSettingsTest.AcmeProvider.NAMES);
    }

    @Override
    public List<String> missingSettings(ProviderSettings settings) {
      return List.of();
    }

    @Override
    public @Nullable ChatBackend createChatBackend(ProviderSettings settings) {
      given.add(settings);
      return script.remove(0).apply(settings);
    }

    @Override
    public EmbeddingBackend createEmbeddingBackend(ProviderSettings settings) {
      throw new UnsupportedOperationException("not in this test");
    }
  }

  static ProviderSettings deployments(String value, String... more) {
    Map<String, String> m = new java.util.HashMap<>();
    m.put(DeploymentPool.DEPLOYMENTS_SETTING, value);
    for (int i = 0; i < more.length; i += 2) {
      m.put(more[i], more[i + 1]);
    }
    return ProviderSettings.of(m);
  }

  static final String TWO =
      "big@https://one.acme.example;provider=acme, big@https://two.acme.example;provider=acme";

  @Test
  void aProviderThatGivesNoBackendIsNamedAndTheMembersBeforeItAreClosed() {
    FakeMember first = new FakeMember("one");
    ScriptedProvider acme = new ScriptedProvider().then(s -> first).then(s -> null);

    assertThatThrownBy(() -> DeploymentPool.builder().membersFrom(deployments(TWO), id -> acme))
        .isInstanceOf(LlmConfigurationException.class)
        .hasMessage("The backend factory returned null for pool member big@two.acme.example");
    assertThat(first.closed).isTrue();
  }

  @Test
  void aProviderThatFailsKeepsItsFailureAndAFailingCloseIsAddedToIt() {
    CloseFails first = new CloseFails();
    IllegalStateException refused = new IllegalStateException("the second endpoint is refused");
    ScriptedProvider acme =
        new ScriptedProvider()
            .then(s -> first)
            .then(
                s -> {
                  throw refused;
                });

    assertThatThrownBy(() -> DeploymentPool.builder().membersFrom(deployments(TWO), id -> acme))
        .isSameAs(refused)
        .satisfies(
            e ->
                assertThat(e.getSuppressed())
                    .singleElement()
                    .extracting(Throwable::getMessage)
                    .isEqualTo("close failed"));
    assertThat(first.closeCalled).isTrue();
  }

  @Test
  void aMemberKeySettingThatIsNotSetIsNamedBeforeAnyBackendIsMade() {
    ScriptedProvider acme = new ScriptedProvider();

    assertThatThrownBy(
            () ->
                DeploymentPool.builder()
                    .membersFrom(
                        deployments("big@https://one.acme.example;provider=acme;key=ONE_KEY"),
                        id -> acme))
        .isInstanceOf(LlmConfigurationException.class)
        .hasMessage(
            "Pool member big@one.acme.example takes its API key from ONE_KEY, which is not set;"
                + " set it, or drop ;key= to use the provider's usual key");
    assertThat(acme.given).isEmpty();
  }

  @Test
  void emptyMembersAndAttributesAreSkippedButAListOfNothingIsRefused() {
    assertThat(
            DeploymentSettings.parse(
                " , big@https://one.acme.example;; tier = 2 ;,, small@http://127.0.0.1:9;weight=3,"))
        .extracting(
            DeploymentSettings.Spec::name,
            DeploymentSettings.Spec::tier,
            DeploymentSettings.Spec::weight)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("big@one.acme.example", 2, 1),
            org.assertj.core.groups.Tuple.tuple("small@127.0.0.1:9", 1, 3));
    assertThatThrownBy(() -> DeploymentSettings.parse(" , ,"))
        .isInstanceOf(LlmConfigurationException.class)
        .hasMessageStartingWith(
            DeploymentPool.DEPLOYMENTS_SETTING + " is malformed at ' , ,': it lists no member.");
  }

  @Test
  void aMemberWithoutDeploymentOrEndpointIsRefused() {
    for (String member : List.of("@https://a.example.com", "gpt-4o@", "gpt-4o@ ;tier=2")) {
      assertThatThrownBy(() -> DeploymentSettings.parse(member))
          .as(member)
          .isInstanceOf(LlmConfigurationException.class)
          .hasMessageContaining("must start with deployment@endpoint");
    }
  }

  @Test
  void anEndpointMustBeAnHttpUrlWithAHost() {
    assertThatThrownBy(() -> DeploymentSettings.parse("gpt-4o@https://a b.example.com"))
        .isInstanceOf(LlmConfigurationException.class)
        .hasMessageContaining("'https://a b.example.com' is not a URL");
    for (String endpoint : List.of("ftp://a.example.com", "a.example.com", "https:///v1")) {
      assertThatThrownBy(() -> DeploymentSettings.parse("gpt-4o@" + endpoint))
          .as(endpoint)
          .isInstanceOf(LlmConfigurationException.class)
          .hasMessageContaining("the endpoint must be an http(s) URL, got '" + endpoint + "'");
    }
  }

  @Test
  void anAttributeWithoutKeyOrValueSeparatorIsRefused() {
    assertThatThrownBy(() -> DeploymentSettings.parse("gpt-4o@https://a.example.com;tier"))
        .isInstanceOf(LlmConfigurationException.class)
        .hasMessageContaining("attribute 'tier' must be key=value");
    assertThatThrownBy(() -> DeploymentSettings.parse("gpt-4o@https://a.example.com;=2"))
        .isInstanceOf(LlmConfigurationException.class)
        .hasMessageContaining("attribute '=2' must be key=value");
  }
}
