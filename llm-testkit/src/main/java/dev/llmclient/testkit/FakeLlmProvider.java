package dev.llmclient.testkit;

import dev.llmclient.api.spi.BackendInfo;
import dev.llmclient.api.spi.ChatBackend;
import dev.llmclient.api.spi.ChatCompletion;
import dev.llmclient.api.spi.ChatCompletionRequest;
import dev.llmclient.api.spi.EmbeddingBackend;
import dev.llmclient.api.spi.EmbeddingRequest;
import dev.llmclient.api.spi.EmbeddingResult;
import dev.llmclient.api.spi.LlmProvider;
import dev.llmclient.api.spi.ProviderId;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.api.spi.SettingNames;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The provider with id {@code fake}: found with {@link java.util.ServiceLoader} when this module is
 * on the test classpath, always configured, and answering from {@link #script()}.
 *
 * <p>Every chat backend it creates delegates to the one process-wide script, so a test can script
 * replies before building a client through {@code LlmClients} and inspect the requests afterwards.
 * Closing such a client does not close the script. Tests that run in parallel should build clients
 * on their own {@link ScriptedChatBackend} instead.
 */
@ProviderId(FakeLlmProvider.ID)
public final class FakeLlmProvider implements LlmProvider {

  /** The provider id, {@value}. */
  public static final String ID = "fake";

  /**
   * The names the fake provider declares: {@code FAKE_API_KEY}, {@code FAKE_BASE_URL}, {@code
   * FAKE_MODEL}, {@code FAKE_SMALL_MODEL} and {@code FAKE_EMBEDDING_MODEL}; the script answers
   * whatever they hold.
   */
  public static final SettingNames SETTING_NAMES =
      new SettingNames(
          "FAKE_API_KEY",
          "FAKE_BASE_URL",
          "FAKE_MODEL",
          "FAKE_SMALL_MODEL",
          "FAKE_EMBEDDING_MODEL");

  private static final ScriptedChatBackend SCRIPT = new ScriptedChatBackend();
  private static final ScriptedEmbeddingBackend EMBEDDING_SCRIPT = new ScriptedEmbeddingBackend();

  /** Called by {@link java.util.ServiceLoader}. */
  public FakeLlmProvider() {}

  /**
   * The process-wide script that backs every client built on this provider.
   *
   * @return the script
   */
  public static ScriptedChatBackend script() {
    return SCRIPT;
  }

  /**
   * The process-wide embedding script that backs every embedder built on this provider; unscripted
   * calls get deterministic unit vectors.
   *
   * @return the script
   */
  public static ScriptedEmbeddingBackend embeddingScript() {
    return EMBEDDING_SCRIPT;
  }

  @Override
  public String id() {
    return ID;
  }

  /** {@link #SETTING_NAMES}. */
  @Override
  public Optional<SettingNames> settingNames() {
    return Optional.of(SETTING_NAMES);
  }

  @Override
  public List<String> missingSettings(ProviderSettings settings) {
    return List.of();
  }

  @Override
  public ChatBackend createChatBackend(ProviderSettings settings) {
    return new SharedScriptView();
  }

  @Override
  public EmbeddingBackend createEmbeddingBackend(ProviderSettings settings) {
    return new SharedEmbeddingScriptView();
  }

  @Override
  public String toString() {
    return "FakeLlmProvider[id=fake]";
  }

  /** An embedding backend over the shared script whose close() leaves the script usable. */
  private static final class SharedEmbeddingScriptView implements EmbeddingBackend {
    @Override
    public BackendInfo info() {
      return EMBEDDING_SCRIPT.info();
    }

    @Override
    public CompletableFuture<EmbeddingResult> embed(EmbeddingRequest request) {
      return EMBEDDING_SCRIPT.embed(request);
    }

    @Override
    public void close() {}
  }

  /** A backend over the shared script whose close() leaves the script usable. */
  private static final class SharedScriptView implements ChatBackend {
    @Override
    public BackendInfo info() {
      return SCRIPT.info();
    }

    @Override
    public CompletableFuture<ChatCompletion> complete(ChatCompletionRequest request) {
      return SCRIPT.complete(request);
    }

    @Override
    public void close() {}
  }
}
