package dev.llmclient.cache.disk;

import java.nio.file.Path;

/** Writes and reads back entries: run in a second JVM by the two-process test, and in the first. */
public final class TwoProcessWriter {

  private TwoProcessWriter() {}

  static String key(String who, int i) {
    return String.format("%032x%032x", who.hashCode() & 0xffffffffL, i);
  }

  static void write(Path dir, String who, int n) {
    try (DiskResponseCache cache = DiskResponseCache.builder(dir).build()) {
      for (int i = 0; i < n; i++) {
        cache.put(key(who, i), who + i);
        if (!(who + i).equals(cache.get(key(who, i)))) {
          throw new IllegalStateException(who + " lost its own entry " + i);
        }
      }
      if (cache.failures() != 0) {
        throw new IllegalStateException(who + " saw " + cache.failures() + " failures");
      }
    }
  }

  /**
   * Writes entries.
   *
   * @param args the directory, the writer's name and the number of entries
   */
  public static void main(String[] args) {
    write(Path.of(args[0]), args[1], Integer.parseInt(args[2]));
  }
}
