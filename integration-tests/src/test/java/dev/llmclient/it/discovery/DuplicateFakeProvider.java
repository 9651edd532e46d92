package dev.llmclient.it.discovery;

import dev.llmclient.api.spi.ChatBackend;
import dev.llmclient.api.spi.EmbeddingBackend;
import dev.llmclient.api.spi.LlmProvider;
import dev.llmclient.api.spi.ProviderId;
import dev.llmclient.api.spi.ProviderSettings;
import java.util.List;

/**
 * A second provider claiming the id {@code fake}. Registered with ServiceLoader only in the
 * Surefire execution {@code discovery-duplicate} (through {@code src/test/classpath-duplicate}).
 */
@ProviderId("fake")
public final class DuplicateFakeProvider implements LlmProvider {

  /** Called by ServiceLoader. */
  public DuplicateFakeProvider() {}

  @Override
  public String id() {
    return "fake";
  }

  @Override
  public List<String> missingSettings(ProviderSettings settings) {
    return List.of();
  }

  @Override
  public ChatBackend createChatBackend(ProviderSettings settings) {
    throw new AssertionError("a duplicate provider must never be used");
  }

  @Override
  public EmbeddingBackend createEmbeddingBackend(ProviderSettings settings) {
    throw new AssertionError("a duplicate provider must never be used");
  }
}
