package dev.llmclient.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmclient.api.LlmConfigurationException;
import dev.llmclient.core.ProviderStatus;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProvidersCommandTest {

  private static final String AZURE = "dev.llmclient.azure.AzureOpenAiProvider";
  private static final String OPENAI = "dev.llmclient.openai.OpenAiProvider";

  @Test
  void eachProviderSaysWhetherItIsConfiguredAndWhatIsMissing() {
    String text =
        ProvidersCommand.format(
            List.of(
                new ProviderStatus(
                    "azure",
                    AZURE,
                    false,
                    List.of("AZURE_OPENAI_ENDPOINT", "AZURE_OPENAI_API_KEY"),
                    false),
                new ProviderStatus("openai", OPENAI, true, List.of(), true)),
            "openai",
            null);

    assertThat(text)
        .isEqualTo(
            "Providers on the classpath:\n"
                + "  azure   not configured, missing: AZURE_OPENAI_ENDPOINT; AZURE_OPENAI_API_KEY  ("
                + AZURE
                + ")\n"
                + "  openai  configured  <- selected  ("
                + OPENAI
                + ")\n"
                + "Selected: openai\n");
  }

  @Test
  void withNothingConfiguredItNamesTheEmbeddedSimulator() {
    String text =
        ProvidersCommand.format(
            List.of(new ProviderStatus("openai", OPENAI, false, List.of("OPENAI_API_KEY"), false)),
            null,
            new LlmConfigurationException(
                "No LLM provider is configured. [llmclient: none-configured]"));

    assertThat(text)
        .endsWith(
            "Selected: none\n"
                + "No LLM provider is configured. [llmclient: none-configured]\n"
                + "Until one is configured, `llm batch`, `llm chat`, `llm extract` and `llm embed` run against"
                + " the embedded simulator.\n");
  }

  @Test
  void withSeveralConfiguredItRepeatsTheCoresAdvice() {
    String text =
        ProvidersCommand.format(
            List.of(
                new ProviderStatus("azure", AZURE, true, List.of(), false),
                new ProviderStatus("openai", OPENAI, true, List.of(), false)),
            null,
            new LlmConfigurationException(
                "Several LLM providers are configured: azure, openai."
                    + " [llmclient: several-configured]"));

    assertThat(text)
        .contains("Selected: none\nSeveral LLM providers are configured: azure, openai.")
        .doesNotContain("embedded simulator");
  }

  @Test
  void noProviderOnTheClasspathIsSaid() {
    assertThat(ProvidersCommand.format(List.of(), null, null))
        .startsWith("No LLM provider on the classpath.\n");
  }

  @Test
  void withAnIncompleteConfigurationItSaysTheSimulatorIsNotUsed() {
    LlmConfigurationException none =
        new LlmConfigurationException(
            "No LLM provider is configured. [llmclient: none-configured]");
    List<ProviderStatus> openai =
        List.of(new ProviderStatus("openai", OPENAI, false, List.of("OPENAI_API_KEY"), false));

    assertThat(ProvidersCommand.format(openai, null, none, List.of("OPENAI_BASE_URL")))
        .endsWith(
            "OPENAI_BASE_URL is set, so `llm batch`, `llm chat`, `llm extract` and `llm embed` do"
                + " not use the embedded simulator: complete the settings above, or unset them to"
                + " try the simulator.\n")
        .doesNotContain("Until one is configured");
    assertThat(
            ProvidersCommand.format(
                openai,
                null,
                new LlmConfigurationException("Several. [llmclient: several-configured]"),
                List.of("OPENAI_API_KEY")))
        .doesNotContain("simulator");
  }

  @Test
  void thePoolMembersAndTheStoresInUseFollowTheProviders() {
    assertThat(
            ProvidersCommand.formatSetup(
                List.of(
                    "east: gpt-4o@https://east.example provider=azure tier=1 weight=1",
                    "west: gpt-4o@https://west.example provider=azure tier=2 weight=1 key=WEST"),
                List.of("LLM_CACHE_DIR: disk cache in /c/llmclient-cache.sqlite, at most 1 GiB")))
        .isEqualTo(
            "Deployment pool (AZURE_OPENAI_DEPLOYMENTS), used instead of the selected provider:\n"
                + "  east: gpt-4o@https://east.example provider=azure tier=1 weight=1\n"
                + "  west: gpt-4o@https://west.example provider=azure tier=2 weight=1 key=WEST\n"
                + "Embeddings: no member names ;embedding=DEPLOYMENT, so `llm embed` uses the"
                + " selected provider\n"
                + "Stores:\n"
                + "  LLM_CACHE_DIR: disk cache in /c/llmclient-cache.sqlite, at most 1 GiB\n");
  }

  @Test
  void withLlmRedisUrlSetTheRedisStoresAreReportedWithoutConnectingOrShowingThePassword() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        LlmCommand.execute(
            new String[] {"providers"},
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            Map.of(
                "AZURE_OPENAI_DEPLOYMENTS",
                "gpt-4o@https://east.example;name=east;embedding=embed-3",
                "AZURE_OPENAI_API_KEY",
                "k",
                "LLM_REDIS_URL",
                "redis://:not-for-output@127.0.0.1:1/2",
                "LLM_REDIS_PREFIX",
                "orders"));

    assertThat(exit).as(err.toString()).isZero();
    assertThat(out.toString())
        .contains(
            "Stores:\n  LLM_REDIS_URL: Redis at redis://127.0.0.1:1/2, key prefix orders (budget"
                + " store and response cache)\n")
        .contains("Embeddings: served by the members with an embedding deployment (east)")
        .doesNotContain("not-for-output")
        .doesNotContain("not on the classpath");
  }

  @Test
  void theMembersThatServeEmbeddingsAreNamed() {
    assertThat(
            ProvidersCommand.formatSetup(
                List.of(
                    "east: gpt-4o@https://east.example provider=azure tier=1 weight=1"
                        + " embedding=embed-3",
                    "west: gpt-4o@https://west.example provider=azure tier=1 weight=1",
                    "north: gpt-4o@https://north.example provider=azure tier=2 weight=1"
                        + " embedding=embed-3 embedding-tpm=350000"),
                List.of()))
        .contains("Embeddings: served by the members with an embedding deployment (east, north)\n");
  }

  @Test
  void aPoolWithoutStoreSettingsSaysItsBudgetsAreInThisProcessAndNothingSetPrintsNothing() {
    assertThat(ProvidersCommand.formatSetup(List.of("m1: d@https://a.example"), List.of()))
        .endsWith(
            "Stores: the pool's budgets and the response cache are in this process (set"
                + " LLM_REDIS_URL to share them with other processes)\n");
    assertThat(ProvidersCommand.formatSetup(List.of(), List.of())).isEmpty();
  }
}
