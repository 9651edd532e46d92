package dev.llmclient.it.readme;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmclient.api.LlmClient;
import dev.llmclient.api.Message;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.core.LlmClients;
import dev.llmclient.testkit.simulator.Fault;
import dev.llmclient.testkit.simulator.LlmSimulatorExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The README's "Testing against the simulator" snippet, as written there, so it stays true. */
class ReadmeSimulatorSnippetTest {

  record Person(String name, int born) {}

  record People(List<Person> people) {}

  // --- README snippet starts ---
  @RegisterExtension
  static LlmSimulatorExtension sim =
      LlmSimulatorExtension.create(b -> b.apiKey("test-key").deployment("gpt-4o"));

  @Test
  void survivesThrottling() {
    sim.simulator().addFault(Fault.rateLimited(Duration.ofMillis(200)).times(2)); // two 429s first
    Map<String, String> azure =
        Map.of(
            "AZURE_OPENAI_ENDPOINT", sim.simulator().azureEndpoint().toString(),
            "AZURE_OPENAI_API_KEY", "test-key",
            "AZURE_OPENAI_DEPLOYMENT_NAME", "gpt-4o");
    try (LlmClient llm =
        LlmClients.builder().provider("azure").settings(ProviderSettings.of(azure)).build()) {
      People found = llm.generate(List.of(Message.user("Ada Lovelace (1815)")), People.class);
      assertThat(found.people()).isNotNull(); // schema-valid, generated from People's schema
      assertThat(sim.simulator().counters().responses(429)).isEqualTo(2);
    }
  }

  // --- README snippet ends ---

  @Test
  void theReadmeShowsExactlyThisSnippet() throws IOException {
    String source =
        Files.readString(
            Path.of("src/test/java/dev/llmclient/it/readme/ReadmeSimulatorSnippetTest.java"));
    String snippet =
        source.substring(
            source.indexOf('\n', source.indexOf("README snippet starts")) + 1,
            source.lastIndexOf('\n', source.indexOf("// --- README snippet ends")) + 1);
    String unindented = snippet.replaceAll("(?m)^  ", "").strip();
    assertThat(Files.readString(Path.of("../README.md"))).contains(unindented);
  }
}
