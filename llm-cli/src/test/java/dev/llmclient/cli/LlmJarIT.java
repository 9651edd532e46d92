package dev.llmclient.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmclient.testkit.simulator.LlmSimulator;
import dev.llmclient.testkit.simulator.Route;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the shaded {@code target/llm.jar} as a process, as a user on a fresh machine would: the
 * child's environment is cleared and filled with exactly the settings each test names.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LlmJarIT {

  private static final Path JAR = Path.of(System.getProperty("llm.jar", "target/llm.jar"));
  private static final Path EXAMPLES =
      Path.of(System.getProperty("llm.examples", "../examples/data"));
  private static final Path RECORDS = EXAMPLES.resolve("records.jsonl");
  private static final Path SCHEMA = EXAMPLES.resolve("extraction.schema.json");
  private static final String JAVA =
      Path.of(System.getProperty("java.home"), "bin", "java").toString();

  @TempDir Path dir;

  record Run(int exit, String out, String err) {}

  private ProcessBuilder builder(Map<String, String> env, String... args) {
    return builder("", env, args);
  }

  private ProcessBuilder builder(String prefix, Map<String, String> env, String... args) {
    List<String> command = new ArrayList<>(List.of(JAVA, "-jar", JAR.toAbsolutePath().toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    pb.environment().clear();
    pb.environment().putAll(env);
    pb.redirectOutput(dir.resolve(prefix + "stdout.txt").toFile());
    pb.redirectError(dir.resolve(prefix + "stderr.txt").toFile());
    return pb;
  }

  private Run run(Map<String, String> env, String... args) throws Exception {
    Process p = builder(env, args).start();
    assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("llm finished within 90 s").isTrue();
    return finished(p);
  }

  private Run finished(Process p) throws IOException {
    return new Run(
        p.exitValue(),
        Files.readString(dir.resolve("stdout.txt")),
        Files.readString(dir.resolve("stderr.txt")));
  }

  private static List<String> inputIds() throws IOException {
    List<String> ids = new ArrayList<>();
    for (String line : Files.readAllLines(RECORDS)) {
      ids.add(Json.mapper().readTree(line).get("id").asText());
    }
    return ids;
  }

  private static List<JsonNode> lines(Path file) {
    try {
      List<JsonNode> nodes = new ArrayList<>();
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        nodes.add(Json.mapper().readTree(line));
      }
      return nodes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> ids(Path file) {
    return lines(file).stream().map(n -> n.get("id").asText()).toList();
  }

  private static void awaitLines(Path file, int count, Process p) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!Files.exists(file) || Files.readAllLines(file).size() < count) {
      assertThat(p.isAlive()).as("llm batch still running").isTrue();
      assertThat(System.nanoTime()).as("waited for %d output lines", count).isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  private String[] exampleBatch(Path out, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "batch",
                "--in",
                RECORDS.toAbsolutePath().toString(),
                "--schema",
                SCHEMA.toAbsolutePath().toString(),
                "--out",
                out.toString()));
    args.addAll(List.of(extra));
    return args.toArray(String[]::new);
  }

  @Test
  void theFirstCommandRunsTheExampleAgainstTheEmbeddedSimulator() throws Exception {
    Path out = dir.resolve("results.jsonl");

    Run run = run(Map.of(), exampleBatch(out));

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.err())
        .contains("llm: no provider is configured, so this runs against the embedded simulator")
        .contains("progress: 0/200 done")
        .contains("progress: 200/200 done (200 ok, 0 failed)")
        .contains("llm batch summary: 200 records")
        .contains("  ok:         200\n")
        .contains("  failed:     0\n")
        .containsPattern("  tokens:     [1-9]\\d* in / [1-9]\\d* out")
        .containsPattern("  latency:    p50 \\d+ ms, p95 \\d+ ms");
    assertThat(ids(out)).hasSize(200).containsExactlyInAnyOrderElementsOf(inputIds());
    for (JsonNode line : lines(out)) {
      assertThat(line.path("result").path("entities").isArray()).isTrue();
      assertThat(line.path("result").path("relations").isArray()).isTrue();
    }
  }

  @Test
  void aKilledRunIsResumedWithNoDuplicateAndNoMissingId() throws Exception {
    Path out = dir.resolve("results.jsonl");
    Process first =
        builder(Map.of(), exampleBatch(out, "--simulator-latency-ms", "200", "--concurrency", "8"))
            .start();
    awaitLines(out, 10, first);
    first.destroyForcibly();
    assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
    List<String> before = ids(out);
    assertThat(before.size()).isBetween(10, 199);
    // A kill in the middle of a write leaves a cut line; resume must redo that record.
    String cutId = inputIds().stream().filter(Predicate.not(before::contains)).findFirst().get();
    Files.writeString(
        out, "{\"id\":\"" + cutId + "\",\"line\":1,\"res", java.nio.file.StandardOpenOption.APPEND);

    Run resumed = run(Map.of(), exampleBatch(out, "--resume"));

    assertThat(resumed.exit()).as(resumed.err()).isZero();
    assertThat(resumed.err())
        .contains("removed an incomplete last line")
        .contains("llm: resuming: " + before.size() + " records already in")
        .contains("  skipped:    " + before.size() + " (already in the output")
        .contains("llm batch summary: " + (200 - before.size()) + " records");
    List<String> after = ids(out);
    assertThat(new LinkedHashSet<>(after)).as("no duplicate id").hasSize(after.size());
    assertThat(after).containsExactlyInAnyOrderElementsOf(inputIds());
  }

  @Test
  void ctrlCFinishesTheCallsInFlightAndPrintsTheSummary() throws Exception {
    Path out = dir.resolve("results.jsonl");
    Process first =
        builder(Map.of(), exampleBatch(out, "--simulator-latency-ms", "300", "--concurrency", "4"))
            .start();
    awaitLines(out, 4, first);
    first.destroy(); // SIGTERM runs the shutdown hook like Ctrl-C's SIGINT
    assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
    Run stopped = finished(first);

    assertThat(stopped.exit()).isNotZero();
    assertThat(stopped.err())
        .contains("llm: stopping: finishing")
        .contains("llm batch summary:")
        .contains("  stopped:    interrupted after input line");
    List<String> written = ids(out); // every line is complete JSON
    assertThat(stopped.err()).contains("llm batch summary: " + written.size() + " records");
    assertThat(Files.readString(out)).endsWith("\n");

    Run resumed = run(Map.of(), exampleBatch(out, "--resume"));
    assertThat(resumed.exit()).as(resumed.err()).isZero();
    assertThat(ids(out)).hasSize(200).containsExactlyInAnyOrderElementsOf(inputIds());
  }

  @Test
  void aMalformedLineIsReportedWithItsLineNumberAndWrittenAsAnError() throws Exception {
    List<String> input = new ArrayList<>(Files.readAllLines(RECORDS).subList(0, 9));
    input.add(4, "{\"id\": \"broken\", \"text\": ");
    Path in = dir.resolve("in.jsonl");
    Files.write(in, input);
    Path out = dir.resolve("results.jsonl");

    Run run =
        run(
            Map.of(),
            "batch",
            "--in",
            in.toString(),
            "--schema",
            SCHEMA.toAbsolutePath().toString(),
            "--out",
            out.toString());

    assertThat(run.exit()).isEqualTo(LlmCommand.RECORDS_FAILED);
    assertThat(run.err())
        .contains("llm: line 5 skipped: not valid JSON")
        .contains("  ok:         9\n")
        .contains("  failed:     1 (MalformedRecord 1)\n");
    List<JsonNode> lines = lines(out);
    assertThat(lines).hasSize(10);
    JsonNode broken = lines.stream().filter(n -> n.get("line").asInt() == 5).findFirst().get();
    assertThat(broken.get("error").asText()).isEqualTo("MalformedRecord");
    assertThat(broken.get("message").asText()).startsWith("line 5: not valid JSON");
  }

  @Test
  void providersWithNothingConfiguredPointsAtTheEmbeddedSimulator() throws Exception {
    Run run = run(Map.of(), "providers");

    assertThat(run.exit()).isZero();
    assertThat(run.out())
        .isEqualTo(
            "Providers on the classpath:\n"
                + "  azure   not configured, missing: AZURE_OPENAI_ENDPOINT; AZURE_OPENAI_API_KEY"
                + " (or AZURE_OPENAI_USE_MANAGED_IDENTITY=true)"
                + "  (dev.llmclient.azure.AzureOpenAiProvider)\n"
                + "  openai  not configured, missing: OPENAI_API_KEY"
                + "  (dev.llmclient.openai.OpenAiProvider)\n"
                + "Selected: none\n"
                + "No LLM provider is configured. Found: azure (missing: AZURE_OPENAI_ENDPOINT;"
                + " AZURE_OPENAI_API_KEY (or AZURE_OPENAI_USE_MANAGED_IDENTITY=true)), openai"
                + " (missing: OPENAI_API_KEY). Set the missing settings of the provider you want,"
                + " or select one with LLM_PROVIDER, -Dllm.provider or"
                + " LlmClients.builder().provider(id). [llmclient: none-configured]\n"
                + "Until one is configured, `llm batch`, `llm chat`, `llm extract` and `llm embed` run against"
                + " the embedded simulator.\n");
  }

  @Test
  void providersWithOneConfiguredSelectsItAndNeverPrintsTheKey() throws Exception {
    Run run = run(Map.of("OPENAI_API_KEY", "sk-secret-123"), "providers");

    assertThat(run.exit()).isZero();
    assertThat(run.out())
        .isEqualTo(
            "Providers on the classpath:\n"
                + "  azure   not configured, missing: AZURE_OPENAI_ENDPOINT; AZURE_OPENAI_API_KEY"
                + " (or AZURE_OPENAI_USE_MANAGED_IDENTITY=true)"
                + "  (dev.llmclient.azure.AzureOpenAiProvider)\n"
                + "  openai  configured  <- selected  (dev.llmclient.openai.OpenAiProvider)\n"
                + "Selected: openai\n");
    assertThat(run.out() + run.err()).doesNotContain("sk-secret-123");
  }

  @Test
  void providersWithTwoConfiguredSaysHowToChoose() throws Exception {
    Map<String, String> both =
        Map.of(
            "OPENAI_API_KEY", "sk-secret-123",
            "AZURE_OPENAI_ENDPOINT", "https://example.openai.azure.com",
            "AZURE_OPENAI_API_KEY", "azure-secret-456");

    Run run = run(both, "providers");

    assertThat(run.exit()).isEqualTo(LlmCommand.CONFIGURATION);
    assertThat(run.out())
        .isEqualTo(
            "Providers on the classpath:\n"
                + "  azure   configured  (dev.llmclient.azure.AzureOpenAiProvider)\n"
                + "  openai  configured  (dev.llmclient.openai.OpenAiProvider)\n"
                + "Selected: none\n"
                + "Several LLM providers are configured: azure, openai. Select one with"
                + " LLM_PROVIDER=<id>, -Dllm.provider=<id> or LlmClients.builder().provider(id)."
                + " [llmclient: several-configured]\n");
    assertThat(run.out()).doesNotContain("secret");

    Run chosen =
        run(
            Map.of(
                "LLM_PROVIDER",
                "azure",
                "OPENAI_API_KEY",
                "k",
                "AZURE_OPENAI_ENDPOINT",
                "https://example.openai.azure.com",
                "AZURE_OPENAI_API_KEY",
                "k"),
            "providers");
    assertThat(chosen.exit()).isZero();
    assertThat(chosen.out())
        .contains("  azure   configured  <- selected")
        .contains("Selected: azure\n");
  }

  @Test
  void withOpenAiSettingsTheBatchGoesToThatServerAndNotToTheEmbeddedOne() throws Exception {
    try (LlmSimulator server = LlmSimulator.builder().apiKey("real-key").start()) {
      Path out = dir.resolve("results.jsonl");
      Run run =
          run(
              Map.of(
                  "OPENAI_BASE_URL", server.openAiBaseUri().toString(),
                  "OPENAI_API_KEY", "real-key",
                  "MODEL_NAME", "gpt-4o-mini"),
              exampleBatch(out));

      assertThat(run.exit()).as(run.err()).isZero();
      assertThat(run.err()).doesNotContain("embedded simulator");
      assertThat(server.counters().requests(Route.CHAT_COMPLETIONS)).isEqualTo(200);
      assertThat(lines(out))
          .allSatisfy(n -> assertThat(n.get("model").asText()).startsWith("gpt-4o-mini"));
    }
  }

  @Test
  void aRestartWithTheSameCacheDirectoryMakesNoRequestForRecordsAlreadyAnswered() throws Exception {
    try (LlmSimulator server = LlmSimulator.builder().apiKey("real-key").start()) {
      Map<String, String> env =
          Map.of(
              "OPENAI_BASE_URL", server.openAiBaseUri().toString(),
              "OPENAI_API_KEY", "real-key",
              "MODEL_NAME", "gpt-4o-mini");
      String cache = dir.resolve("cache").toString();

      Run first = run(env, exampleBatch(dir.resolve("first.jsonl"), "--cache", cache));
      assertThat(first.exit()).as(first.err()).isZero();
      assertThat(server.counters().requests(Route.CHAT_COMPLETIONS)).isEqualTo(200);

      Run second = run(env, exampleBatch(dir.resolve("second.jsonl"), "--cache", cache));
      assertThat(second.exit()).as(second.err()).isZero();
      assertThat(server.counters().requests(Route.CHAT_COMPLETIONS))
          .as("the second process answers every record from the directory")
          .isEqualTo(200);
      assertThat(ids(dir.resolve("second.jsonl"))).containsExactlyInAnyOrderElementsOf(inputIds());
    }
  }

  @Test
  void withAzureSettingsTheCallsUseTheDeploymentRoute() throws Exception {
    try (LlmSimulator server =
        LlmSimulator.builder().apiKey("azure-key").deployment("extract-prod").start()) {
      Run run =
          run(
              Map.of(
                  "AZURE_OPENAI_ENDPOINT", server.azureEndpoint().toString(),
                  "AZURE_OPENAI_API_KEY", "azure-key",
                  "AZURE_OPENAI_DEPLOYMENT_NAME", "extract-prod"),
              "extract",
              "--type",
              "entities",
              "Ada Lovelace worked with Charles Babbage.");

      assertThat(run.exit()).as(run.err()).isZero();
      assertThat(Json.mapper().readTree(run.out()).path("entities").isArray()).isTrue();
      assertThat(server.lastRequest().path())
          .isEqualTo("/openai/deployments/extract-prod/chat/completions");
      assertThat(server.lastRequest().header("api-key")).isEqualTo("azure-key");
    }
  }

  @Test
  void chatPrintsOneJsonObject() throws Exception {
    Run run = run(Map.of(), "chat", "--json", "Name a famous mathematician");

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(Json.mapper().readTree(run.out()).isObject()).isTrue();
    assertThat(run.err()).contains("embedded simulator").contains("llm: model llm-simulator");
  }

  @Test
  void embedWritesOneVectorPerLineOfText() throws Exception {
    Path texts = dir.resolve("texts.txt");
    Files.write(texts, List.of("Ada Lovelace", "Charles Babbage"));
    Process p =
        builder(Map.of(), "embed", "--dimensions", "16").redirectInput(texts.toFile()).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    Run run = finished(p);

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.err()).contains("embedded simulator");
    List<String> rows = run.out().lines().toList();
    assertThat(rows).hasSize(2);
    assertThat(Json.mapper().readTree(rows.get(1)).get("line").asInt()).isEqualTo(2);
    assertThat(Json.mapper().readTree(rows.get(1)).get("embedding")).hasSize(16);
  }

  @Test
  void simulateServesClientsUntilStopped() throws Exception {
    Process server =
        builder("sim-", Map.of(), "simulate", "--port", "0", "--api-key", "sim-key").start();
    try {
      Path log = dir.resolve("sim-stdout.txt");
      java.util.regex.Pattern url = java.util.regex.Pattern.compile("OPENAI_BASE_URL=(\\S+)");
      java.util.regex.Matcher m = url.matcher("");
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!(m = url.matcher(Files.readString(log))).find()) {
        assertThat(server.isAlive()).as("llm simulate still running").isTrue();
        assertThat(System.nanoTime()).as("simulator started").isLessThan(deadline);
        Thread.sleep(20);
      }

      Run chat =
          run(
              Map.of("OPENAI_BASE_URL", m.group(1), "OPENAI_API_KEY", "sim-key"),
              "chat",
              "--json",
              "hello");

      assertThat(chat.exit()).as(chat.err()).isZero();
      assertThat(chat.err()).doesNotContain("embedded simulator");
      assertThat(Json.mapper().readTree(chat.out()).isObject()).isTrue();
    } finally {
      server.destroy();
      assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void theJarCarriesBothProvidersEntraIdAndNoTestOnlyProvider() throws Exception {
    try (java.util.jar.JarFile jar = new java.util.jar.JarFile(JAR.toFile())) {
      String services =
          new String(
              jar.getInputStream(
                      jar.getEntry("META-INF/services/dev.llmclient.api.spi.LlmProvider"))
                  .readAllBytes(),
              StandardCharsets.UTF_8);
      assertThat(services.lines().map(String::trim).filter(l -> !l.isEmpty()))
          .containsExactlyInAnyOrder(
              "dev.llmclient.openai.OpenAiProvider", "dev.llmclient.azure.AzureOpenAiProvider");
      assertThat(jar.getEntry("com/azure/identity/DefaultAzureCredentialBuilder.class"))
          .isNotNull();
      assertThat(jar.getEntry("dev/llmclient/testkit/simulator/LlmSimulator.class")).isNotNull();
      assertThat(jar.getEntry("dev/llmclient/testkit/FakeLlmProvider.class")).isNull();
      assertThat(jar.getEntry("org/junit/jupiter/api/Test.class")).isNull();
      assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class"))
          .isEqualTo(LlmCommand.class.getName());
    }
  }

  @Test
  void providersCountsAzureEntraIdAsConfigured() throws Exception {
    Run run =
        run(
            Map.of(
                "AZURE_OPENAI_ENDPOINT", "https://example.openai.azure.com",
                "AZURE_OPENAI_USE_MANAGED_IDENTITY", "true"),
            "providers");

    assertThat(run.exit()).isZero();
    assertThat(run.out())
        .contains("  azure   configured  <- selected")
        .contains("Selected: azure\n");
  }

  @Test
  void versionAnswersWithoutStartingAnything() throws Exception {
    Run run = run(Map.of(), "--version");

    assertThat(run.exit()).isZero();
    assertThat(run.out()).startsWith("llm 0.1.0").contains("Java 17");
    assertThat(run.err()).isEmpty();
  }

  @Test
  void anUnknownOptionIsAUsageError() throws Exception {
    Run run = run(Map.of(), "batch", "--in", "x.jsonl", "--out", "y.jsonl", "--concurency", "3");

    assertThat(run.exit()).isEqualTo(LlmCommand.USAGE);
    assertThat(run.err())
        .contains("Unknown options: '--concurency'")
        .contains("Possible solutions: --concurrency");
  }

  private Path firstRecords(int count) throws IOException {
    Path in = dir.resolve("in.jsonl");
    Files.write(in, Files.readAllLines(RECORDS).subList(0, count));
    return in;
  }

  private static String[] batchOf(Path in, Path out, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "batch",
                "--in",
                in.toString(),
                "--schema",
                SCHEMA.toAbsolutePath().toString(),
                "--out",
                out.toString()));
    args.addAll(List.of(extra));
    return args.toArray(String[]::new);
  }

  @Test
  void aPartialConfigurationIsAConfigurationErrorAndNeverTheEmbeddedSimulator() throws Exception {
    Path out = dir.resolve("results.jsonl");

    Run baseUrlOnly = run(Map.of("OPENAI_BASE_URL", "http://127.0.0.1:9/v1"), exampleBatch(out));

    assertThat(baseUrlOnly.exit()).as(baseUrlOnly.err()).isEqualTo(LlmCommand.CONFIGURATION);
    assertThat(baseUrlOnly.err())
        .startsWith("llm: OPENAI_BASE_URL is set, so llm calls a real service and does not fall")
        .contains("openai (missing: OPENAI_API_KEY)")
        .contains("[llmclient: none-configured]")
        .doesNotContain("runs against the embedded simulator");
    assertThat(out).doesNotExist();

    Map<String, String> misspelt =
        Map.of(
            "AZURE_OPENAI_ENDPOINT", "https://example.openai.azure.com",
            "AZURE_OPENAI_APIKEY", "azure-secret-456");
    Run chat = run(misspelt, "chat", "hello");

    assertThat(chat.exit()).as(chat.err()).isEqualTo(LlmCommand.CONFIGURATION);
    assertThat(chat.out()).isEmpty();
    assertThat(chat.err())
        .contains("AZURE_OPENAI_APIKEY, AZURE_OPENAI_ENDPOINT are set")
        .contains("AZURE_OPENAI_APIKEY looks like a misspelling of AZURE_OPENAI_API_KEY")
        .contains("azure (missing: AZURE_OPENAI_API_KEY")
        .doesNotContain("azure-secret-456")
        .doesNotContain("embedded simulator on");

    Run providers = run(misspelt, "providers");
    assertThat(providers.exit()).isEqualTo(LlmCommand.CONFIGURATION);
    assertThat(providers.out())
        .contains("do not use the embedded simulator")
        .doesNotContain("Until one is configured");

    Run explicit = run(Map.of("LLM_PROVIDER", "openai"), "embed", "--in", RECORDS.toString());
    assertThat(explicit.exit()).as(explicit.err()).isEqualTo(LlmCommand.CONFIGURATION);
    assertThat(explicit.err()).contains("not-configured").contains("OPENAI_API_KEY");
  }

  @Test
  void modelNameAloneStillUsesTheSimulatorAndEveryLineSaysItIsSimulated() throws Exception {
    Path out = dir.resolve("results.jsonl");

    Run run = run(Map.of("MODEL_NAME", "my-model"), batchOf(firstRecords(5), out));

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.err()).contains("runs against the embedded simulator");
    assertThat(lines(out))
        .hasSize(5)
        .allSatisfy(
            n -> {
              assertThat(n.get("simulated").asBoolean()).isTrue();
              assertThat(n.get("model").asText()).isEqualTo("my-model");
            });
  }

  @Test
  void aSimulatedOutputIsNeverResumedIntoARealRunUnnoticedNorTheOtherWayRound() throws Exception {
    Path in = firstRecords(5);
    Path out = dir.resolve("results.jsonl");
    assertThat(run(Map.of(), batchOf(in, out)).exit()).isZero();
    List<String> simulated = Files.readAllLines(out);
    Files.write(out, simulated.subList(0, 3)); // as if the run had been killed

    try (LlmSimulator server = LlmSimulator.builder().apiKey("real-key").start()) {
      Map<String, String> real =
          Map.of(
              "OPENAI_BASE_URL", server.openAiBaseUri().toString(),
              "OPENAI_API_KEY", "real-key",
              "MODEL_NAME", "gpt-4o-mini");

      Run refused = run(real, batchOf(in, out, "--resume"));

      assertThat(refused.exit()).as(refused.err()).isEqualTo(LlmCommand.USAGE);
      assertThat(refused.err())
          .contains("it holds answers of the embedded simulator (\"simulated\": true)")
          .contains("--allow-simulated-mix");
      assertThat(Files.readAllLines(out)).isEqualTo(simulated.subList(0, 3));
      assertThat(server.counters().totalRequests()).isZero();

      Run mixed = run(real, batchOf(in, out, "--resume", "--allow-simulated-mix"));

      assertThat(mixed.exit()).as(mixed.err()).isZero();
      assertThat(server.counters().requests(Route.CHAT_COMPLETIONS)).isEqualTo(2);
      assertThat(lines(out)).filteredOn(n -> n.has("simulated")).hasSize(3);
      assertThat(lines(out)).filteredOn(n -> !n.has("simulated")).hasSize(2);

      Path realOut = dir.resolve("real.jsonl");
      assertThat(run(real, batchOf(in, realOut)).exit()).isZero();
      Files.write(realOut, Files.readAllLines(realOut).subList(0, 4));
    }
    Path realOut = dir.resolve("real.jsonl");

    Run intoSimulator = run(Map.of(), batchOf(in, realOut, "--resume"));

    assertThat(intoSimulator.exit()).as(intoSimulator.err()).isEqualTo(LlmCommand.USAGE);
    assertThat(intoSimulator.err())
        .contains("it holds answers of a real service, and this run would use the embedded");
    assertThat(Files.readAllLines(realOut)).hasSize(4);
  }

  @Test
  void theLauncherExitsWith4WhenItCannotBuildTheJar() throws Exception {
    Path launcher = Path.of(System.getProperty("llm.launcher", "../llm"));
    Path copy = dir.resolve("checkout/llm");
    Files.createDirectories(copy.getParent());
    Files.copy(launcher, copy);
    ProcessBuilder pb =
        new ProcessBuilder("sh", copy.toString(), "--version")
            .directory(dir.toFile())
            .redirectOutput(dir.resolve("stdout.txt").toFile())
            .redirectError(dir.resolve("stderr.txt").toFile());
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    Process p = pb.start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    Run run = finished(p);

    assertThat(run.exit()).as(run.err()).isEqualTo(LlmCommand.BUILD_FAILED);
    assertThat(run.err()).contains("llm: the build failed");
  }

  /**
   * A checkout holding the launcher, the real jar (an hour old), one source and a POM (a day old),
   * and a stand-in {@code mvnw} that records that it ran and refreshes the jar.
   */
  private Path checkout() throws IOException {
    Path root = dir.resolve("checkout");
    Files.createDirectories(root.resolve("llm-cli/target"));
    Files.createDirectories(root.resolve("llm-cli/src/main/java"));
    Files.copy(Path.of(System.getProperty("llm.launcher", "../llm")), root.resolve("llm"));
    Path jar = Files.copy(JAR, root.resolve("llm-cli/target/llm.jar"));
    Path source = Files.writeString(root.resolve("llm-cli/src/main/java/Some.java"), "class S {}");
    Path pom = Files.writeString(root.resolve("pom.xml"), "<project/>");
    Path mvnw =
        Files.writeString(
            root.resolve("mvnw"),
            "#!/bin/sh\necho \"$@\" > mvnw-ran\ntouch llm-cli/target/llm.jar\n");
    mvnw.toFile().setExecutable(true);
    Instant now = Instant.now();
    Files.setLastModifiedTime(jar, FileTime.from(now.minus(Duration.ofHours(1))));
    Files.setLastModifiedTime(source, FileTime.from(now.minus(Duration.ofDays(1))));
    Files.setLastModifiedTime(pom, FileTime.from(now.minus(Duration.ofDays(1))));
    return root;
  }

  private Run launch(Path root, Map<String, String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("sh", root.resolve("llm").toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectOutput(dir.resolve("stdout.txt").toFile())
            .redirectError(dir.resolve("stderr.txt").toFile());
    pb.environment().remove("JAVA_OPTS");
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().putAll(env);
    Process p = pb.start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return finished(p);
  }

  @Test
  void theLauncherRebuildsTheJarWhenASourceIsNewer() throws Exception {
    Path root = checkout();
    Files.writeString(root.resolve("llm-cli/src/main/java/Some.java"), "class S { int changed; }");

    Run run = launch(root, Map.of(), "--version");

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(root.resolve("mvnw-ran")).exists();
    assertThat(run.err()).contains("rebuilding");
    assertThat(run.out()).startsWith("llm ");
  }

  @Test
  void theLauncherKeepsAJarThatIsNewerThanEverySource() throws Exception {
    Path root = checkout();

    Run run = launch(root, Map.of(), "--version");

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(root.resolve("mvnw-ran")).doesNotExist();
    assertThat(run.err()).isEmpty();
    assertThat(run.out()).startsWith("llm ");
  }

  @Test
  void theLauncherPassesJavaOptsToTheJvm() throws Exception {
    Path root = checkout();

    Run run = launch(root, Map.of("JAVA_OPTS", "-Xmx64m -XX:+PrintCommandLineFlags"), "--version");

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).contains("-XX:MaxHeapSize=67108864").contains("llm ");
  }

  /**
   * On Java 22 to 24 {@code System.console()} is there even when stderr is a file, so it cannot say
   * whether to redraw a bar; with stderr in a file the progress is plain lines, never redraws.
   */
  @Test
  void onANewerJavaProgressToAFileIsPlainLines() throws Exception {
    Path newer = Path.of(System.getProperty("llm.newer.java", "/usr/lib/jvm/temurin-25-jdk-amd64"));
    Path java = newer.resolve("bin/java");
    Assumptions.assumeTrue(Files.isExecutable(java), "no JDK 22+ at " + newer);
    Path out = dir.resolve("results.jsonl");
    List<String> command =
        new ArrayList<>(List.of(java.toString(), "-jar", JAR.toAbsolutePath().toString()));
    command.addAll(List.of(exampleBatch(out)));
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectOutput(dir.resolve("stdout.txt").toFile())
            .redirectError(dir.resolve("stderr.txt").toFile());
    pb.environment().clear();
    Process p = pb.start();
    assertThat(p.waitFor(90, TimeUnit.SECONDS)).isTrue();
    Run run = finished(p);

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.err())
        .contains("progress: 200/200 done")
        .doesNotContain("\r")
        .doesNotContain("[#");
  }
}
