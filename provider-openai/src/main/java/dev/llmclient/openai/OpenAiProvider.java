package dev.llmclient.openai;

import dev.llmclient.api.LlmConfigurationException;
import dev.llmclient.api.spi.BackendInfo;
import dev.llmclient.api.spi.BatchBackend;
import dev.llmclient.api.spi.ChatBackend;
import dev.llmclient.api.spi.EmbeddingBackend;
import dev.llmclient.api.spi.LlmProvider;
import dev.llmclient.api.spi.ProviderId;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.api.spi.SettingNames;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The {@code openai} provider: OpenAI, or any OpenAI-compatible server at {@code OPENAI_BASE_URL}.
 *
 * <p>Settings (each also read from the environment variable of the same name):
 *
 * <ul>
 *   <li>{@code OPENAI_API_KEY} (required), sent as {@code Authorization: Bearer};
 *   <li>{@code OPENAI_BASE_URL}, default {@code https://api.openai.com/v1};
 *   <li>{@code OPENAI_ORG_ID} / {@code OPENAI_PROJECT_ID}, sent as {@code OpenAI-Organization} /
 *       {@code OpenAI-Project};
 *   <li>{@code OPENAI_EXTRA_HEADERS}, e.g. {@code X-Gateway=abc,X-Team=search};
 *   <li>{@code OPENAI_MAX_TOKENS_PARAM}: {@code max_completion_tokens} (default) or {@code
 *       max_tokens} for compatible servers that only know the older name;
 *   <li>{@code MODEL_NAME} (default {@value #DEFAULT_MODEL}), {@code SMALL_MODEL_NAME} (default
 *       {@value #DEFAULT_SMALL_MODEL}), {@code EMBEDDING_MODEL_NAME} (default {@value
 *       #DEFAULT_EMBEDDING_MODEL});
 *   <li>the transport settings of {@link HttpTransportSettings}.
 * </ul>
 */
@ProviderId(OpenAiProvider.ID)
public final class OpenAiProvider implements LlmProvider {

  /** The provider id, {@value}. */
  public static final String ID = "openai";

  /** The API key setting. */
  public static final String API_KEY = "OPENAI_API_KEY";

  /** The base URL setting. */
  public static final String BASE_URL = "OPENAI_BASE_URL";

  /** The organization setting. */
  public static final String ORG_ID = "OPENAI_ORG_ID";

  /** The project setting. */
  public static final String PROJECT_ID = "OPENAI_PROJECT_ID";

  /** Extra static headers, {@code Name=value} pairs separated by commas. */
  public static final String EXTRA_HEADERS = "OPENAI_EXTRA_HEADERS";

  /** Which field carries the output cap: {@code max_completion_tokens} or {@code max_tokens}. */
  public static final String MAX_TOKENS_PARAM = "OPENAI_MAX_TOKENS_PARAM";

  /** The medium model setting. */
  public static final String MODEL_NAME = "MODEL_NAME";

  /** The small model setting. */
  public static final String SMALL_MODEL_NAME = "SMALL_MODEL_NAME";

  /** The embedding model setting. */
  public static final String EMBEDDING_MODEL_NAME = "EMBEDDING_MODEL_NAME";

  /** The default base URL. */
  public static final String DEFAULT_BASE_URL = "https://api.openai.com/v1";

  /** The default medium model. */
  public static final String DEFAULT_MODEL = "gpt-5.5";

  /** The default small model. */
  public static final String DEFAULT_SMALL_MODEL = "gpt-4.1-nano";

  /** The default embedding model. */
  public static final String DEFAULT_EMBEDDING_MODEL = "text-embedding-3-small";

  /** Called by {@link java.util.ServiceLoader}; reads nothing and opens nothing. */
  public OpenAiProvider() {}

  @Override
  public String id() {
    return ID;
  }

  /**
   * {@code OPENAI_API_KEY}, {@code OPENAI_BASE_URL}, {@code MODEL_NAME}, {@code SMALL_MODEL_NAME}
   * and {@code EMBEDDING_MODEL_NAME}.
   */
  @Override
  public Optional<SettingNames> settingNames() {
    return Optional.of(
        new SettingNames(API_KEY, BASE_URL, MODEL_NAME, SMALL_MODEL_NAME, EMBEDDING_MODEL_NAME));
  }

  @Override
  public List<String> missingSettings(ProviderSettings settings) {
    List<String> missing = new ArrayList<>();
    if (!settings.isSet(API_KEY)) {
      missing.add(API_KEY);
    }
    return missing;
  }

  @Override
  public ChatBackend createChatBackend(ProviderSettings settings) {
    URI base = baseUrl(settings);
    OpenAiWireClient wire = wire(settings, base);
    return wire.chatBackend(
        new BackendInfo(
            ID,
            "openai",
            base,
            settings.get(MODEL_NAME, DEFAULT_MODEL),
            settings.get(SMALL_MODEL_NAME, DEFAULT_SMALL_MODEL)));
  }

  @Override
  public EmbeddingBackend createEmbeddingBackend(ProviderSettings settings) {
    URI base = baseUrl(settings);
    OpenAiWireClient wire = wire(settings, base);
    return wire.embeddingBackend(
        new BackendInfo(
            ID, "openai", base, settings.get(EMBEDDING_MODEL_NAME, DEFAULT_EMBEDDING_MODEL), null));
  }

  /**
   * Creates the OpenAI Files and Batches backend: {@code {OPENAI_BASE_URL}/files} and {@code
   * /batches}, with the same key, organization, project and transport settings as chat.
   */
  @Override
  public BatchBackend createBatchBackend(ProviderSettings settings) {
    URI base = baseUrl(settings);
    OpenAiWireClient.Builder wire = wireBuilder(settings, base);
    OpenAiBatchBackend.Builder batch =
        OpenAiBatchBackend.builder(
                ID,
                new BackendInfo(
                    ID,
                    "openai",
                    base,
                    settings.get(MODEL_NAME, DEFAULT_MODEL),
                    settings.get(SMALL_MODEL_NAME, DEFAULT_SMALL_MODEL)))
            .routes(BatchRoutes.openAi(base))
            .authenticator(wire.authenticator)
            .legacyMaxTokens(legacyMaxTokens(settings))
            .transport(HttpTransportSettings.fromSettings(settings))
            .hints(
                "Check " + API_KEY + " (and " + BASE_URL + " for a compatible server).",
                "Check the batch or file id and " + BASE_URL + ".");
    wire.headers.forEach(batch::header);
    return batch.build();
  }

  private static OpenAiWireClient wire(ProviderSettings settings, URI base) {
    return wireBuilder(settings, base).build();
  }

  private static OpenAiWireClient.Builder wireBuilder(ProviderSettings settings, URI base) {
    String key = settings.get(API_KEY);
    if (key == null) {
      throw new LlmConfigurationException(
          "The openai provider needs "
              + API_KEY
              + ": set it to your OpenAI (or compatible server's) API key.");
    }
    HttpTransportSettings transport = HttpTransportSettings.fromSettings(settings);
    OpenAiWireClient.Builder builder =
        OpenAiWireClient.builder(ID)
            .routes(OpenAiRoutes.under(base))
            .authenticator(RequestAuthenticator.bearer(key))
            .legacyMaxTokens(legacyMaxTokens(settings))
            .transport(transport)
            .hints(
                "model",
                "Check " + API_KEY + " (and " + BASE_URL + " for a compatible server).",
                "Check " + MODEL_NAME + " / " + SMALL_MODEL_NAME + " and " + BASE_URL + ".");
    String org = settings.get(ORG_ID);
    if (org != null) {
      builder.header("OpenAI-Organization", org);
    }
    String project = settings.get(PROJECT_ID);
    if (project != null) {
      builder.header("OpenAI-Project", project);
    }
    String extra = settings.get(EXTRA_HEADERS);
    if (extra != null) {
      for (String pair : extra.split(",")) {
        int eq = pair.indexOf('=');
        if (eq <= 0 || pair.substring(0, eq).isBlank()) {
          throw new LlmConfigurationException(
              EXTRA_HEADERS + " must be Name=value pairs separated by commas, e.g. X-Team=search");
        }
        builder.header(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
      }
    }
    return builder;
  }

  private static boolean legacyMaxTokens(ProviderSettings settings) {
    String value = settings.get(MAX_TOKENS_PARAM, "max_completion_tokens").toLowerCase(Locale.ROOT);
    switch (value) {
      case "max_completion_tokens":
        return false;
      case "max_tokens":
        return true;
      default:
        throw new LlmConfigurationException(
            MAX_TOKENS_PARAM + " must be max_completion_tokens or max_tokens, got '" + value + "'");
    }
  }

  static URI baseUrl(ProviderSettings settings) {
    String value = settings.get(BASE_URL, DEFAULT_BASE_URL);
    try {
      URI uri = new URI(value);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
        throw new URISyntaxException(value, "not an absolute http(s) URL");
      }
      if (uri.getRawQuery() != null || uri.getRawUserInfo() != null) {
        throw new URISyntaxException(value, "no query or user info allowed");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new LlmConfigurationException(
          BASE_URL
              + " must be an absolute http(s) URL without query, like "
              + DEFAULT_BASE_URL
              + " or http://localhost:8000/v1; got '"
              + shown(value)
              + "'");
    }
  }

  /** The URL as safe to show: no query or fragment (they may carry a key) and no user info. */
  static String shown(String value) {
    int cut = value.length();
    for (char c : new char[] {'?', '#'}) {
      int at = value.indexOf(c);
      if (at >= 0 && at < cut) {
        cut = at;
      }
    }
    String shown = value.substring(0, cut) + (cut < value.length() ? "?..." : "");
    int scheme = shown.indexOf("//");
    int start = scheme < 0 ? 0 : scheme + 2;
    int slash = shown.indexOf('/', start);
    int at = shown.lastIndexOf('@', slash < 0 ? shown.length() - 1 : slash);
    if (at >= start) {
      shown = shown.substring(0, start) + "...@" + shown.substring(at + 1);
    }
    return shown;
  }

  @Override
  public String toString() {
    return "OpenAiProvider[id=" + ID + "]";
  }
}
