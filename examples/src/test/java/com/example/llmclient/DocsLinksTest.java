package com.example.llmclient;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every relative link in README.md and docs/*.md points at a file that exists, and every {@code
 * #anchor} at a heading of that file, so moving or renaming a page fails the build.
 */
class DocsLinksTest {

  /** The repository root: the examples module's parent. */
  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

  private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");
  private static final Pattern FENCE = Pattern.compile("(?ms)^\\s*```.*?^\\s*```");
  private static final Pattern INLINE_CODE = Pattern.compile("`[^`\n]*`");
  private static final Pattern HEADING = Pattern.compile("(?m)^#{1,6}\\s+(.+?)\\s*$");

  @Test
  void everyRelativeLinkResolves() throws IOException {
    List<Path> pages = pages();
    assertThat(pages).contains(ROOT.resolve("README.md"), ROOT.resolve("docs/ARCHITECTURE.md"));
    List<String> broken = new ArrayList<>();
    int checked = 0;
    for (Path page : pages) {
      for (String target : links(Files.readString(page))) {
        if (target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
          continue; // https:, mailto: ...: not a file in the repository
        }
        checked++;
        String problem = problem(page, target);
        if (problem != null) {
          broken.add(ROOT.relativize(page) + ": " + target + " (" + problem + ")");
        }
      }
    }
    assertThat(broken).as("broken links").isEmpty();
    assertThat(checked).as("relative links checked").isGreaterThan(pages.size());
  }

  @Test
  void theCheckerFindsAMissingFileAndAMissingAnchor() throws IOException {
    Path readme = ROOT.resolve("README.md");
    assertThat(problem(readme, "docs/no-such-page.md")).isEqualTo("no such file");
    assertThat(problem(readme, "docs/ARCHITECTURE.md#no-such-heading"))
        .isEqualTo("no such heading");
    assertThat(problem(readme, "docs/ARCHITECTURE.md#the-life-of-one-call")).isNull();
    assertThat(links("see [a](a.md) and `[b](b.md)`\n```\n[c](c.md)\n```\n"))
        .containsExactly("a.md");
  }

  /**
   * docs/testing.md repeats the README's simulator test, which integration-tests'
   * ReadmeSimulatorSnippetTest compiles and runs; the copy must stay the same text.
   */
  @Test
  void testingPageRepeatsTheReadmesCheckedSimulatorSnippetExactly() throws IOException {
    String readme =
        javaBlockWith(Files.readString(ROOT.resolve("README.md")), "@RegisterExtension");
    String page =
        javaBlockWith(Files.readString(ROOT.resolve("docs/testing.md")), "@RegisterExtension");
    assertThat(readme).contains("survivesThrottling");
    assertThat(page).isEqualTo(readme);
  }

  private static String javaBlockWith(String markdown, String marker) {
    Matcher m = Pattern.compile("(?ms)^```java\n(.*?)^```").matcher(markdown);
    while (m.find()) {
      if (m.group(1).contains(marker)) {
        return m.group(1);
      }
    }
    throw new AssertionError("no java block with " + marker);
  }

  private static List<Path> pages() throws IOException {
    List<Path> pages = new ArrayList<>();
    pages.add(ROOT.resolve("README.md"));
    try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    return pages;
  }

  /** The link targets of a Markdown text, outside code blocks and inline code. */
  private static List<String> links(String markdown) {
    String text = INLINE_CODE.matcher(FENCE.matcher(markdown).replaceAll("")).replaceAll("");
    List<String> targets = new ArrayList<>();
    Matcher m = LINK.matcher(text);
    while (m.find()) {
      targets.add(m.group(1));
    }
    return targets;
  }

  /** What is wrong with a relative link from a page, or null when it resolves. */
  private static String problem(Path page, String target) throws IOException {
    int hash = target.indexOf('#');
    String file = hash < 0 ? target : target.substring(0, hash);
    String anchor = hash < 0 ? null : target.substring(hash + 1);
    Path resolved = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
    if (!Files.exists(resolved)) {
      return "no such file";
    }
    if (anchor != null && resolved.toString().endsWith(".md")) {
      List<String> slugs = new ArrayList<>();
      Matcher h = HEADING.matcher(FENCE.matcher(Files.readString(resolved)).replaceAll(""));
      while (h.find()) {
        slugs.add(slug(h.group(1)));
      }
      if (!slugs.contains(anchor)) {
        return "no such heading";
      }
    }
    return null;
  }

  /** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
  private static String slug(String heading) {
    return heading.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
  }
}
