package dev.llmclient.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The progress display on stderr: a bar redrawn in place on a terminal, plain lines at an interval
 * otherwise (logs and CI keep every line readable).
 */
final class Progress implements AutoCloseable {

  /**
   * The widest bar drawn: one column less than an 80-column terminal, whose last column would wrap
   * the line on some terminals and break the redraw in place.
   */
  static final int COLUMNS = 79;

  /** The bar's width when the numbers leave room for it. */
  private static final int BAR_WIDTH = 24;

  /** The narrowest bar before the text is cut instead. */
  private static final int MIN_BAR_WIDTH = 10;

  /** What the display shows at one moment. */
  record Snapshot(
      long done,
      long total,
      long ok,
      long failed,
      int retrying,
      int inFlight,
      long inputTokens,
      long outputTokens,
      Duration elapsed) {

    /** Lines done per second. */
    double rate() {
      double seconds = elapsed.toNanos() / 1e9;
      return seconds <= 0 ? 0 : done / seconds;
    }

    /** Time left at the current rate, or null before anything is done. */
    Duration eta() {
      double rate = rate();
      if (rate <= 0 || total <= done) {
        return Duration.ZERO;
      }
      return Duration.ofMillis((long) ((total - done) / rate * 1000));
    }
  }

  private final PrintWriter err;
  private final boolean terminal;
  private final Supplier<Snapshot> snapshots;
  private final ScheduledExecutorService timer;
  private int lastWidth;

  private Progress(
      PrintWriter err, boolean terminal, Supplier<Snapshot> snapshots, Duration interval) {
    this.err = err;
    this.terminal = terminal;
    this.snapshots = snapshots;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "llm-progress");
              t.setDaemon(true);
              return t;
            });
    long millis = Math.max(50, interval.toMillis());
    timer.scheduleAtFixedRate(this::show, millis, millis, TimeUnit.MILLISECONDS);
  }

  /**
   * Starts showing progress.
   *
   * @param terminal true for the redrawn bar (stderr is a terminal), false for plain lines
   * @param interval how often plain lines are printed (the bar is redrawn 5 times a second)
   */
  static Progress start(
      PrintWriter err, boolean terminal, Supplier<Snapshot> snapshots, Duration interval) {
    Progress p =
        new Progress(err, terminal, snapshots, terminal ? Duration.ofMillis(200) : interval);
    p.show();
    return p;
  }

  /** Shows the current state now. */
  synchronized void show() {
    Snapshot s = snapshots.get();
    if (terminal) {
      String text = fitted(s);
      err.print("\r" + text + " ".repeat(Math.max(0, lastWidth - text.length())));
      lastWidth = text.length();
    } else {
      err.println(line(s));
    }
    err.flush();
  }

  /** Prints a message on its own line, then redraws the bar below it. */
  synchronized void note(String message) {
    if (terminal) {
      err.print("\r" + " ".repeat(lastWidth) + "\r");
      err.println(message);
      lastWidth = 0;
      String text = fitted(snapshots.get());
      err.print(text);
      lastWidth = text.length();
    } else {
      err.println(message);
    }
    err.flush();
  }

  /** Prints the final state and stops; on a terminal, ends the bar's line. */
  @Override
  public synchronized void close() {
    timer.shutdownNow();
    show();
    if (terminal) {
      err.println();
      err.flush();
    }
  }

  /** The plain progress line. */
  static String line(Snapshot s) {
    return String.format(
        Locale.ROOT,
        "progress: %d/%d done (%d ok, %d failed), %d in flight, %d retrying, %.1f/s, ETA %s,"
            + " tokens %d in / %d out",
        s.done(),
        s.total(),
        s.ok(),
        s.failed(),
        s.inFlight(),
        s.retrying(),
        s.rate(),
        duration(s.eta()),
        s.inputTokens(),
        s.outputTokens());
  }

  /**
   * The bar in at most {@link #COLUMNS} columns: narrower when the numbers are long, and cut at the
   * end (the token counts go first) when even the narrowest bar does not fit.
   */
  static String fitted(Snapshot s) {
    String text = bar(s, BAR_WIDTH);
    if (text.length() <= COLUMNS) {
      return text;
    }
    int width = BAR_WIDTH - (text.length() - COLUMNS);
    if (width >= MIN_BAR_WIDTH) {
      return bar(s, width);
    }
    return bar(s, MIN_BAR_WIDTH).substring(0, COLUMNS);
  }

  /** The bar for a terminal, e.g. {@code [#####-----] 50% 100/200 ...}. */
  static String bar(Snapshot s, int width) {
    double fraction = s.total() <= 0 ? 1.0 : Math.min(1.0, (double) s.done() / s.total());
    int filled = (int) Math.round(fraction * width);
    return String.format(
        Locale.ROOT,
        "[%s%s] %3d%% %d/%d  ok %d  failed %d  retrying %d  %.1f/s  ETA %s  tokens %d/%d",
        "#".repeat(filled),
        "-".repeat(width - filled),
        Math.round(fraction * 100),
        s.done(),
        s.total(),
        s.ok(),
        s.failed(),
        s.retrying(),
        s.rate(),
        duration(s.eta()),
        s.inputTokens(),
        s.outputTokens());
  }

  /** A short human duration: {@code 45s}, {@code 3m05s}, {@code 2h10m}. */
  static String duration(Duration d) {
    long seconds = Math.max(0, (d.toMillis() + 500) / 1000);
    if (seconds < 60) {
      return seconds + "s";
    }
    if (seconds < 3600) {
      return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
    }
    return String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, (seconds % 3600) / 60);
  }

  /** Nanoseconds since a start, for {@link Snapshot#elapsed()}. */
  static Duration since(long startNanos, LongSupplier nanoTime) {
    return Duration.ofNanos(nanoTime.getAsLong() - startNanos);
  }
}
