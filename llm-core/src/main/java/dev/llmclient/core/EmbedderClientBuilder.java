package dev.llmclient.core;

import dev.llmclient.api.EmbedderClient;
import dev.llmclient.api.spi.EmbeddingBackend;
import dev.llmclient.api.spi.LlmProvider;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.api.spi.ResponseCache;
import dev.llmclient.core.internal.embed.PipelineEmbedder;
import dev.llmclient.core.internal.select.ProviderSettingNames;
import dev.llmclient.core.pool.DeploymentPoolBuilder;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Builds an {@link EmbedderClient}; get one from {@link LlmClients#embedder()}.
 *
 * <p>The provider is selected exactly as for chat ({@link LlmClients#builder()}): an explicit id,
 * then {@code -Dllm.provider}, then {@code LLM_PROVIDER}, else the one configured provider; only
 * the selected provider is instantiated and asked for an embedding backend. The model (on Azure the
 * embedding deployment) is, in order: {@link EmbedderConfig.Builder#model(String)}, the provider's
 * own setting (the one it declares in {@link LlmProvider#settingNames()}: {@code
 * AZURE_OPENAI_EMBEDDING_DEPLOYMENT_NAME} on Azure, {@code EMBEDDING_MODEL_NAME} on OpenAI),
 * {@value EmbedderConfig#EMBEDDING_MODEL}, then {@value EmbedderConfig#DEFAULT_MODEL}.
 *
 * <p>Every call goes through the core like a chat call: transport retries and the deadline of the
 * {@link RetryPolicy}, a {@code <prefix>.llm.embed} span with one {@code embeddings <model>} CLIENT
 * child per HTTP attempt, token usage recorded under {@link #promptName(String)}, and the response
 * cache per text, so a batch that is partly cached sends only the rest. Each text's line breaks are
 * replaced by spaces before anything else, as Graphiti's embedding helper does.
 *
 * <pre>{@code
 * try (EmbedderClient embedder = LlmClients.embedder()
 *     .config(EmbedderConfig.builder().dimensions(1024).build())
 *     .enableCache()
 *     .build()) {
 *   List<float[]> vectors = embedder.createBatch(nodeNames);
 * }
 * }</pre>
 *
 * <p>Not thread-safe; {@link #build()} may be called more than once, each time creating a new
 * client.
 */
public final class EmbedderClientBuilder
    extends ClientBuilder<EmbedderClientBuilder, EmbeddingBackend, EmbedderConfig> {

  /** The prompt name usage is recorded under unless {@link #promptName(String)} sets one. */
  public static final String DEFAULT_PROMPT_NAME = "embeddings";

  private String promptName = DEFAULT_PROMPT_NAME;

  EmbedderClientBuilder() {
    super("EmbedderClientBuilder", EmbedderConfig.getDefault());
  }

  /**
   * Caches vectors in memory: at most 100,000 texts, each for at most one hour.
   *
   * @return this builder
   */
  public EmbedderClientBuilder enableCache() {
    return enableCache(100_000, Duration.ofHours(1));
  }

  /**
   * Sets the prompt name this client's token usage is recorded under in the {@link
   * TokenUsageTracker} and shown on its spans, e.g. {@code "embed_nodes"}; build one client per
   * name to tell node and edge embeddings apart.
   *
   * @param promptName the name, default {@value #DEFAULT_PROMPT_NAME}
   * @return this builder
   * @throws IllegalArgumentException when blank
   */
  public EmbedderClientBuilder promptName(String promptName) {
    if (Objects.requireNonNull(promptName, "promptName").isBlank()) {
      throw new IllegalArgumentException("promptName must not be blank");
    }
    this.promptName = promptName.strip();
    return this;
  }

  /**
   * Selects the provider, creates its embedding backend and builds the client; with {@value
   * dev.llmclient.core.pool.DeploymentPool#DEPLOYMENTS_SETTING} naming a member's embedding
   * deployment ({@code ;embedding=DEPLOYMENT}) and no {@link #backend} given, builds a pool of
   * those members instead, on the budget store the settings ask for.
   *
   * @return a new client; close it when done
   * @throws dev.llmclient.api.LlmConfigurationException when no single provider can be selected,
   *     its settings are incomplete or wrong, or a setting of the embedder is out of range, saying
   *     what to set or add
   */
  public EmbedderClient build() {
    ProviderSettings s = resolvedSettings();
    ResponseCache owned = settingsCache(s);
    EmbeddingBackend embeddings;
    try {
      embeddings =
          backend == null && DeploymentPoolBuilder.namesEmbeddingMembers(s)
              ? pool(s, (pool, providers) -> pool.embeddingMembersFrom(s, providers)).embeddings()
              : backendOrSelect(
                  s,
                  p -> settingsFor(p, s, config),
                  LlmProvider::createEmbeddingBackend,
                  "embedding");
    } catch (RuntimeException e) {
      SettingsStores.closeQuietly(owned);
      throw e;
    }
    EmbedderConfig effective;
    String model;
    try {
      model = resolveModel(config, embeddings.info().defaultModel(), s);
      effective = config.withDefaultsFrom(s, model);
    } catch (RuntimeException e) {
      if (backend == null) {
        embeddings.close();
      }
      SettingsStores.closeQuietly(owned);
      throw e;
    }
    return new PipelineEmbedder(embeddings, model, effective, promptName, options(s, owned));
  }

  /**
   * The key and endpoint in the config are the provider's key and endpoint settings, and the
   * generic {@value EmbedderConfig#EMBEDDING_MODEL} and the provider's own embedding setting name
   * one value: where both are set they must agree.
   */
  @Override
  void checkSettings(LlmProvider provider, ProviderSettings s) {
    OneValue.keyAndUrl(
        provider, s, "EmbedderConfig", config.apiKey().orElse(null), config.baseUrl().orElse(null));
    provider
        .settingNames()
        .ifPresent(
            names ->
                OneValue.of(
                    "the embedding model",
                    names.embeddingModel(),
                    blankToNull(s.get(names.embeddingModel())),
                    EmbedderConfig.EMBEDDING_MODEL,
                    blankToNull(s.get(EmbedderConfig.EMBEDDING_MODEL))));
  }

  private static @Nullable String blankToNull(@Nullable String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }

  /**
   * The provider's settings: the config's key and URL under the provider's names, and {@value
   * EmbedderConfig#EMBEDDING_MODEL} handed over as the provider's own embedding setting when that
   * one is unset.
   */
  static ProviderSettings settingsFor(
      LlmProvider provider, ProviderSettings settings, EmbedderConfig config) {
    ProviderSettings result =
        ProviderSettingNames.withKeyAndUrl(
            provider, settings, config.apiKey().orElse(null), config.baseUrl().orElse(null));
    return ProviderSettingNames.withEmbeddingModel(
        provider, result, settings.get(EmbedderConfig.EMBEDDING_MODEL));
  }

  static String resolveModel(
      EmbedderConfig config, @Nullable String providerDefault, ProviderSettings settings) {
    if (config.model().isPresent()) {
      return config.model().get();
    }
    if (providerDefault != null && !providerDefault.isBlank()) {
      return providerDefault;
    }
    String fromSettings = settings.get(EmbedderConfig.EMBEDDING_MODEL);
    if (fromSettings != null && !fromSettings.isBlank()) {
      return fromSettings.trim();
    }
    return EmbedderConfig.DEFAULT_MODEL;
  }
}
