package dev.llmclient.azure;

import dev.llmclient.api.LlmConfigurationException;
import dev.llmclient.api.spi.BackendInfo;
import dev.llmclient.api.spi.BatchBackend;
import dev.llmclient.api.spi.ChatBackend;
import dev.llmclient.api.spi.EmbeddingBackend;
import dev.llmclient.api.spi.LlmProvider;
import dev.llmclient.api.spi.ProviderId;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.api.spi.SettingNames;
import dev.llmclient.openai.BatchRoutes;
import dev.llmclient.openai.HttpTransportSettings;
import dev.llmclient.openai.OpenAiBatchBackend;
import dev.llmclient.openai.OpenAiWireClient;
import dev.llmclient.openai.RequestAuthenticator;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The {@code azure} provider: Azure OpenAI deployments.
 *
 * <p>Settings (each also read from the environment variable of the same name):
 *
 * <ul>
 *   <li>{@code AZURE_OPENAI_ENDPOINT} (required), e.g. {@code https://my-resource.openai.azure.com}
 *       (a trailing slash or {@code /openai} is fine);
 *   <li>{@code AZURE_OPENAI_API_KEY}, or {@code AZURE_OPENAI_USE_MANAGED_IDENTITY=true} for Entra
 *       ID through {@code DefaultAzureCredential} (add {@code com.azure:azure-identity}), with
 *       {@code AZURE_CLIENT_ID} for a user-assigned identity;
 *   <li>{@code AZURE_OPENAI_DEPLOYMENT_NAME}, {@code AZURE_OPENAI_SMALL_DEPLOYMENT_NAME} and {@code
 *       AZURE_OPENAI_EMBEDDING_DEPLOYMENT_NAME}: deployment names, not model names;
 *   <li>{@code AZURE_OPENAI_API_MODE}: {@code deployments} (default) or {@code v1};
 *   <li>{@code AZURE_OPENAI_API_VERSION} for the deployment route, default {@value
 *       #DEFAULT_API_VERSION};
 *   <li>the transport settings of {@link HttpTransportSettings}.
 * </ul>
 *
 * <p>For your own token service or a {@code TokenCredential} you hold, construct the provider with
 * an {@link AzureTokenSource} and hand it to the client builder.
 */
@ProviderId(AzureOpenAiProvider.ID)
public final class AzureOpenAiProvider implements LlmProvider {

  /** The provider id, {@value}. */
  public static final String ID = "azure";

  /** The resource endpoint setting. */
  public static final String ENDPOINT = "AZURE_OPENAI_ENDPOINT";

  /** The api-key setting. */
  public static final String API_KEY = "AZURE_OPENAI_API_KEY";

  /** Set to {@code true} to authenticate with Entra ID through DefaultAzureCredential. */
  public static final String USE_MANAGED_IDENTITY = "AZURE_OPENAI_USE_MANAGED_IDENTITY";

  /** The client id of a user-assigned managed identity. */
  public static final String CLIENT_ID = "AZURE_CLIENT_ID";

  /** The medium deployment setting. */
  public static final String DEPLOYMENT_NAME = "AZURE_OPENAI_DEPLOYMENT_NAME";

  /** The small deployment setting. */
  public static final String SMALL_DEPLOYMENT_NAME = "AZURE_OPENAI_SMALL_DEPLOYMENT_NAME";

  /** The embedding deployment setting. */
  public static final String EMBEDDING_DEPLOYMENT_NAME = "AZURE_OPENAI_EMBEDDING_DEPLOYMENT_NAME";

  /**
   * The global-batch deployment setting: where batch requests go (a deployment of type Global
   * Batch); the medium deployment when unset.
   */
  public static final String BATCH_DEPLOYMENT_NAME = "AZURE_OPENAI_BATCH_DEPLOYMENT_NAME";

  /** The most requests Azure takes in one batch input file. */
  static final int MAX_REQUESTS_PER_BATCH_FILE = 100_000;

  /** The api-version setting. */
  public static final String API_VERSION = "AZURE_OPENAI_API_VERSION";

  /** The route setting: {@code deployments} or {@code v1}. */
  public static final String API_MODE = "AZURE_OPENAI_API_MODE";

  /** The newest GA api-version. */
  public static final String DEFAULT_API_VERSION = "2024-10-21";

  /** The Entra ID scope of Azure OpenAI. */
  public static final String SCOPE = "https://cognitiveservices.azure.com/.default";

  private final @Nullable AzureTokenSource tokenSource;
  private final Clock clock;

  /** Called by {@link java.util.ServiceLoader}; reads nothing and opens nothing. */
  public AzureOpenAiProvider() {
    this.tokenSource = null;
    this.clock = Clock.systemUTC();
  }

  /**
   * A provider that authenticates with tokens from your source instead of a key.
   *
   * @param tokenSource fetches Entra ID tokens; they are cached and refreshed 5 minutes ahead
   */
  public AzureOpenAiProvider(AzureTokenSource tokenSource) {
    this(tokenSource, Clock.systemUTC());
  }

  AzureOpenAiProvider(@Nullable AzureTokenSource tokenSource, Clock clock) {
    this.tokenSource = tokenSource;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * A token source over an azure-core {@code TokenCredential} you already hold (requires azure-core
   * on the classpath).
   *
   * @param tokenCredential a {@code com.azure.core.credential.TokenCredential}
   * @return the source
   * @throws IllegalArgumentException if the object is not a {@code TokenCredential}
   */
  public static AzureTokenSource tokenSourceOf(Object tokenCredential) {
    return AzureIdentityBridge.fromTokenCredential(tokenCredential);
  }

  @Override
  public String id() {
    return ID;
  }

  /**
   * {@code AZURE_OPENAI_API_KEY}, {@code AZURE_OPENAI_ENDPOINT}, {@code
   * AZURE_OPENAI_DEPLOYMENT_NAME}, {@code AZURE_OPENAI_SMALL_DEPLOYMENT_NAME} and {@code
   * AZURE_OPENAI_EMBEDDING_DEPLOYMENT_NAME}.
   */
  @Override
  public Optional<SettingNames> settingNames() {
    return Optional.of(
        new SettingNames(
            API_KEY, ENDPOINT, DEPLOYMENT_NAME, SMALL_DEPLOYMENT_NAME, EMBEDDING_DEPLOYMENT_NAME));
  }

  @Override
  public List<String> missingSettings(ProviderSettings settings) {
    List<String> missing = new ArrayList<>();
    if (!settings.isSet(ENDPOINT)) {
      missing.add(ENDPOINT);
    }
    if (tokenSource == null && !settings.isSet(API_KEY) && !managedIdentity(settings)) {
      missing.add(API_KEY + " (or " + USE_MANAGED_IDENTITY + "=true)");
    }
    return missing;
  }

  @Override
  public ChatBackend createChatBackend(ProviderSettings settings) {
    Config config = config(settings);
    return wire(settings, config)
        .chatBackend(
            new BackendInfo(
                ID,
                "azure.ai.openai",
                config.endpoint,
                settings.get(DEPLOYMENT_NAME),
                settings.get(SMALL_DEPLOYMENT_NAME)));
  }

  @Override
  public EmbeddingBackend createEmbeddingBackend(ProviderSettings settings) {
    Config config = config(settings);
    return wire(settings, config)
        .embeddingBackend(
            new BackendInfo(
                ID,
                "azure.ai.openai",
                config.endpoint,
                settings.get(EMBEDDING_DEPLOYMENT_NAME),
                null));
  }

  /**
   * Creates the Azure Files and Batches backend: {@code {endpoint}/openai/files} and {@code
   * /openai/batches} with the api-version (or under {@code /openai/v1/}), authenticated exactly as
   * chat is ({@code api-key} or Entra ID). Requests go to {@value #BATCH_DEPLOYMENT_NAME}, a Global
   * Batch deployment, or to the medium deployment when that is unset.
   */
  @Override
  public BatchBackend createBatchBackend(ProviderSettings settings) {
    Config config = config(settings);
    String root = AzureRoutes.normalise(config.endpoint.toString());
    String deployment = settings.get(BATCH_DEPLOYMENT_NAME, settings.get(DEPLOYMENT_NAME));
    return OpenAiBatchBackend.builder(
            ID, new BackendInfo(ID, "azure.ai.openai", config.endpoint, deployment, deployment))
        .routes(
            config.v1
                ? BatchRoutes.of(URI.create(root + "/openai/v1"), null, "/chat/completions")
                : BatchRoutes.of(
                    URI.create(root + "/openai"), config.apiVersion, "/chat/completions"))
        .authenticator(config.auth)
        .maxRequestsPerFile(MAX_REQUESTS_PER_BATCH_FILE)
        .transport(HttpTransportSettings.fromSettings(settings))
        .hints(
            "Check "
                + API_KEY
                + " belongs to the resource at "
                + ENDPOINT
                + ", or that the Entra ID identity has the 'Cognitive Services OpenAI User' role.",
            "Check the batch or file id, and that "
                + BATCH_DEPLOYMENT_NAME
                + " names a Global Batch deployment on this resource.")
        .build();
  }

  private record Config(URI endpoint, boolean v1, String apiVersion, RequestAuthenticator auth) {}

  private Config config(ProviderSettings settings) {
    List<String> missing = missingSettings(settings);
    if (!missing.isEmpty()) {
      throw new LlmConfigurationException(
          "The azure provider is missing "
              + String.join(", ", missing)
              + ". Set them, or choose another provider.");
    }
    URI endpoint = endpoint(Objects.requireNonNull(settings.get(ENDPOINT)));
    String mode = settings.get(API_MODE, "deployments").toLowerCase(Locale.ROOT);
    if (!mode.equals("deployments") && !mode.equals("v1")) {
      throw new LlmConfigurationException(
          API_MODE + " must be deployments or v1, got '" + settings.get(API_MODE) + "'");
    }
    String apiVersion = settings.get(API_VERSION, DEFAULT_API_VERSION);
    if (!apiVersion.matches("\\d{4}-\\d{2}-\\d{2}(-preview)?")) {
      throw new LlmConfigurationException(
          API_VERSION
              + " must look like "
              + DEFAULT_API_VERSION
              + " or 2025-04-01-preview, got '"
              + apiVersion
              + "'");
    }
    RequestAuthenticator auth;
    String key = settings.get(API_KEY);
    if (tokenSource != null) {
      auth = new TokenCache(tokenSource, SCOPE, clock);
    } else if (managedIdentity(settings)) {
      auth =
          new TokenCache(
              AzureIdentityBridge.defaultCredential(
                  settings.get(CLIENT_ID), AzureOpenAiProvider.class.getClassLoader()),
              SCOPE,
              clock);
    } else {
      auth = RequestAuthenticator.header("api-key", Objects.requireNonNull(key));
    }
    return new Config(endpoint, mode.equals("v1"), apiVersion, auth);
  }

  private static boolean managedIdentity(ProviderSettings settings) {
    return settings.getBoolean(USE_MANAGED_IDENTITY, false);
  }

  private OpenAiWireClient wire(ProviderSettings settings, Config config) {
    return OpenAiWireClient.builder(ID)
        .routes(new AzureRoutes(config.endpoint, config.v1, config.apiVersion))
        .authenticator(config.auth)
        .transport(HttpTransportSettings.fromSettings(settings))
        .clock(clock)
        .hints(
            "deployment",
            "Check "
                + API_KEY
                + " belongs to the resource at "
                + ENDPOINT
                + ", or that the Entra ID identity has the 'Cognitive Services OpenAI User' role.",
            "Check that "
                + DEPLOYMENT_NAME
                + " (or the small / embedding one) is a deployment name on this resource, not a"
                + " model name; a new deployment can take 5 minutes to appear. Route mode: "
                + (config.v1 ? "v1" : "deployments, api-version " + config.apiVersion)
                + " ("
                + API_MODE
                + ", "
                + API_VERSION
                + ").")
        .build();
  }

  private static URI endpoint(String value) {
    try {
      URI uri = new URI(value);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("https") || scheme.equals("http"))
          || uri.getHost() == null
          || uri.getRawQuery() != null
          || uri.getRawUserInfo() != null) {
        throw new URISyntaxException(value, "not an absolute http(s) URL without query");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new LlmConfigurationException(
          ENDPOINT
              + " must be the resource URL, like https://my-resource.openai.azure.com, without"
              + " a query or user info; got '"
              + shown(value)
              + "'");
    }
  }

  /** The endpoint as safe to show: no query (it may carry an api-key) and no user info. */
  private static String shown(String value) {
    String shown = value.replaceAll("[?#].*$", "?...");
    return shown.replaceAll("//[^/@]*@", "//...@");
  }

  @Override
  public String toString() {
    return "AzureOpenAiProvider[id=" + ID + (tokenSource == null ? "" : ", tokenSource=set") + "]";
  }
}
