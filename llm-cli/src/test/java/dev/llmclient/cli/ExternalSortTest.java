package dev.llmclient.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sort behind an exact, bounded {@code --resume}: runs on disk merged back in order. */
class ExternalSortTest {

  @TempDir Path dir;

  @Test
  void linesSpilledInRunsComeBackInOrderWithEveryDuplicateAndTheFilesAreDeletedOnClose()
      throws Exception {
    Random random = new Random(7);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      lines.add(Json.write("k" + random.nextInt(300)) + '\t' + ExternalSort.number(i));
    }
    List<String> merged = new ArrayList<>();
    try (ExternalSort sort = new ExternalSort(dir, 7)) {
      lines.forEach(sort::add);
      try (var files = Files.list(dir)) {
        assertThat(files.count()).as("runs on disk").isGreaterThan(100);
      }
      sort.sorted().forEachRemaining(merged::add);
      List<String> again = new ArrayList<>();
      sort.sorted().forEachRemaining(again::add);
      assertThat(again).isEqualTo(merged);
    }

    assertThat(merged).isEqualTo(lines.stream().sorted().toList());
    try (var files = Files.list(dir)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void aMergeOfMoreRunsThanItsFanInReadsThemInGroupsAndLosesNoLine() throws Exception {
    Random random = new Random(11);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      lines.add("k" + random.nextInt(200));
    }
    try (ExternalSort sort = new ExternalSort(dir, 3, 4)) {
      lines.forEach(sort::add);
      List<String> merged = new ArrayList<>();
      try (ExternalSort.Sorted sorted = sort.sorted()) {
        try (var files = Files.list(dir)) {
          assertThat(files.count()).as("runs left for the last merge").isBetween(1L, 4L);
        }
        sorted.forEachRemaining(merged::add);
      }
      assertThat(merged).isEqualTo(lines.stream().sorted().toList());
    }
    try (var files = Files.list(dir)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void numbersSortAsTextInNumericOrder() {
    assertThat(ExternalSort.number(9).compareTo(ExternalSort.number(10))).isNegative();
    assertThat(ExternalSort.number(Long.MAX_VALUE)).hasSize(19);
  }
}
