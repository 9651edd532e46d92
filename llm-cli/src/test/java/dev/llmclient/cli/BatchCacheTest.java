package dev.llmclient.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.testkit.simulator.LlmSimulator;
import dev.llmclient.testkit.simulator.Route;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
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
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code llm batch --cache DIR}: a second run of a job whose input changed in one record pays for
 * that record only; every answer of the first run comes from the directory. Counted at the
 * simulator.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BatchCacheTest {

  @TempDir Path dir;

  private LlmSimulator sim;
  private ProviderSettings settings;
  private Path in;
  private String err = "";

  @BeforeEach
  void start() throws IOException {
    sim = LlmSimulator.builder().start();
    settings =
        ProviderSettings.of(
            Map.of(
                "OPENAI_BASE_URL", sim.openAiBaseUri().toString(),
                "OPENAI_API_KEY", "k",
                "MODEL_NAME", "gpt-4o-mini"));
    in = dir.resolve("records.jsonl");
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  private int batch(Path out, String... args) {
    StringWriter errors = new StringWriter();
    List<String> all =
        new ArrayList<>(List.of("batch", "--provider", "openai", "--type", "summary"));
    all.addAll(List.of("--in", in.toString(), "--out", out.toString(), "--concurrency", "2"));
    all.addAll(List.of(args));
    int code =
        LlmCommand.execute(
            all.toArray(String[]::new),
            new PrintWriter(new StringWriter(), true),
            new PrintWriter(errors, true),
            settings);
    err = errors.toString();
    return code;
  }

  private long chatRequests() {
    return sim.counters().requests(Route.CHAT_COMPLETIONS);
  }

  @Test
  void aReRunAfterOneRecordChangedSendsOnlyThatRecord() throws IOException {
    Path cache = dir.resolve("cache");
    Files.write(
        in,
        List.of(
            "{\"id\":\"r1\",\"text\":\"Ada Lovelace\"}",
            "{\"id\":\"r2\",\"text\":\"Charles Babbage\"}",
            "{\"id\":\"r3\",\"text\":\"Grace Hopper\"}",
            "{\"id\":\"r4\",\"text\":\"Alan Turing\"}"));

    assertThat(batch(dir.resolve("out1.jsonl"), "--cache", cache.toString())).as(err).isZero();
    assertThat(chatRequests()).isEqualTo(4);

    Files.write(
        in,
        List.of(
            "{\"id\":\"r1\",\"text\":\"Ada Lovelace\"}",
            "{\"id\":\"r2\",\"text\":\"Charles Babbage\"}",
            "{\"id\":\"r3\",\"text\":\"Grace Brewster Murray Hopper\"}",
            "{\"id\":\"r4\",\"text\":\"Alan Turing\"}"));

    assertThat(batch(dir.resolve("out2.jsonl"), "--cache", cache.toString())).as(err).isZero();
    assertThat(chatRequests()).as("only the changed record is sent").isEqualTo(5);
    assertThat(Files.readAllLines(dir.resolve("out2.jsonl"))).hasSize(4);
  }

  @Test
  void withoutTheOptionEveryRunPaysForEveryRecord() throws IOException {
    Files.write(
        in,
        List.of("{\"id\":\"r1\",\"text\":\"Ada Lovelace\"}", "{\"id\":\"r2\",\"text\":\"Bob\"}"));

    assertThat(batch(dir.resolve("out1.jsonl"))).as(err).isZero();
    assertThat(batch(dir.resolve("out2.jsonl"))).as(err).isZero();
    assertThat(chatRequests()).isEqualTo(4);
  }
}
