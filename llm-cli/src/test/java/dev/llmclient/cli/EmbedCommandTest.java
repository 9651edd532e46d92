package dev.llmclient.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.testkit.simulator.LlmSimulator;
import dev.llmclient.testkit.simulator.Route;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbedCommandTest {

  @TempDir Path dir;

  @Test
  void eachNonBlankLineGetsItsVectorInInputOrderInBatches() throws Exception {
    try (LlmSimulator sim = LlmSimulator.builder().apiKey("k").start()) {
      Path in = dir.resolve("texts.txt");
      Files.write(in, List.of("Ada Lovelace", "", "Charles Babbage", "Grace Hopper"));
      Path out = dir.resolve("vectors.jsonl");
      StringWriter err = new StringWriter();
      ProviderSettings settings =
          ProviderSettings.of(
              Map.of("OPENAI_BASE_URL", sim.openAiBaseUri().toString(), "OPENAI_API_KEY", "k"));

      int code =
          LlmCommand.execute(
              new String[] {
                "embed",
                "--provider",
                "openai",
                "--in",
                in.toString(),
                "--out",
                out.toString(),
                "--dimensions",
                "8",
                "--batch-size",
                "2"
              },
              new PrintWriter(new StringWriter()),
              new PrintWriter(err),
              settings);

      assertThat(code).as(err.toString()).isZero();
      List<String> lines = Files.readAllLines(out);
      assertThat(lines).hasSize(3);
      String[] texts = {"Ada Lovelace", "Charles Babbage", "Grace Hopper"};
      long[] lineNumbers = {1, 3, 4};
      for (int i = 0; i < 3; i++) {
        JsonNode row = Json.mapper().readTree(lines.get(i));
        assertThat(row.get("line").asLong()).isEqualTo(lineNumbers[i]);
        float[] expected = LlmSimulator.embeddingOf(texts[i], 8);
        assertThat(row.get("embedding")).hasSize(8);
        for (int d = 0; d < 8; d++) {
          assertThat(row.get("embedding").get(d).floatValue()).isEqualTo(expected[d]);
        }
      }
      assertThat(sim.counters().requests(Route.EMBEDDINGS)).isEqualTo(2);
    }
  }
}
