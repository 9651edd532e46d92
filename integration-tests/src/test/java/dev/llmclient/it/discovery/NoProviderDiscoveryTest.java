package dev.llmclient.it.discovery;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmclient.api.LlmConfigurationException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Runs in the Surefire execution {@code discovery-none}: no provider jar on the classpath (the test
 * kit and both providers are excluded).
 */
class NoProviderDiscoveryTest {

  @Test
  void withNoProviderOnTheClasspathTheErrorSaysWhichArtifactToAdd() {
    assertThatThrownBy(() -> Discovery.build(Map.of()))
        .isExactlyInstanceOf(LlmConfigurationException.class)
        .hasMessage(
            "No LLM provider found on the classpath. Add one provider artifact:"
                + " dev.llmclient:provider-azure (Azure OpenAI) or dev.llmclient:provider-openai"
                + " (OpenAI and compatible servers). [llmclient: no-provider]");
  }

  @Test
  void anExplicitIdWithNoProviderOnTheClasspathSaysNoneWasFound() {
    assertThatThrownBy(() -> Discovery.build("azure", Map.of()))
        .isExactlyInstanceOf(LlmConfigurationException.class)
        .hasMessage(
            "LLM provider 'azure' (from LlmClients.builder().provider(...)) is not on the"
                + " classpath. Found: none. Fix the id or add the provider's artifact."
                + " [llmclient: unknown-provider]");
  }
}
