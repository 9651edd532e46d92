package dev.llmclient.core;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmclient.api.EmbedderClient;
import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmConfigurationException;
import dev.llmclient.api.spi.ChatBackend;
import dev.llmclient.api.spi.LlmProvider;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.api.spi.ResponseCache;
import dev.llmclient.core.internal.chat.PipelineClient;
import dev.llmclient.core.internal.select.ProviderCandidate;
import dev.llmclient.core.internal.select.ProviderSelector;
import dev.llmclient.core.internal.select.ProviderSettingNames;
import dev.llmclient.core.pool.DeploymentPool;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.ServiceLoader;
import org.jspecify.annotations.Nullable;

/**
 * The entry point: builds an {@link LlmClient} on the provider found on the classpath.
 *
 * <p>The provider is selected deterministically, never by classpath order: an explicit id ({@link
 * Builder#provider(String)}, then {@code -Dllm.provider}, then the {@code LLM_PROVIDER} setting)
 * wins; otherwise the one provider whose settings are complete is used. Every other case is an
 * {@link dev.llmclient.api.LlmConfigurationException} whose message says what was found and what to
 * set or add. Providers that are not selected are never instantiated.
 *
 * <p>Settings can also shape the client without code: {@value
 * dev.llmclient.core.pool.DeploymentPool#DEPLOYMENTS_SETTING} makes a chat client route over a
 * {@link dev.llmclient.core.pool.DeploymentPool} of those deployments (instead of one selected
 * provider), and {@value StoreProvider#CACHE_DIR} or {@value StoreProvider#REDIS_URL} put the
 * response cache (and the pool's budgets, for Redis) in the store a {@link StoreProvider} on the
 * classpath makes ({@code llm-cache-disk}, {@code llm-redis}). A cache or backend set on the
 * builder wins.
 *
 * <pre>{@code
 * try (LlmClient llm = LlmClients.builder()
 *     .config(LlmConfig.builder().smallModel("gpt-4o-mini").build())
 *     .enableCache()
 *     .build()) {
 *   Person p = llm.generate(List.of(Message.user("Ada Lovelace, born 1815")), Person.class);
 * }
 * }</pre>
 */
public final class LlmClients {

  private LlmClients() {}

  /**
   * A client with everything from the environment: the same as {@code builder().build()}.
   *
   * @return a new client; close it when done
   * @throws dev.llmclient.api.LlmConfigurationException when no single provider can be selected or
   *     its settings are incomplete, saying what to set or add
   */
  public static LlmClient fromEnvironment() {
    return builder().build();
  }

  /**
   * A builder with the defaults: settings from the environment, no cache, the default retry policy.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * An embedder with everything from the environment: the same as {@code embedder().build()}.
   *
   * @return a new embedder; close it when done
   * @throws dev.llmclient.api.LlmConfigurationException when no single provider can be selected or
   *     its settings are incomplete, saying what to set or add
   */
  public static EmbedderClient embedderFromEnvironment() {
    return embedder().build();
  }

  /**
   * A builder for an {@link EmbedderClient}, selecting the provider by the same rules as {@link
   * #builder()}: settings from the environment, no cache, the default retry policy.
   *
   * @return the builder
   */
  public static EmbedderClientBuilder embedder() {
    return new EmbedderClientBuilder();
  }

  /**
   * Describes every provider on the classpath and which one a client built with these settings
   * would use (honouring {@code -Dllm.provider} and {@code LLM_PROVIDER}), the members of the
   * deployment pool the settings describe, and the stores they ask for. Instantiates every provider
   * to ask whether it is configured, but creates no backend and connects to nothing.
   *
   * @param settings the settings to check
   * @return the report
   * @throws dev.llmclient.api.LlmConfigurationException when two providers share an id
   */
  public static ProviderReport describeProviders(ProviderSettings settings) {
    Objects.requireNonNull(settings, "settings");
    return describeProviders(settings, serviceLoaderCandidates());
  }

  static ProviderReport describeProviders(
      ProviderSettings settings, List<ProviderCandidate> candidates) {
    return describeProviders(settings, candidates, SettingsStores.serviceLoader());
  }

  static ProviderReport describeProviders(
      ProviderSettings settings, List<ProviderCandidate> candidates, List<StoreProvider> stores) {
    LlmConfig config = LlmConfig.getDefault();
    ProviderSelector.Description d =
        ProviderSelector.of(candidates, p -> settingsFor(p, settings, config))
            .describe(ProviderSelector.Explicit.resolve(null, settings));
    List<String> members;
    LlmConfigurationException problem = d.problem();
    try {
      members = DeploymentPool.describeMembers(settings);
      if (!members.isEmpty()) {
        problem = null; // a pool does not need one selected provider
      }
    } catch (LlmConfigurationException e) {
      members = List.of();
      problem = e;
    }
    return new ProviderReport(
        d.statuses(), d.selectedId(), problem, members, SettingsStores.describe(settings, stores));
  }

  static List<ProviderCandidate> serviceLoaderCandidates() {
    return ServiceLoader.load(LlmProvider.class).stream().map(ProviderCandidate::of).toList();
  }

  /**
   * The settings a provider is built from: the user's, plus the config's key and URL under the
   * names the provider declares.
   */
  static ProviderSettings settingsFor(
      LlmProvider provider, ProviderSettings settings, LlmConfig config) {
    return ProviderSettingNames.withKeyAndUrl(
        provider, settings, config.apiKey().orElse(null), config.baseUrl().orElse(null));
  }

  /**
   * Builds an {@link LlmClient}. Not thread-safe; {@link #build()} selects the provider and may be
   * called more than once, each time creating a new client.
   */
  public static final class Builder extends ClientBuilder<Builder, ChatBackend, LlmConfig> {
    private @Nullable SystemPromptSuffix suffix;
    private @Nullable Integer maxTokens;
    private @Nullable ObjectMapper objectMapper;

    private Builder() {
      super("LlmClients.Builder", LlmConfig.getDefault());
    }

    /**
     * Sets the client-wide output-token cap, a shortcut for {@link LlmConfig.Builder#maxTokens}
     * (Graphiti's {@code max_tokens} constructor argument). It is the same value as the config's
     * (and {@code LLM_MAX_TOKENS}), not a layer above it: unlike Graphiti, where the constructor's
     * argument silently replaces the config's, two different caps fail the build.
     *
     * @param maxTokens a positive cap
     * @return this builder
     * @throws IllegalArgumentException when not positive
     */
    public Builder maxTokens(int maxTokens) {
      if (maxTokens <= 0) {
        throw new IllegalArgumentException("maxTokens must be positive, got " + maxTokens);
      }
      this.maxTokens = maxTokens;
      return this;
    }

    /**
     * Caches validated answers in memory: at most 10,000 answers, each for at most one hour.
     *
     * @return this builder
     */
    public Builder enableCache() {
      return enableCache(10_000, Duration.ofHours(1));
    }

    /**
     * Appends text to the first message of every call, e.g. {@link
     * SystemPromptSuffix#languageInstruction()} for Graphiti's behaviour. Off by default.
     *
     * @param suffix the suffix hook
     * @return this builder
     */
    public Builder systemPromptSuffix(SystemPromptSuffix suffix) {
      this.suffix = Objects.requireNonNull(suffix, "suffix");
      return this;
    }

    /**
     * Binds answers to their types with your own mapper, for types that need its modules or
     * deserializers (Kotlin data classes with {@code jackson-module-kotlin}, a custom module). The
     * JSON schema sent to the model and the validation of the answer stay as without it; only the
     * final mapping from the validated JSON to your type uses this mapper. Default: a built-in
     * mapper that ignores unknown properties and reads {@code Optional} and {@code java.time}.
     *
     * <pre>{@code
     * LlmClient llm = LlmClients.builder()
     *     .objectMapper(JsonMapper.builder().addModule(new KotlinModule.Builder().build()).build())
     *     .build();
     * }</pre>
     *
     * @param objectMapper the mapper; configure it before the first call and do not change it
     * @return this builder
     */
    public Builder objectMapper(ObjectMapper objectMapper) {
      this.objectMapper = Objects.requireNonNull(objectMapper, "objectMapper");
      return this;
    }

    /**
     * Selects the provider, creates its backend and builds the client; with {@value
     * DeploymentPool#DEPLOYMENTS_SETTING} set (and no {@link #backend} given), builds a pool of
     * those deployments instead, on the budget store the settings ask for.
     *
     * @return a new client; close it when done
     * @throws dev.llmclient.api.LlmConfigurationException when no single provider can be selected
     *     or its settings are incomplete or wrong, saying what to set or add
     */
    public LlmClient build() {
      ProviderSettings s = resolvedSettings();
      LlmConfig effective = withCap(config.withDefaultsFrom(s));
      ResponseCache owned = settingsCache(s);
      ChatBackend chat;
      try {
        chat =
            backend == null && s.isSet(DeploymentPool.DEPLOYMENTS_SETTING)
                ? pool(s, (pool, providers) -> pool.membersFrom(s, providers))
                : backendOrSelect(
                    s, p -> settingsFor(p, s, effective), LlmProvider::createChatBackend, "LLM");
      } catch (RuntimeException e) {
        SettingsStores.closeQuietly(owned);
        throw e;
      }
      return new PipelineClient(chat, effective, suffix, options(s, owned), objectMapper);
    }

    /**
     * The key and endpoint in the config are the provider's settings: where both are set, agree.
     */
    @Override
    void checkSettings(LlmProvider provider, ProviderSettings s) {
      OneValue.keyAndUrl(
          provider, s, "LlmConfig", config.apiKey().orElse(null), config.baseUrl().orElse(null));
    }

    /** The configuration with the builder's cap, which must agree with the config's. */
    private LlmConfig withCap(LlmConfig effective) {
      Integer cap =
          OneValue.of(
              "the output-token cap",
              "LlmClients.builder().maxTokens(...)",
              maxTokens,
              "LlmConfig.maxTokens (or LLM_MAX_TOKENS)",
              effective.maxTokens().orElse(null));
      return cap == null ? effective : effective.toBuilder().maxTokens(cap).build();
    }
  }
}
