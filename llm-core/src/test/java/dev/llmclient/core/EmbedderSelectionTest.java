package dev.llmclient.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmclient.api.EmbedderClient;
import dev.llmclient.api.LlmConfigurationException;
import dev.llmclient.api.spi.BackendInfo;
import dev.llmclient.api.spi.ChatBackend;
import dev.llmclient.api.spi.EmbeddingBackend;
import dev.llmclient.api.spi.LlmProvider;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.api.spi.SettingNames;
import dev.llmclient.api.spi.Tracer;
import dev.llmclient.core.internal.select.ProviderCandidate;
import dev.llmclient.testkit.ScriptedEmbeddingBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** {@link LlmClients#embedder()} selects providers and resolves settings like the chat client. */
class EmbedderSelectionTest {

  /** A provider whose embedding backend reports the setting a real one would read. */
  static final class EmbeddingStub implements LlmProvider {
    final String id;
    final String required;
    final String modelSetting;
    final @Nullable String modelDefault;
    final AtomicInteger embeddingBackends = new AtomicInteger();
    final AtomicInteger chatBackends = new AtomicInteger();
    @Nullable ScriptedEmbeddingBackend last;
    final SettingNames names;

    EmbeddingStub(
        String id,
        String required,
        String modelSetting,
        @Nullable String modelDefault,
        SettingNames names) {
      this.id = id;
      this.names = names;
      this.required = required;
      this.modelSetting = modelSetting;
      this.modelDefault = modelDefault;
    }

    @Override
    public String id() {
      return id;
    }

    @Override
    public Optional<SettingNames> settingNames() {
      return Optional.of(names);
    }

    @Override
    public List<String> missingSettings(ProviderSettings settings) {
      return settings.isSet(required) ? List.of() : List.of(required);
    }

    @Override
    public ChatBackend createChatBackend(ProviderSettings settings) {
      chatBackends.incrementAndGet();
      throw new UnsupportedOperationException("not in this test");
    }

    @Override
    public EmbeddingBackend createEmbeddingBackend(ProviderSettings settings) {
      embeddingBackends.incrementAndGet();
      String model = settings.get(modelSetting);
      last =
          new ScriptedEmbeddingBackend()
              .info(new BackendInfo(id, id, null, model != null ? model : modelDefault, null));
      return last;
    }
  }

  private final List<ProviderCandidate> candidates = new ArrayList<>();
  private final EmbeddingStub openai =
      new EmbeddingStub(
          "openai",
          "OPENAI_API_KEY",
          "EMBEDDING_MODEL_NAME",
          "text-embedding-3-small",
          new SettingNames(
              "OPENAI_API_KEY",
              "OPENAI_BASE_URL",
              "MODEL_NAME",
              "SMALL_MODEL_NAME",
              "EMBEDDING_MODEL_NAME"));
  private final EmbeddingStub azure =
      new EmbeddingStub(
          "azure",
          "AZURE_OPENAI_ENDPOINT",
          "AZURE_OPENAI_EMBEDDING_DEPLOYMENT_NAME",
          null,
          new SettingNames(
              "AZURE_OPENAI_API_KEY",
              "AZURE_OPENAI_ENDPOINT",
              "AZURE_OPENAI_DEPLOYMENT_NAME",
              "AZURE_OPENAI_SMALL_DEPLOYMENT_NAME",
              "AZURE_OPENAI_EMBEDDING_DEPLOYMENT_NAME"));

  EmbedderSelectionTest() {
    candidates.add(candidate(openai, "x.OpenAi"));
    candidates.add(candidate(azure, "x.Azure"));
  }

  private static ProviderCandidate candidate(EmbeddingStub stub, String className) {
    return new ProviderCandidate() {
      @Override
      public String className() {
        return className;
      }

      @Override
      public String declaredId() {
        return stub.id;
      }

      @Override
      public LlmProvider instantiate() {
        return stub;
      }
    };
  }

  private EmbedderClient build(Map<String, String> settings) {
    return build(settings, EmbedderConfig.getDefault());
  }

  private EmbedderClient build(Map<String, String> settings, EmbedderConfig config) {
    return LlmClients.embedder()
        .settings(ProviderSettings.of(settings))
        .candidates(() -> candidates)
        .tracer(Tracer.noop())
        .config(config)
        .build();
  }

  @Test
  void theOnlyConfiguredProviderGetsAnEmbeddingBackendAndNoOtherIsAsked() {
    try (EmbedderClient embedder = build(Map.of("OPENAI_API_KEY", "sk"))) {
      assertThat(embedder.create("x")).hasSize(1536);
    }
    assertThat(openai.embeddingBackends).hasValue(1);
    assertThat(openai.chatBackends).hasValue(0);
    assertThat(azure.embeddingBackends).hasValue(0);
    assertThat(openai.last).isNotNull();
    assertThat(openai.last.isClosed()).isTrue();
  }

  @Test
  void severalConfiguredProvidersFailWithTheSameMessageAsChat() {
    assertThatThrownBy(
            () ->
                build(Map.of("OPENAI_API_KEY", "sk", "AZURE_OPENAI_ENDPOINT", "http://127.0.0.1")))
        .isExactlyInstanceOf(LlmConfigurationException.class)
        .hasMessageContaining("Several LLM providers are configured: azure, openai")
        .hasMessageContaining("[llmclient: several-configured]");
    assertThat(openai.embeddingBackends).hasValue(0);
    assertThat(azure.embeddingBackends).hasValue(0);
  }

  @Test
  void anExplicitProviderWins() {
    try (EmbedderClient embedder =
        LlmClients.embedder()
            .provider("azure")
            .settings(
                ProviderSettings.of(
                    Map.of(
                        "OPENAI_API_KEY", "sk",
                        "AZURE_OPENAI_ENDPOINT", "http://127.0.0.1",
                        "AZURE_OPENAI_EMBEDDING_DEPLOYMENT_NAME", "emb-prod")))
            .candidates(() -> candidates)
            .tracer(Tracer.noop())
            .build()) {
      embedder.create("x");
    }
    assertThat(azure.last).isNotNull();
    assertThat(azure.last.lastRequest().model()).isEqualTo("emb-prod");
    assertThat(openai.embeddingBackends).hasValue(0);
  }

  @Test
  void embeddingModelBecomesTheProvidersOwnSettingWhenThatIsUnset() {
    try (EmbedderClient embedder =
        build(Map.of("OPENAI_API_KEY", "sk", "EMBEDDING_MODEL", "text-embedding-3-large"))) {
      embedder.create("x");
    }
    assertThat(openai.last.lastRequest().model()).isEqualTo("text-embedding-3-large");

    try (EmbedderClient embedder =
        build(
            Map.of(
                "AZURE_OPENAI_ENDPOINT", "http://127.0.0.1",
                "EMBEDDING_MODEL", "text-embedding-3-small"))) {
      embedder.create("x");
    }
    assertThat(azure.last.lastRequest().model()).isEqualTo("text-embedding-3-small");

    try (EmbedderClient embedder =
        build(
            Map.of(
                "AZURE_OPENAI_ENDPOINT", "http://127.0.0.1",
                "AZURE_OPENAI_EMBEDDING_DEPLOYMENT_NAME", "emb-prod",
                "EMBEDDING_MODEL", "emb-prod"))) {
      embedder.create("x");
    }
    assertThat(azure.last.lastRequest().model()).isEqualTo("emb-prod");
  }

  @Test
  void theGenericAndTheProvidersEmbeddingSettingAreOneValueSoTwoDifferentOnesFail() {
    int before = azure.embeddingBackends.get();
    assertThatThrownBy(
            () ->
                build(
                    Map.of(
                        "AZURE_OPENAI_ENDPOINT", "http://127.0.0.1",
                        "AZURE_OPENAI_EMBEDDING_DEPLOYMENT_NAME", "emb-prod",
                        "EMBEDDING_MODEL", "text-embedding-3-small")))
        .isInstanceOf(LlmConfigurationException.class)
        .hasMessageContaining("The embedding model is set twice, to different values")
        .hasMessageContaining("emb-prod by AZURE_OPENAI_EMBEDDING_DEPLOYMENT_NAME")
        .hasMessageContaining("text-embedding-3-small by EMBEDDING_MODEL");
    assertThat(azure.embeddingBackends).as("nothing was created").hasValue(before);
  }

  @Test
  void theConfigsKeyAndUrlReachTheSelectedProviderAndStayOutOfToString() {
    EmbedderConfig config =
        EmbedderConfig.builder().apiKey("sk-secret-1").baseUrl("http://127.0.0.1:9/v1").build();
    ProviderSettings seen =
        EmbedderClientBuilder.settingsFor(openai, ProviderSettings.of(Map.of()), config);

    assertThat(seen.get("OPENAI_API_KEY")).isEqualTo("sk-secret-1");
    assertThat(seen.get("OPENAI_BASE_URL")).isEqualTo("http://127.0.0.1:9/v1");
    assertThat(config.toString()).doesNotContain("sk-secret-1").contains("apiKey=****");
    // The URL would also complete Azure's settings, so name the provider, as for chat.
    try (EmbedderClient embedder = build(Map.of("LLM_PROVIDER", "openai"), config)) {
      assertThat(embedder.toString()).doesNotContain("sk-secret-1");
      embedder.create("x");
    }
    assertThat(openai.embeddingBackends).hasValue(1);
  }

  @Test
  void aKeyOrEndpointInTheConfigIsTheProvidersSettingSoTwoDifferentOnesFailWithoutShowingKeys() {
    EmbedderConfig config =
        EmbedderConfig.builder().apiKey("sk-in-code").baseUrl("http://127.0.0.1:9/v1").build();

    assertThatThrownBy(
            () -> build(Map.of("LLM_PROVIDER", "openai", "OPENAI_API_KEY", "sk-in-env"), config))
        .isInstanceOf(LlmConfigurationException.class)
        .hasMessageContaining("The API key is set twice, to two different values (not shown)")
        .hasMessageContaining("by EmbedderConfig.apiKey and by OPENAI_API_KEY")
        .message()
        .doesNotContain("sk-in-code")
        .doesNotContain("sk-in-env");
    assertThatThrownBy(
            () ->
                build(
                    Map.of("LLM_PROVIDER", "openai", "OPENAI_BASE_URL", "http://127.0.0.1:8/v1"),
                    config))
        .isInstanceOf(LlmConfigurationException.class)
        .hasMessageContaining("The endpoint is set twice")
        .hasMessageContaining("http://127.0.0.1:9/v1 by EmbedderConfig.baseUrl");
    assertThat(openai.embeddingBackends).as("nothing was created").hasValue(0);

    try (EmbedderClient embedder =
        build(
            Map.of(
                "LLM_PROVIDER",
                "openai",
                "OPENAI_API_KEY",
                "sk-in-code",
                "OPENAI_BASE_URL",
                "http://127.0.0.1:9/v1"),
            config)) {
      embedder.create("x");
    }
    assertThat(openai.embeddingBackends).as("the same value twice is fine").hasValue(1);
  }

  @Test
  void aThirdProviderGetsTheKeyAndTheGenericEmbeddingModelUnderItsOwnNames() {
    EmbeddingStub acme =
        new EmbeddingStub(
            "acme",
            "ACME_KEY",
            "ACME_EMBEDDING",
            "acme-default",
            new SettingNames("ACME_KEY", "ACME_URL", "ACME_MODEL", "ACME_SMALL", "ACME_EMBEDDING"));
    candidates.add(candidate(acme, "x.Acme"));

    try (EmbedderClient embedder =
        build(
            Map.of("LLM_PROVIDER", "acme", "EMBEDDING_MODEL", "acme-embed-2"),
            EmbedderConfig.builder().apiKey("k-acme").build())) {
      embedder.create("x");
    }

    assertThat(acme.last.lastRequest().model()).isEqualTo("acme-embed-2");
    assertThat(acme.embeddingBackends).hasValue(1);
    assertThat(openai.embeddingBackends).hasValue(0);
  }

  @Test
  void theModelFallsBackToTheDefaultWhenNothingNamesOne() {
    try (EmbedderClient embedder = build(Map.of("AZURE_OPENAI_ENDPOINT", "http://127.0.0.1"))) {
      embedder.create("x");
    }
    assertThat(azure.last.lastRequest().model()).isEqualTo(EmbedderConfig.DEFAULT_MODEL);
  }

  @Test
  void theConfiguredModelBeatsEverySetting() {
    try (EmbedderClient embedder =
        build(
            Map.of("OPENAI_API_KEY", "sk", "EMBEDDING_MODEL", "from-settings"),
            EmbedderConfig.builder().model("from-config").build())) {
      embedder.create("x");
    }
    assertThat(openai.last.lastRequest().model()).isEqualTo("from-config");
  }

  @Test
  void embeddingDimAndTheCapabilityComeFromTheSettings() {
    try (EmbedderClient embedder =
        build(
            Map.of(
                "AZURE_OPENAI_ENDPOINT", "http://127.0.0.1",
                "AZURE_OPENAI_EMBEDDING_DEPLOYMENT_NAME", "emb-prod",
                "EMBEDDING_DIM", "256",
                "EMBEDDING_DIMENSIONS_PARAM", "true"))) {
      assertThat(embedder.create("x")).hasSize(256);
    }
    assertThat(azure.last.lastRequest().dimensions()).isEqualTo(256);

    try (EmbedderClient embedder =
        build(
            Map.of(
                "AZURE_OPENAI_ENDPOINT", "http://127.0.0.1",
                "AZURE_OPENAI_EMBEDDING_DEPLOYMENT_NAME", "emb-prod",
                "EMBEDDING_DIM", "256"))) {
      assertThat(embedder.create("x")).hasSize(256);
    }
    assertThat(azure.last.lastRequest().dimensions()).isNull();
  }

  @Test
  void aWrongSettingIsNamedAndTheCreatedBackendIsClosed() {
    assertThatThrownBy(() -> build(Map.of("OPENAI_API_KEY", "sk", "EMBEDDING_DIM", "0")))
        .isExactlyInstanceOf(LlmConfigurationException.class)
        .hasMessageContaining("EMBEDDING_DIM")
        .hasMessageContaining("must be positive");
    assertThat(openai.last.isClosed()).isTrue();

    assertThatThrownBy(
            () -> build(Map.of("OPENAI_API_KEY", "sk", "EMBEDDING_DIMENSIONS_PARAM", "yes")))
        .isExactlyInstanceOf(LlmConfigurationException.class)
        .hasMessageContaining("EMBEDDING_DIMENSIONS_PARAM must be true");

    assertThatThrownBy(() -> build(Map.of("OPENAI_API_KEY", "sk", "EMBEDDING_BATCH_SIZE", "4096")))
        .isExactlyInstanceOf(LlmConfigurationException.class)
        .hasMessageContaining("EMBEDDING_BATCH_SIZE) must be 1 to 2048, got 4096");
  }
}
