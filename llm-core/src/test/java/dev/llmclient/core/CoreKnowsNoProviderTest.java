package dev.llmclient.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Core's main code names no provider and none of a provider's settings: providers declare their
 * setting names through {@code LlmProvider.settingNames()}, so a third provider needs no change
 * here. The two documented exceptions are the pool setting's own name and its default provider.
 */
class CoreKnowsNoProviderTest {

  private static final Pattern PROVIDER_LITERAL =
      Pattern.compile("\"(openai|azure|AZURE_OPENAI_[A-Z_]*|OPENAI_[A-Z_]*)\"");

  private static final Set<String> ALLOWED =
      Set.of(
          "public static final String DEPLOYMENTS_SETTING = \"AZURE_OPENAI_DEPLOYMENTS\";",
          "public static final String DEFAULT_MEMBER_PROVIDER = \"azure\";");

  @Test
  void noProviderIdOrProviderSettingNameIsWrittenInCoresMainCode() throws IOException {
    List<String> found = scan(Path.of("src/main/java"));

    assertThat(found).isEmpty();
  }

  @Test
  void theScanFindsALiteralWhereThereIsOne() throws IOException {
    Path dir = Files.createTempDirectory("core-scan");
    Files.writeString(
        dir.resolve("Fixture.java"),
        "class Fixture {\n"
            + "  /** {@code \"azure\"} in a comment is fine. */\n"
            + "  String key(String id) {\n"
            + "    return switch (id) { case \"openai\" -> \"OPENAI_API_KEY\"; default -> null; };\n"
            + "  }\n"
            + "}\n");

    assertThat(scan(dir)).singleElement().asString().contains("Fixture.java:4");
  }

  private static List<String> scan(Path root) throws IOException {
    List<String> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
          String line = lines.get(i).strip();
          if (line.startsWith("*") || line.startsWith("/*") || line.startsWith("//")) {
            continue;
          }
          Matcher m = PROVIDER_LITERAL.matcher(line);
          if (m.find() && !ALLOWED.contains(line)) {
            found.add(file.getFileName() + ":" + (i + 1) + ": " + line);
          }
        }
      }
    }
    return found;
  }
}
