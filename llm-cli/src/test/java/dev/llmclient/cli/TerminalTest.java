package dev.llmclient.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whether stderr is a terminal is read from what file descriptor 2 points to (on Linux {@code
 * /proc/self/fd/2}), not from {@code System.console()}, which on Java 22+ is there even when stderr
 * goes to a file or a pipe.
 */
class TerminalTest {

  @TempDir Path dir;

  private Path link(String target) throws Exception {
    Path link = dir.resolve("fd" + target.hashCode());
    Files.createSymbolicLink(link, Path.of(target));
    return link;
  }

  @Test
  void aPseudoTerminalOrATtyIsATerminal() throws Exception {
    assertThat(Terminal.isTerminal(link("/dev/pts/3"))).isTrue();
    assertThat(Terminal.isTerminal(link("/dev/tty1"))).isTrue();
  }

  @Test
  void aFileAPipeOrNothingIsNot() throws Exception {
    assertThat(Terminal.isTerminal(link("/var/log/llm.log"))).isFalse();
    assertThat(Terminal.isTerminal(link("pipe:[4242]"))).isFalse();
    assertThat(Terminal.isTerminal(link("/dev/null"))).isFalse();
    assertThat(Terminal.isTerminal(dir.resolve("no-such-fd"))).isFalse();
    Path regular = Files.writeString(dir.resolve("plain"), "x");
    assertThat(Terminal.isTerminal(regular)).isFalse();
  }

  @Test
  void underMavenStderrIsNoTerminal() {
    // surefire forks the tests with stderr on a pipe
    assertThat(Terminal.stderrIsTerminal()).isFalse();
  }
}
