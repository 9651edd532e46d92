package dev.llmclient.it.discovery;

import dev.llmclient.api.spi.ChatBackend;
import dev.llmclient.api.spi.EmbeddingBackend;
import dev.llmclient.api.spi.LlmProvider;
import dev.llmclient.api.spi.ProviderId;
import dev.llmclient.api.spi.ProviderSettings;
import java.util.List;

/**
 * A provider whose constructor fails: if selection by id ever instantiates it, the test fails.
 * Registered only in the Surefire execution {@code discovery-lazy}.
 */
@ProviderId("exploding")
public final class ExplodingProvider implements LlmProvider {

  /** Always fails. */
  public ExplodingProvider() {
    throw new AssertionError("an unselected provider was instantiated");
  }

  @Override
  public String id() {
    return "exploding";
  }

  @Override
  public List<String> missingSettings(ProviderSettings settings) {
    return List.of();
  }

  @Override
  public ChatBackend createChatBackend(ProviderSettings settings) {
    throw new AssertionError("unreachable");
  }

  @Override
  public EmbeddingBackend createEmbeddingBackend(ProviderSettings settings) {
    throw new AssertionError("unreachable");
  }
}
