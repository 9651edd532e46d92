package dev.llmclient.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether standard error is a terminal, which decides between a progress bar redrawn in place and
 * plain progress lines.
 *
 * <p>{@code System.console()} cannot tell: on Java 22+ it returns a console even when stderr is a
 * file or a pipe, and a log would fill with redraws. On Linux the link {@code /proc/self/fd/2}
 * names what stderr is; anywhere it cannot be read, stderr counts as no terminal.
 */
final class Terminal {

  private static final Path STDERR = Path.of("/proc/self/fd/2");

  private Terminal() {}

  /** True when this process's stderr is a terminal (a pseudo-terminal or a tty). */
  static boolean stderrIsTerminal() {
    return isTerminal(STDERR);
  }

  /** True when the file descriptor link points to a terminal device. */
  static boolean isTerminal(Path fdLink) {
    try {
      if (!Files.isSymbolicLink(fdLink)) {
        return false;
      }
      String target = Files.readSymbolicLink(fdLink).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return false;
    }
  }
}
