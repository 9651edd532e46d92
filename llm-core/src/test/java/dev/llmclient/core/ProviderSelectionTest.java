package dev.llmclient.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmConfigurationException;
import dev.llmclient.api.Message;
import dev.llmclient.api.spi.ChatBackend;
import dev.llmclient.api.spi.EmbeddingBackend;
import dev.llmclient.api.spi.LlmProvider;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.api.spi.SettingNames;
import dev.llmclient.core.internal.select.ProviderCandidate;
import dev.llmclient.testkit.ScriptedChatBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProviderSelectionTest {

  /** A provider stand-in that counts how it is used. */
  static final class StubProvider implements LlmProvider {
    final String id;
    final List<String> requiredSettings;
    final AtomicInteger backendsCreated = new AtomicInteger();
    final ScriptedChatBackend backend = new ScriptedChatBackend();
    @Nullable ProviderSettings settingsSeen;
    @Nullable SettingNames names;

    StubProvider(String id, String... requiredSettings) {
      this.id = id;
      this.requiredSettings = List.of(requiredSettings);
    }

    @Override
    public String id() {
      return id;
    }

    @Override
    public Optional<SettingNames> settingNames() {
      return Optional.ofNullable(names);
    }

    @Override
    public List<String> missingSettings(ProviderSettings settings) {
      return requiredSettings.stream().filter(s -> !settings.isSet(s)).toList();
    }

    @Override
    public ChatBackend createChatBackend(ProviderSettings settings) {
      backendsCreated.incrementAndGet();
      settingsSeen = settings;
      return backend;
    }

    @Override
    public EmbeddingBackend createEmbeddingBackend(ProviderSettings settings) {
      throw new UnsupportedOperationException();
    }
  }

  /** A candidate that counts instantiations, with or without a declared id. */
  static final class StubCandidate implements ProviderCandidate {
    final StubProvider provider;
    final String className;
    final boolean annotated;
    final AtomicInteger instantiations = new AtomicInteger();

    StubCandidate(StubProvider provider, String className, boolean annotated) {
      this.provider = provider;
      this.className = className;
      this.annotated = annotated;
    }

    @Override
    public String className() {
      return className;
    }

    @Override
    public @Nullable String declaredId() {
      return annotated ? provider.id : null;
    }

    @Override
    public LlmProvider instantiate() {
      instantiations.incrementAndGet();
      return provider;
    }
  }

  private final List<ProviderCandidate> candidates = new ArrayList<>();

  private StubCandidate add(String id, String className, String... required) {
    StubCandidate c = new StubCandidate(new StubProvider(id, required), className, true);
    candidates.add(c);
    return c;
  }

  private LlmClient build(@Nullable String builderId, Map<String, String> settings) {
    LlmClients.Builder b =
        LlmClients.builder()
            .settings(ProviderSettings.of(settings))
            .candidates(() -> candidates)
            .tracer(dev.llmclient.api.spi.Tracer.noop());
    if (builderId != null) {
      b.provider(builderId);
    }
    return b.build();
  }

  @AfterEach
  void clearProperty() {
    System.clearProperty("llm.provider");
  }

  @Test
  void noProviderOnTheClasspathSaysWhichArtifactToAdd() {
    assertThatThrownBy(() -> build(null, Map.of()))
        .isExactlyInstanceOf(LlmConfigurationException.class)
        .hasMessage(
            "No LLM provider found on the classpath. Add one provider artifact:"
                + " dev.llmclient:provider-azure (Azure OpenAI) or dev.llmclient:provider-openai"
                + " (OpenAI and compatible servers). [llmclient: no-provider]");
  }

  @Test
  void theOnlyConfiguredProviderIsSelectedAndOnlyItGetsABackend() {
    StubCandidate azure = add("azure", "x.Azure", "AZURE_OPENAI_ENDPOINT");
    StubCandidate openai = add("openai", "x.OpenAi", "OPENAI_API_KEY");
    openai.provider.backend.enqueueContent("{\"ok\":true}");

    try (LlmClient client = build(null, Map.of("OPENAI_API_KEY", "sk-1"))) {
      assertThat(client.generateResponse(List.of(Message.user("q")))).containsEntry("ok", true);
    }
    assertThat(openai.provider.backendsCreated).hasValue(1);
    assertThat(azure.provider.backendsCreated).hasValue(0);
  }

  @Test
  void anExplicitIdInstantiatesOnlyTheSelectedAnnotatedProvider() {
    StubCandidate azure = add("azure", "x.Azure");
    StubCandidate openai = add("openai", "x.OpenAi");

    build("openai", Map.of()).close();

    assertThat(openai.instantiations).hasValue(1);
    assertThat(azure.instantiations).hasValue(0);
    assertThat(azure.provider.backendsCreated).hasValue(0);
  }

  @Test
  void aProviderWithoutTheAnnotationIsInstantiatedToReadItsId() {
    StubCandidate plain = new StubCandidate(new StubProvider("custom"), "x.Custom", false);
    candidates.add(plain);
    add("openai", "x.OpenAi", "OPENAI_API_KEY");

    build("custom", Map.of()).close();

    assertThat(plain.provider.backendsCreated).hasValue(1);
  }

  @Test
  void duplicateIdsAreReportedFirstWithSortedClassNames() {
    add("fake", "z.Second");
    add("fake", "a.First");
    add("openai", "x.OpenAi");

    assertThatThrownBy(() -> build("openai", Map.of()))
        .isExactlyInstanceOf(LlmConfigurationException.class)
        .hasMessage(
            "Two LLM providers on the classpath have the id 'fake': a.First and z.Second."
                + " Remove one of the jars. [llmclient: duplicate-provider]");
  }

  @Test
  void anUnknownIdListsTheIdsFoundSorted() {
    add("openai", "x.OpenAi");
    add("azure", "x.Azure");

    assertThatThrownBy(() -> build("anthropic", Map.of()))
        .isExactlyInstanceOf(LlmConfigurationException.class)
        .hasMessage(
            "LLM provider 'anthropic' (from LlmClients.builder().provider(...)) is not on the"
                + " classpath. Found: azure, openai. Fix the id or add the provider's artifact."
                + " [llmclient: unknown-provider]");
  }

  @Test
  void anUnknownIdWithNothingFoundSaysNone() {
    assertThatThrownBy(() -> build(null, Map.of("LLM_PROVIDER", "azure")))
        .hasMessage(
            "LLM provider 'azure' (from LLM_PROVIDER) is not on the classpath. Found: none."
                + " Fix the id or add the provider's artifact. [llmclient: unknown-provider]");
  }

  @Test
  void anExplicitButUnconfiguredProviderListsWhatIsMissing() {
    add("azure", "x.Azure", "AZURE_OPENAI_ENDPOINT", "AZURE_OPENAI_API_KEY");
    System.setProperty("llm.provider", "azure");

    assertThatThrownBy(() -> build(null, Map.of()))
        .isExactlyInstanceOf(LlmConfigurationException.class)
        .hasMessage(
            "LLM provider 'azure' (from -Dllm.provider) is not configured. Missing:"
                + " AZURE_OPENAI_ENDPOINT; AZURE_OPENAI_API_KEY. [llmclient: not-configured]");
  }

  @Test
  void noConfiguredProviderListsEachWithItsMissingSettings() {
    add("openai", "x.OpenAi", "OPENAI_API_KEY");
    add("azure", "x.Azure", "AZURE_OPENAI_ENDPOINT", "AZURE_OPENAI_API_KEY");

    assertThatThrownBy(() -> build(null, Map.of()))
        .isExactlyInstanceOf(LlmConfigurationException.class)
        .hasMessage(
            "No LLM provider is configured. Found: azure (missing: AZURE_OPENAI_ENDPOINT;"
                + " AZURE_OPENAI_API_KEY), openai (missing: OPENAI_API_KEY). Set the missing"
                + " settings of the provider you want, or select one with LLM_PROVIDER,"
                + " -Dllm.provider or LlmClients.builder().provider(id)."
                + " [llmclient: none-configured]");
  }

  @Test
  void severalConfiguredProvidersAreAnErrorListingThemSorted() {
    add("openai", "x.OpenAi");
    add("fake", "x.Fake");

    assertThatThrownBy(() -> build(null, Map.of()))
        .isExactlyInstanceOf(LlmConfigurationException.class)
        .hasMessage(
            "Several LLM providers are configured: fake, openai. Select one with"
                + " LLM_PROVIDER=<id>, -Dllm.provider=<id> or LlmClients.builder().provider(id)."
                + " [llmclient: several-configured]");
  }

  @Test
  void builderIdBeatsSystemPropertyWhichBeatsTheSetting() {
    StubCandidate a = add("a", "x.A");
    StubCandidate b = add("b", "x.B");
    StubCandidate c = add("c", "x.C");
    System.setProperty("llm.provider", "b");

    build("a", Map.of("LLM_PROVIDER", "c")).close();
    assertThat(a.provider.backendsCreated).hasValue(1);

    build(null, Map.of("LLM_PROVIDER", "c")).close();
    assertThat(b.provider.backendsCreated).hasValue(1);

    System.clearProperty("llm.provider");
    build(null, Map.of("LLM_PROVIDER", "c")).close();
    assertThat(c.provider.backendsCreated).hasValue(1);
  }

  @Test
  void theConfigsApiKeyAndBaseUrlReachTheSelectedProviderUnderItsOwnNames() {
    StubCandidate openai = add("openai", "x.OpenAi", "OPENAI_API_KEY");
    openai.provider.names =
        new SettingNames(
            "OPENAI_API_KEY",
            "OPENAI_BASE_URL",
            "MODEL_NAME",
            "SMALL_MODEL_NAME",
            "EMBEDDING_MODEL_NAME");

    LlmClients.builder()
        .settings(ProviderSettings.of(Map.of()))
        .candidates(() -> candidates)
        .config(LlmConfig.builder().apiKey("sk-config").baseUrl("http://127.0.0.1:9").build())
        .build()
        .close();

    assertThat(openai.provider.settingsSeen).isNotNull();
    assertThat(openai.provider.settingsSeen.get("OPENAI_API_KEY")).isEqualTo("sk-config");
    assertThat(openai.provider.settingsSeen.get("OPENAI_BASE_URL")).isEqualTo("http://127.0.0.1:9");
  }

  @Test
  void aThirdProviderGetsTheConfigsKeyAndUrlUnderTheNamesItDeclaresWithNoChangeInCore() {
    StubCandidate acme = add("acme", "x.Acme", "ACME_KEY");
    acme.provider.names =
        new SettingNames("ACME_KEY", "ACME_URL", "ACME_MODEL", "ACME_SMALL", "ACME_EMBEDDING");

    LlmClients.builder()
        .settings(ProviderSettings.of(Map.of()))
        .candidates(() -> candidates)
        .tracer(dev.llmclient.api.spi.Tracer.noop())
        .config(LlmConfig.builder().apiKey("k-acme").baseUrl("http://127.0.0.1:9").build())
        .build()
        .close();

    assertThat(acme.provider.settingsSeen).isNotNull();
    assertThat(acme.provider.settingsSeen.get("ACME_KEY")).isEqualTo("k-acme");
    assertThat(acme.provider.settingsSeen.get("ACME_URL")).isEqualTo("http://127.0.0.1:9");
  }

  @Test
  void aProviderWithoutSettingNamesIsToldSoWhenAKeyFromCodeMustReachIt() {
    StubCandidate plain = add("plain", "x.Plain", "PLAIN_KEY");

    assertThatThrownBy(
            () ->
                LlmClients.builder()
                    .settings(ProviderSettings.of(Map.of("PLAIN_KEY", "k")))
                    .candidates(() -> candidates)
                    .provider("plain")
                    .config(LlmConfig.builder().apiKey("k-code").build())
                    .build())
        .isInstanceOf(LlmConfigurationException.class)
        .hasMessageContaining("LLM provider 'plain'")
        .hasMessageContaining("does not declare its setting names")
        .hasMessageContaining("the API key set in code")
        .hasMessageEndingWith("[llmclient: no-setting-names]");
    assertThat(plain.provider.backendsCreated).hasValue(0);

    // its own settings alone are enough: nothing needs handing over
    build(null, Map.of("PLAIN_KEY", "k")).close();
    assertThat(plain.provider.backendsCreated).hasValue(1);
  }

  @Test
  void describeProvidersReportsEveryProviderAndTheSelection() {
    add("openai", "x.OpenAi", "OPENAI_API_KEY");
    add("azure", "x.Azure", "AZURE_OPENAI_ENDPOINT");

    ProviderReport report =
        LlmClients.describeProviders(
            ProviderSettings.of(Map.of("OPENAI_API_KEY", "sk")), candidates);

    assertThat(report.providers())
        .containsExactly(
            new ProviderStatus("azure", "x.Azure", false, List.of("AZURE_OPENAI_ENDPOINT"), false),
            new ProviderStatus("openai", "x.OpenAi", true, List.of(), true));
    assertThat(report.selectedId()).contains("openai");
    assertThat(report.problem()).isEmpty();
  }

  @Test
  void describeProvidersCarriesTheSelectionErrorInsteadOfThrowing() {
    add("openai", "x.OpenAi");
    add("azure", "x.Azure");

    ProviderReport report = LlmClients.describeProviders(ProviderSettings.of(Map.of()), candidates);

    assertThat(report.selectedId()).isEmpty();
    assertThat(report.problem())
        .hasValueSatisfying(e -> assertThat(e).hasMessageContaining("several-configured"));
    assertThat(report.providers()).extracting(ProviderStatus::selected).containsOnly(false);
  }
}
