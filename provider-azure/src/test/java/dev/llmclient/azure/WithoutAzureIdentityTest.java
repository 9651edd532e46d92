package dev.llmclient.azure;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmclient.api.LlmConfigurationException;
import dev.llmclient.api.spi.ProviderSettings;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Runs in the Surefire execution {@code without-azure-identity}, whose classpath lacks the optional
 * azure-identity jar: asking for managed identity must say which artifact to add.
 */
class WithoutAzureIdentityTest {

  @Test
  void managedIdentityWithoutAzureIdentityOnTheClasspathNamesTheArtifact() {
    assertThatThrownBy(
            () ->
                new AzureOpenAiProvider()
                    .createChatBackend(
                        ProviderSettings.of(
                            Map.of(
                                "AZURE_OPENAI_ENDPOINT", "https://x.openai.azure.com",
                                "AZURE_OPENAI_USE_MANAGED_IDENTITY", "true"))))
        .isInstanceOf(LlmConfigurationException.class)
        .hasMessageContaining("com.azure:azure-identity");
  }
}
