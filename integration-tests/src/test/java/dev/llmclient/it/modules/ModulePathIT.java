package dev.llmclient.it.modules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmclient.testkit.simulator.LlmSimulatorExtension;
import java.io.File;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * An application that is itself a named module runs with llm-api, llm-core and provider-openai as
 * automatic modules on the module path (their third-party dependencies stay on the class path,
 * which automatic modules read), and {@code LlmClients} selects the provider through {@code
 * ServiceLoader} and answers from the simulator.
 *
 * <p>Run by failsafe after {@code package}, so the module jars are the real ones with their
 * manifests, not {@code target/classes}.
 */
class ModulePathIT {

  /** The jars that go on the module path: the port, the core and one provider. */
  private static final Pattern MODULE_JARS =
      Pattern.compile("(llm-api|llm-core|provider-openai)-[0-9][^/]*\\.jar");

  /** Everything of llmclient that must stay off both paths (other providers, the kit, tests). */
  private static final Pattern OTHER_LLMCLIENT =
      Pattern.compile("(llm-[a-z]+|provider-[a-z]+|tracing-[a-z]+|integration-tests)-[0-9].*");

  private static final String MODULE_INFO =
      """
      module app.modulepath {
        requires dev.llmclient.api;
        requires dev.llmclient.core;
        // Binds the provider modules on the module path into the application.
        uses dev.llmclient.api.spi.LlmProvider;
        // Jackson (on the class path here) binds the answer record.
        opens app.modulepath;
      }
      """;

  private static final String MAIN =
      """
      package app.modulepath;

      import dev.llmclient.api.LlmClient;
      import dev.llmclient.api.Message;
      import dev.llmclient.api.spi.LlmProvider;
      import dev.llmclient.core.LlmClients;
      import java.util.List;
      import java.util.ServiceLoader;

      public final class Main {
        public record Person(String name, int born) {}

        public static void main(String[] args) {
          ServiceLoader.load(LlmProvider.class).stream()
              .forEach(p -> System.out.println(
                  "provider " + p.type().getName() + " in " + p.type().getModule().getName()));
          System.out.println("core in " + LlmClients.class.getModule().getName());
          System.out.println("app in " + Main.class.getModule().getName());
          try (LlmClient llm = LlmClients.fromEnvironment()) {
            Person p = llm.generate(List.of(Message.user("Ada Lovelace (1815)")), Person.class);
            System.out.println("answer " + (p != null && p.name() != null));
          }
        }
      }
      """;

  @RegisterExtension
  static LlmSimulatorExtension sim = LlmSimulatorExtension.create(b -> b.apiKey("test-key"));

  @TempDir Path dir;

  @Test
  void anApplicationOnTheModulePathSelectsTheProviderAndCallsIt() throws Exception {
    List<String> modulePath = new ArrayList<>();
    List<String> classPath = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      String name = Path.of(entry).getFileName().toString();
      if (MODULE_JARS.matcher(name).matches()) {
        modulePath.add(entry);
      } else if (entry.endsWith(".jar") && !OTHER_LLMCLIENT.matcher(name).matches()) {
        classPath.add(entry);
      }
    }
    assertThat(modulePath)
        .as("llm-api, llm-core and provider-openai as jars (run after package)")
        .hasSize(3);

    Path src = dir.resolve("src");
    Path classes = dir.resolve("classes");
    Files.createDirectories(src.resolve("app/modulepath"));
    Files.writeString(src.resolve("module-info.java"), MODULE_INFO);
    Files.writeString(src.resolve("app/modulepath/Main.java"), MAIN);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    StringWriter compilerOutput = new StringWriter();
    boolean compiled =
        javac
            .getTask(
                compilerOutput,
                null,
                null,
                List.of(
                    "--release",
                    "17",
                    "-d",
                    classes.toString(),
                    "--module-path",
                    String.join(File.pathSeparator, modulePath)),
                null,
                javac
                    .getStandardFileManager(null, null, StandardCharsets.UTF_8)
                    .getJavaFileObjects(
                        src.resolve("module-info.java"), src.resolve("app/modulepath/Main.java")))
            .call();
    assertThat(compiled).as(compilerOutput.toString()).isTrue();

    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("--module-path");
    command.add(classes + File.pathSeparator + String.join(File.pathSeparator, modulePath));
    command.add("-cp");
    command.add(String.join(File.pathSeparator, classPath));
    command.add("-m");
    command.add("app.modulepath/app.modulepath.Main");
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.keySet()
        .removeIf(k -> k.startsWith("AZURE_") || k.startsWith("OPENAI_") || k.startsWith("LLM_"));
    env.put("OPENAI_API_KEY", "test-key");
    env.put("OPENAI_BASE_URL", sim.simulator().openAiBaseUri().toString());
    env.put("MODEL_NAME", "gpt-4o");
    Process process = pb.start();
    process.getOutputStream().close();
    String output;
    boolean exited;
    try {
      exited = process.waitFor(60, TimeUnit.SECONDS);
    } finally {
      if (process.isAlive()) {
        process.destroyForcibly();
      }
      output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(exited).as("the application ended within 60 s; it printed:%n%s", output).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output.lines().collect(Collectors.toList()))
        .as(output)
        .contains(
            "provider dev.llmclient.openai.OpenAiProvider in dev.llmclient.openai",
            "core in dev.llmclient.core",
            "app in app.modulepath",
            "answer true");
    assertThat(sim.simulator().counters().responses(200)).isEqualTo(1);
  }
}
