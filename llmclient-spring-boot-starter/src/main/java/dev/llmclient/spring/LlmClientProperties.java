package dev.llmclient.spring;

import dev.llmclient.api.LlmConfigurationException;
import dev.llmclient.api.spi.ProviderSettings;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code llmclient.*} properties. Each is one of the settings llmclient reads from the
 * environment, under a Spring name (relaxed binding applies: {@code llmclient.api-version}, {@code
 * LLMCLIENT_APIVERSION}...); anything not named here goes under {@code llmclient.settings.NAME}
 * with its environment name. A setting not given here is still read from the Spring environment
 * under its own name, so {@code AZURE_OPENAI_ENDPOINT} in the process environment keeps working.
 *
 * <pre>
 * llmclient.provider=azure
 * llmclient.endpoint=https://my-resource.openai.azure.com
 * llmclient.api-key=${AZURE_OPENAI_API_KEY}
 * llmclient.deployment=gpt-4o
 * llmclient.settings.LLM_HTTP_PROXY=http://proxy:3128
 * </pre>
 */
@ConfigurationProperties(prefix = LlmClientProperties.PREFIX)
public final class LlmClientProperties {

  /** The prefix of every property: {@value}. */
  public static final String PREFIX = "llmclient";

  /**
   * Provider id, azure or openai (LLM_PROVIDER); unset, the one provider whose settings are
   * complete is used.
   */
  private @Nullable String provider;

  /**
   * Endpoint URL: AZURE_OPENAI_ENDPOINT for azure, OPENAI_BASE_URL for openai. Needs
   * llmclient.provider.
   */
  private @Nullable String endpoint;

  /**
   * API key: AZURE_OPENAI_API_KEY for azure, OPENAI_API_KEY for openai. Needs llmclient.provider;
   * keep it out of source control, e.g. ${MY_SECRET}.
   */
  private @Nullable String apiKey;

  /** Azure API version (AZURE_OPENAI_API_VERSION), e.g. 2024-10-21. */
  private @Nullable String apiVersion;

  /**
   * Whether Azure authenticates with Entra ID instead of a key (AZURE_OPENAI_USE_MANAGED_IDENTITY);
   * needs com.azure:azure-identity.
   */
  private @Nullable Boolean useManagedIdentity;

  /** Azure chat deployment (AZURE_OPENAI_DEPLOYMENT_NAME). */
  private @Nullable String deployment;

  /**
   * Azure deployment for small calls (AZURE_OPENAI_SMALL_DEPLOYMENT_NAME); unset, small calls use
   * the chat deployment.
   */
  private @Nullable String smallDeployment;

  /** Azure embedding deployment (AZURE_OPENAI_EMBEDDING_DEPLOYMENT_NAME). */
  private @Nullable String embeddingDeployment;

  /** Chat model (MODEL_NAME). */
  private @Nullable String model;

  /** Model for small calls (SMALL_MODEL_NAME). */
  private @Nullable String smallModel;

  /** Embedding model (EMBEDDING_MODEL). */
  private @Nullable String embeddingModel;

  /** Length embeddings are cut to (EMBEDDING_DIM); unset, the model's own. */
  private @Nullable Integer embeddingDimensions;

  /** Default sampling temperature, 0.0 to 2.0 (LLM_TEMPERATURE); not sent to reasoning models. */
  private @Nullable Double temperature;

  /** Default output-token cap per call (LLM_MAX_TOKENS). */
  private @Nullable Integer maxTokens;

  /** Reasoning effort for reasoning models, e.g. low (LLM_REASONING_EFFORT). */
  private @Nullable String reasoningEffort;

  /** Verbosity for reasoning models, e.g. low (LLM_VERBOSITY). */
  private @Nullable String verbosity;

  /**
   * Which tracer the clients get: auto (Micrometer, else OpenTelemetry, else what the classpath
   * offers), micrometer, opentelemetry or none.
   */
  private Tracing tracing = Tracing.AUTO;

  /**
   * Any other setting by its environment name, e.g. llmclient.settings.LLM_HTTP_PROXY; the named
   * properties win over these.
   */
  private Map<String, String> settings = new LinkedHashMap<>();

  /** Creates the properties with nothing set. */
  public LlmClientProperties() {}

  /** Which tracer the clients get. */
  public enum Tracing {
    /**
     * Micrometer when the application has an {@code ObservationRegistry} bean and {@code
     * tracing-micrometer} is present, else OpenTelemetry when it has an {@code OpenTelemetry} bean
     * and {@code tracing-otel} is present, else what the classpath offers.
     */
    AUTO,
    /** The application's {@code ObservationRegistry}, through {@code tracing-micrometer}. */
    MICROMETER,
    /** The application's {@code OpenTelemetry}, through {@code tracing-otel}. */
    OPENTELEMETRY,
    /** No tracing at all. */
    NONE
  }

  /**
   * The settings these properties stand for, by their environment names ({@code LLM_PROVIDER},
   * {@code AZURE_OPENAI_ENDPOINT}...): {@link #getSettings()} first, then every named property over
   * it.
   *
   * @return the settings, in a new mutable map
   * @throws LlmConfigurationException when an endpoint or API key is given without a provider
   */
  public Map<String, String> toSettings() {
    Map<String, String> out = new LinkedHashMap<>(settings);
    String id = provider == null ? null : provider.strip().toLowerCase(Locale.ROOT);
    put(out, "LLM_PROVIDER", id);
    if ((endpoint != null || apiKey != null) && id == null) {
      throw new LlmConfigurationException(
          "llmclient.endpoint and llmclient.api-key need llmclient.provider (azure or openai), so"
              + " that they go to that provider's settings; or set the provider's own settings,"
              + " e.g. llmclient.settings.OPENAI_API_KEY");
    }
    if (id != null) {
      put(out, id.equals("azure") ? "AZURE_OPENAI_ENDPOINT" : "OPENAI_BASE_URL", endpoint);
      put(out, id.equals("azure") ? "AZURE_OPENAI_API_KEY" : "OPENAI_API_KEY", apiKey);
    }
    put(out, "AZURE_OPENAI_API_VERSION", apiVersion);
    put(out, "AZURE_OPENAI_USE_MANAGED_IDENTITY", useManagedIdentity);
    put(out, "AZURE_OPENAI_DEPLOYMENT_NAME", deployment);
    put(out, "AZURE_OPENAI_SMALL_DEPLOYMENT_NAME", smallDeployment);
    put(out, "AZURE_OPENAI_EMBEDDING_DEPLOYMENT_NAME", embeddingDeployment);
    put(out, "MODEL_NAME", model);
    put(out, "SMALL_MODEL_NAME", smallModel);
    put(out, "EMBEDDING_MODEL", embeddingModel);
    put(out, "EMBEDDING_DIM", embeddingDimensions);
    put(out, "LLM_TEMPERATURE", temperature);
    put(out, "LLM_MAX_TOKENS", maxTokens);
    put(out, "LLM_REASONING_EFFORT", reasoningEffort);
    put(out, "LLM_VERBOSITY", verbosity);
    return out;
  }

  private static void put(Map<String, String> out, String name, @Nullable Object value) {
    if (value != null && !String.valueOf(value).isBlank()) {
      out.put(name, String.valueOf(value).strip());
    }
  }

  /**
   * The provider id, {@code azure} or {@code openai} ({@code LLM_PROVIDER}); unset, the one whose
   * settings are complete is used.
   *
   * @return the id, or null
   */
  public @Nullable String getProvider() {
    return provider;
  }

  /**
   * Sets the provider id.
   *
   * @param provider {@code azure}, {@code openai}, or another provider's id
   */
  public void setProvider(@Nullable String provider) {
    this.provider = provider;
  }

  /**
   * The endpoint: {@code AZURE_OPENAI_ENDPOINT} for Azure, {@code OPENAI_BASE_URL} for OpenAI.
   *
   * @return the URL, or null
   */
  public @Nullable String getEndpoint() {
    return endpoint;
  }

  /**
   * Sets the endpoint; needs {@link #setProvider}.
   *
   * @param endpoint the URL
   */
  public void setEndpoint(@Nullable String endpoint) {
    this.endpoint = endpoint;
  }

  /**
   * The API key: {@code AZURE_OPENAI_API_KEY} or {@code OPENAI_API_KEY}.
   *
   * @return the key, or null
   */
  public @Nullable String getApiKey() {
    return apiKey;
  }

  /**
   * Sets the API key; needs {@link #setProvider}. Keep it out of source control: {@code
   * llmclient.api-key=${MY_SECRET}}.
   *
   * @param apiKey the key
   */
  public void setApiKey(@Nullable String apiKey) {
    this.apiKey = apiKey;
  }

  /**
   * The Azure API version ({@code AZURE_OPENAI_API_VERSION}).
   *
   * @return the version, or null for the provider's default
   */
  public @Nullable String getApiVersion() {
    return apiVersion;
  }

  /**
   * Sets the Azure API version.
   *
   * @param apiVersion e.g. {@code 2024-10-21}
   */
  public void setApiVersion(@Nullable String apiVersion) {
    this.apiVersion = apiVersion;
  }

  /**
   * Whether Azure authenticates with Entra ID instead of a key ({@code
   * AZURE_OPENAI_USE_MANAGED_IDENTITY}).
   *
   * @return the flag, or null
   */
  public @Nullable Boolean getUseManagedIdentity() {
    return useManagedIdentity;
  }

  /**
   * Sets whether Azure authenticates with Entra ID.
   *
   * @param useManagedIdentity true for Entra ID
   */
  public void setUseManagedIdentity(@Nullable Boolean useManagedIdentity) {
    this.useManagedIdentity = useManagedIdentity;
  }

  /**
   * The Azure chat deployment ({@code AZURE_OPENAI_DEPLOYMENT_NAME}).
   *
   * @return the name, or null
   */
  public @Nullable String getDeployment() {
    return deployment;
  }

  /**
   * Sets the Azure chat deployment.
   *
   * @param deployment the deployment name
   */
  public void setDeployment(@Nullable String deployment) {
    this.deployment = deployment;
  }

  /**
   * The Azure deployment for small calls ({@code AZURE_OPENAI_SMALL_DEPLOYMENT_NAME}).
   *
   * @return the name, or null
   */
  public @Nullable String getSmallDeployment() {
    return smallDeployment;
  }

  /**
   * Sets the Azure deployment for small calls.
   *
   * @param smallDeployment the deployment name
   */
  public void setSmallDeployment(@Nullable String smallDeployment) {
    this.smallDeployment = smallDeployment;
  }

  /**
   * The Azure embedding deployment ({@code AZURE_OPENAI_EMBEDDING_DEPLOYMENT_NAME}).
   *
   * @return the name, or null
   */
  public @Nullable String getEmbeddingDeployment() {
    return embeddingDeployment;
  }

  /**
   * Sets the Azure embedding deployment.
   *
   * @param embeddingDeployment the deployment name
   */
  public void setEmbeddingDeployment(@Nullable String embeddingDeployment) {
    this.embeddingDeployment = embeddingDeployment;
  }

  /**
   * The chat model ({@code MODEL_NAME}).
   *
   * @return the name, or null
   */
  public @Nullable String getModel() {
    return model;
  }

  /**
   * Sets the chat model.
   *
   * @param model the model name
   */
  public void setModel(@Nullable String model) {
    this.model = model;
  }

  /**
   * The model for small calls ({@code SMALL_MODEL_NAME}).
   *
   * @return the name, or null
   */
  public @Nullable String getSmallModel() {
    return smallModel;
  }

  /**
   * Sets the model for small calls.
   *
   * @param smallModel the model name
   */
  public void setSmallModel(@Nullable String smallModel) {
    this.smallModel = smallModel;
  }

  /**
   * The embedding model ({@code EMBEDDING_MODEL}).
   *
   * @return the name, or null
   */
  public @Nullable String getEmbeddingModel() {
    return embeddingModel;
  }

  /**
   * Sets the embedding model.
   *
   * @param embeddingModel the model name
   */
  public void setEmbeddingModel(@Nullable String embeddingModel) {
    this.embeddingModel = embeddingModel;
  }

  /**
   * The length embeddings are cut to ({@code EMBEDDING_DIM}).
   *
   * @return the dimensions, or null for the model's own
   */
  public @Nullable Integer getEmbeddingDimensions() {
    return embeddingDimensions;
  }

  /**
   * Sets the length embeddings are cut to.
   *
   * @param embeddingDimensions the dimensions
   */
  public void setEmbeddingDimensions(@Nullable Integer embeddingDimensions) {
    this.embeddingDimensions = embeddingDimensions;
  }

  /**
   * The default temperature ({@code LLM_TEMPERATURE}).
   *
   * @return the temperature, or null
   */
  public @Nullable Double getTemperature() {
    return temperature;
  }

  /**
   * Sets the default temperature.
   *
   * @param temperature between 0.0 and 2.0
   */
  public void setTemperature(@Nullable Double temperature) {
    this.temperature = temperature;
  }

  /**
   * The default output-token cap ({@code LLM_MAX_TOKENS}).
   *
   * @return the cap, or null
   */
  public @Nullable Integer getMaxTokens() {
    return maxTokens;
  }

  /**
   * Sets the default output-token cap.
   *
   * @param maxTokens a positive cap
   */
  public void setMaxTokens(@Nullable Integer maxTokens) {
    this.maxTokens = maxTokens;
  }

  /**
   * The reasoning effort for reasoning models ({@code LLM_REASONING_EFFORT}).
   *
   * @return the effort, or null
   */
  public @Nullable String getReasoningEffort() {
    return reasoningEffort;
  }

  /**
   * Sets the reasoning effort.
   *
   * @param reasoningEffort e.g. {@code low}
   */
  public void setReasoningEffort(@Nullable String reasoningEffort) {
    this.reasoningEffort = reasoningEffort;
  }

  /**
   * The verbosity for reasoning models ({@code LLM_VERBOSITY}).
   *
   * @return the verbosity, or null
   */
  public @Nullable String getVerbosity() {
    return verbosity;
  }

  /**
   * Sets the verbosity.
   *
   * @param verbosity e.g. {@code low}
   */
  public void setVerbosity(@Nullable String verbosity) {
    this.verbosity = verbosity;
  }

  /**
   * Which tracer the clients get, default {@link Tracing#AUTO}.
   *
   * @return the choice
   */
  public Tracing getTracing() {
    return tracing;
  }

  /**
   * Sets which tracer the clients get.
   *
   * @param tracing the choice
   */
  public void setTracing(Tracing tracing) {
    this.tracing = tracing;
  }

  /**
   * Any other setting, by its environment name, e.g. {@code llmclient.settings.LLM_HTTP_PROXY}.
   *
   * @return the settings; the named properties win over these
   */
  public Map<String, String> getSettings() {
    return settings;
  }

  /**
   * Sets the other settings.
   *
   * @param settings the settings by environment name
   */
  public void setSettings(Map<String, String> settings) {
    this.settings = settings;
  }

  /**
   * The settings the clients are built from: {@link #toSettings()}, then the Spring environment
   * under each setting's own name.
   *
   * @param environment looks a name up in the Spring environment
   * @return the settings
   */
  ProviderSettings providerSettings(
      java.util.function.Function<String, @Nullable String> environment) {
    return ProviderSettings.builder().environment(environment).setAll(toSettings()).build();
  }

  /** Names what is set; never shows the API key. */
  @Override
  public String toString() {
    return "LlmClientProperties[provider="
        + provider
        + ", endpoint="
        + endpoint
        + ", apiKey="
        + (apiKey == null ? null : "***")
        + ", deployment="
        + deployment
        + ", model="
        + model
        + ", tracing="
        + tracing
        + ", settings="
        + settings.keySet()
        + "]";
  }
}
