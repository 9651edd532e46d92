package dev.llmclient.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.testkit.simulator.LlmSimulator;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code --in -} reads standard input and {@code --out -} writes standard output. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StandardStreamsTest {

  private static final String RECORDS =
      "{\"id\":\"a\",\"text\":\"Ada Lovelace (1815) met Charles Babbage.\"}\n"
          + "{\"id\":\"b\",\"text\":\"Grace Hopper wrote the first compiler.\"}\n"
          + "\n"
          + "{\"id\":\"c\",\"text\":\"Alan Turing was born in 1912.\"}\n";

  private LlmSimulator sim;
  private ProviderSettings settings;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void startSimulator() {
    sim = LlmSimulator.builder().apiKey("k").start();
    settings =
        ProviderSettings.of(
            Map.of(
                "OPENAI_BASE_URL",
                sim.openAiBaseUri().toString(),
                "OPENAI_API_KEY",
                "k",
                "MODEL_NAME",
                "gpt-4o-mini"));
  }

  @AfterEach
  void stopSimulator() {
    sim.close();
  }

  private int run(String stdin, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add(1, "--provider");
    all.add(2, "openai");
    return LlmCommand.execute(
        all.toArray(String[]::new),
        new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
        new PrintWriter(out, true),
        new PrintWriter(err, true),
        settings);
  }

  @Test
  void batchReadsStandardInputAndWritesOnlyResultLinesToStandardOutput() throws Exception {
    int code = run(RECORDS, "batch", "--in", "-", "--out", "-");

    assertThat(code).as(err.toString()).isZero();
    List<String> lines = out.toString().lines().toList();
    assertThat(lines).hasSize(3);
    List<String> ids = new ArrayList<>();
    for (String line : lines) {
      JsonNode node = Json.mapper().readTree(line);
      assertThat(node.has("result")).as(line).isTrue();
      ids.add(node.get("id").asText());
    }
    assertThat(ids).containsExactlyInAnyOrder("a", "b", "c");
    assertThat(err.toString()).contains("llm batch summary: 3 records");
    assertThat(Path.of("-")).doesNotExist();
    assertThat(Path.of("-.lock")).doesNotExist();
  }

  @Test
  void batchRefusesToResumeOrOverwriteStandardOutput() {
    for (String flag : List.of("--resume", "--overwrite")) {
      int code = run(RECORDS, "batch", "--in", "-", "--out", "-", flag);
      assertThat(code).isEqualTo(LlmCommand.USAGE);
    }
    assertThat(err.toString()).contains("--out - writes to standard output");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void embedReadsStandardInputAndWritesStandardOutputWithDashes() throws Exception {
    int code = run("Ada Lovelace\n\nGrace Hopper\n", "embed", "--in", "-", "--out", "-");

    assertThat(code).as(err.toString()).isZero();
    List<String> lines = out.toString().lines().toList();
    assertThat(lines).hasSize(2);
    assertThat(Json.mapper().readTree(lines.get(1)).get("line").asLong()).isEqualTo(3);
    assertThat(Files.exists(Path.of("-"))).isFalse();
  }
}
