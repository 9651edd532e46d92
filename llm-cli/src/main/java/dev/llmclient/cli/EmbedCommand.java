package dev.llmclient.cli;

import dev.llmclient.api.EmbedderClient;
import dev.llmclient.api.LlmException;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.core.EmbedderConfig;
import dev.llmclient.core.LlmClients;
import dev.llmclient.core.ProviderReport;
import dev.llmclient.testkit.simulator.LlmSimulator;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code llm embed}: one embedding per line of text, as JSONL. */
@Command(
    name = "embed",
    mixinStandardHelpOptions = true,
    versionProvider = LlmCommand.Version.class,
    description =
        "Embeds each non-blank line of the input and writes one JSON line for each:"
            + " {\"line\": N, \"embedding\": [...]}, in input order.")
final class EmbedCommand implements Callable<Integer> {

  @ParentCommand private @Nullable LlmCommand root;

  @Spec private @Nullable CommandSpec spec;

  @Option(
      names = "--in",
      paramLabel = "FILE",
      description = "Text lines to embed; standard input when absent or -.")
  @Nullable Path in;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      description = "Where the JSONL goes; standard output when absent or -.")
  @Nullable Path out;

  @Option(
      names = "--provider",
      paramLabel = "ID",
      description = "Provider id; default as for the other commands.")
  @Nullable String provider;

  @Option(
      names = "--model",
      paramLabel = "NAME",
      description =
          "Embedding model or Azure deployment; default EMBEDDING_MODEL_NAME (OpenAI) or"
              + " AZURE_OPENAI_EMBEDDING_DEPLOYMENT_NAME.")
  @Nullable String model;

  @Option(
      names = "--dimensions",
      paramLabel = "N",
      description = "Ask for vectors of N dimensions (text-embedding-3 models).")
  @Nullable Integer dimensions;

  @Option(
      names = "--batch-size",
      paramLabel = "N",
      defaultValue = "100",
      description = "Lines per request (default ${DEFAULT-VALUE}, at most 2048).")
  int batchSize = 100;

  private boolean simulated;

  @Override
  public Integer call() {
    if (batchSize < 1 || batchSize > 2048) {
      throw new IllegalArgumentException(
          "--batch-size must be between 1 and 2048, got " + batchSize);
    }
    CommandSpec s = Cli.spec(spec);
    PrintWriter err = s.commandLine().getErr();
    LlmCommand r = Cli.root(root);
    ProviderSettings settings = r.settings();
    List<String> providerSettingsSet = r.providerSettingsSet();
    LlmSimulator sim =
        Connection.embeddedIfNoneConfigured(provider, settings, providerSettingsSet, 0, err);
    try {
      String id = "openai";
      ProviderSettings effective = settings;
      if (sim != null) {
        effective = Connection.simulatorSettings(settings, sim.port());
      } else if (provider != null) {
        id = provider;
      } else {
        ProviderReport report = LlmClients.describeProviders(settings);
        id =
            report
                .selectedId()
                .orElseThrow(
                    () ->
                        Connection.explained(
                            report.problem().orElseThrow(IllegalStateException::new),
                            providerSettingsSet));
      }
      EmbedderConfig config = EmbedderConfig.builder().model(model).dimensions(dimensions).build();
      // Through the core, so embeddings get its retries, batching limits and usage accounting.
      try (EmbedderClient embedder =
          LlmClients.embedder()
              .provider(id)
              .settings(effective)
              .config(config)
              .promptName("llm.embed")
              .build()) {
        simulated = sim != null;
        return embed(embedder, r.stdin(), s.commandLine().getOut());
      }
    } finally {
      if (sim != null) {
        sim.close();
      }
    }
  }

  private int embed(EmbedderClient embedder, InputStream stdin, PrintWriter stdout) {
    Path in = Cli.isStandardStream(this.in) ? null : this.in;
    Path out = Cli.isStandardStream(this.out) ? null : this.out;
    try (BufferedReader reader =
            in == null
                ? new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8))
                : Files.newBufferedReader(in, StandardCharsets.UTF_8);
        Writer writer =
            out == null
                ? stdout
                : new BufferedWriter(
                    new OutputStreamWriter(Files.newOutputStream(out), StandardCharsets.UTF_8))) {
      List<Long> lineNumbers = new ArrayList<>();
      List<String> texts = new ArrayList<>();
      long lineNumber = 0;
      String line;
      while ((line = reader.readLine()) != null) {
        lineNumber++;
        if (line.isBlank()) {
          continue;
        }
        lineNumbers.add(lineNumber);
        texts.add(line);
        if (texts.size() == batchSize) {
          flush(embedder, lineNumbers, texts, writer);
        }
      }
      flush(embedder, lineNumbers, texts, writer);
      writer.flush();
      return LlmCommand.OK;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or write the embeddings: " + e.getMessage(), e);
    } catch (LlmException e) {
      Cli.spec(spec)
          .commandLine()
          .getErr()
          .println(
              "llm: " + e.getClass().getSimpleName() + ": " + TerminalText.safe(e.getMessage()));
      return LlmCommand.RECORDS_FAILED;
    }
  }

  private void flush(
      EmbedderClient embedder, List<Long> lineNumbers, List<String> texts, Writer writer)
      throws IOException {
    if (texts.isEmpty()) {
      return;
    }
    List<float[]> vectors = embedder.createBatch(texts);
    for (int i = 0; i < texts.size(); i++) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("line", lineNumbers.get(i));
      row.put("embedding", vectors.get(i));
      if (simulated) {
        row.put("simulated", true);
      }
      writer.write(Json.write(row));
      writer.write('\n');
    }
    writer.flush();
    lineNumbers.clear();
    texts.clear();
  }
}
