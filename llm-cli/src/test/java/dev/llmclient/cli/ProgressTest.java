package dev.llmclient.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ProgressTest {

  private static Progress.Snapshot halfway() {
    return new Progress.Snapshot(100, 200, 97, 3, 2, 8, 12_000, 3_400, Duration.ofSeconds(10));
  }

  @Test
  void thePlainLineShowsCountsRateEtaAndTokens() {
    assertThat(Progress.line(halfway()))
        .isEqualTo(
            "progress: 100/200 done (97 ok, 3 failed), 8 in flight, 2 retrying, 10.0/s, ETA 10s,"
                + " tokens 12000 in / 3400 out");
  }

  @Test
  void theBarIsFilledByTheFractionDone() {
    assertThat(Progress.bar(halfway(), 10))
        .startsWith("[#####-----]  50% 100/200  ok 97  failed 3  retrying 2  10.0/s  ETA 10s");
  }

  @Test
  void etaIsZeroBeforeAnythingIsDoneAndWhenAllIsDone() {
    assertThat(new Progress.Snapshot(0, 10, 0, 0, 0, 0, 0, 0, Duration.ZERO).eta())
        .isEqualTo(Duration.ZERO);
    assertThat(new Progress.Snapshot(10, 10, 10, 0, 0, 0, 0, 0, Duration.ofSeconds(1)).eta())
        .isEqualTo(Duration.ZERO);
  }

  @Test
  void durationsAreShort() {
    assertThat(Progress.duration(Duration.ofMillis(44_600))).isEqualTo("45s");
    assertThat(Progress.duration(Duration.ofSeconds(185))).isEqualTo("3m05s");
    assertThat(Progress.duration(Duration.ofMinutes(130))).isEqualTo("2h10m");
  }

  @Test
  void withoutATerminalEachUpdateIsItsOwnLine() {
    StringWriter text = new StringWriter();
    AtomicReference<Progress.Snapshot> now = new AtomicReference<>(halfway());
    Progress p = Progress.start(new PrintWriter(text), false, now::get, Duration.ofHours(1));
    p.note("llm: line 3 skipped: not a JSON object");
    now.set(new Progress.Snapshot(200, 200, 197, 3, 0, 0, 1, 1, Duration.ofSeconds(20)));
    p.close();

    assertThat(text.toString().split("\n"))
        .containsExactly(
            Progress.line(halfway()),
            "llm: line 3 skipped: not a JSON object",
            Progress.line(now.get()));
  }

  @Test
  void onATerminalTheBarIsRedrawnInPlaceAndEndsWithANewline() {
    StringWriter text = new StringWriter();
    Progress p =
        Progress.start(new PrintWriter(text), true, ProgressTest::halfway, Duration.ofHours(1));
    p.close();

    assertThat(text.toString()).startsWith("\r[").endsWith("\n").doesNotContain("progress:");
    assertThat(text.toString().chars().filter(c -> c == '\n').count()).isEqualTo(1);
  }

  @Test
  void onATerminalEveryRedrawFitsInEightyColumns() {
    Progress.Snapshot big =
        new Progress.Snapshot(
            1_234_567,
            9_876_543,
            1_234_000,
            567,
            10_000,
            10_000,
            98_765_432_100L,
            12_345_678_900L,
            Duration.ofHours(30));
    for (Progress.Snapshot s : List.of(halfway(), big)) {
      StringWriter text = new StringWriter();
      Progress p = Progress.start(new PrintWriter(text), true, () -> s, Duration.ofHours(1));
      p.note("llm: a note");
      p.close();
      for (String redraw : text.toString().split("[\r\n]")) {
        assertThat(redraw.length()).as(redraw).isLessThanOrEqualTo(Progress.COLUMNS);
      }
      assertThat(Progress.COLUMNS).isLessThan(80);
    }
  }
}
