package dev.llmclient.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The records batch-api mode re-reads from its input by line number. */
class WantedRecordsTest {

  @TempDir Path dir;

  @Test
  void theWantedLinesComeBackInOrderAndBlankOrTextlessLinesArePassedOver() throws Exception {
    Path in = dir.resolve("in.jsonl");
    Files.writeString(
        in,
        """
        {"id":"a","text":"one"}
        {"id":"b","text":"two"}

        {"id":"d"}
        {"id":"e","text":"five"}
        """);
    List<String> ids = new ArrayList<>();
    try (ExternalSort sort = new ExternalSort(dir.resolve("sort"), 1)) {
      Files.createDirectories(dir.resolve("sort"));
      for (long n : new long[] {5, 3, 1, 4}) {
        sort.add(ExternalSort.number(n));
      }
      try (WantedRecords wanted = new WantedRecords(sort, in, "id", "text")) {
        wanted.forEachRemaining(r -> ids.add(r.id()));
        assertThat(WantedRecords.openOn(in)).isEqualTo(1);
      }
    }
    assertThat(ids).containsExactly("a", "e");
    assertThat(WantedRecords.openOn(in)).isZero();
  }

  @Test
  void anInputGoneSinceItWasReadFailsClearlyAndLeavesNoFileOpen() throws Exception {
    Path fds = Path.of("/proc/self/fd");
    assumeTrue(Files.isDirectory(fds), "counts open files through /proc");
    Path in = dir.resolve("gone.jsonl");
    Path runs = Files.createDirectories(dir.resolve("sort")).toRealPath();
    try (ExternalSort sort = new ExternalSort(runs, 1)) {
      for (long n = 1; n <= 6; n++) {
        sort.add(ExternalSort.number(n));
      }

      assertThatThrownBy(() -> new WantedRecords(sort, in, "id", "text"))
          .isInstanceOf(UncheckedIOException.class)
          .hasMessageContaining("does not exist");

      assertThat(openUnder(fds, runs)).as("sort runs open after the failed read").isZero();
      assertThat(WantedRecords.openOn(in)).isZero();
    }
  }

  /** How many of this process's open files are under {@code folder}. */
  private static long openUnder(Path fds, Path folder) throws Exception {
    try (var list = Files.list(fds)) {
      return list.filter(
              fd -> {
                try {
                  return Files.readSymbolicLink(fd).startsWith(folder);
                } catch (Exception gone) {
                  return false; // closed while listed
                }
              })
          .count();
    }
  }
}
