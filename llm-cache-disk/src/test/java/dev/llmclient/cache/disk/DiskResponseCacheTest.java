package dev.llmclient.cache.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmclient.api.LlmConfigurationException;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.core.StoreProvider;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskResponseCacheTest {

  @TempDir Path dir;

  private static String key(String name) {
    return String.format("%064x", name.hashCode() & 0xffffffffL);
  }

  @Test
  void anAnswerSurvivesClosingAndReopeningTheDirectory() {
    try (DiskResponseCache cache = DiskResponseCache.builder(dir).build()) {
      cache.put(key("a"), "{\"answer\":\"é ✓\"}");
      assertThat(cache.get(key("a"))).isEqualTo("{\"answer\":\"é ✓\"}");
    }
    try (DiskResponseCache reopened = DiskResponseCache.builder(dir).build()) {
      assertThat(reopened.get(key("a"))).isEqualTo("{\"answer\":\"é ✓\"}");
      assertThat(reopened.get(key("b"))).isNull();
      assertThat(reopened.hits()).isEqualTo(1);
      assertThat(reopened.misses()).isEqualTo(1);
    }
    assertThat(dir.resolve(DiskResponseCache.FILE_NAME)).exists();
  }

  @Test
  void theStoredBytesStayWithinTheBoundAndTheOldestEntriesGoFirst() {
    String value = "x".repeat(200);
    try (DiskResponseCache cache = DiskResponseCache.builder(dir).maxBytes(4096).build()) {
      for (int i = 0; i < 100; i++) {
        cache.put(key("k" + i), value + i);
        assertThat(cache.storedBytes()).isLessThanOrEqualTo(4096);
      }
      assertThat(cache.get(key("k0"))).isNull();
      assertThat(cache.get(key("k99"))).isEqualTo(value + 99);
      // replacing an entry does not count it twice
      long before = cache.storedBytes();
      cache.put(key("k99"), value + 99);
      assertThat(cache.storedBytes()).isEqualTo(before);
      assertThat(cache.failures()).isZero();
    }
  }

  @Test
  void anAnswerOverTheValueBoundIsNotCached() {
    try (DiskResponseCache cache = DiskResponseCache.builder(dir).maxValueBytes(10).build()) {
      cache.put(key("big"), "01234567890");
      cache.put(key("small"), "0123456789");
      assertThat(cache.get(key("big"))).isNull();
      assertThat(cache.get(key("small"))).isEqualTo("0123456789");
    }
  }

  @Test
  void anEntryOlderThanItsTimeToLiveIsAMiss() {
    MutableClock clock = new MutableClock();
    try (DiskResponseCache cache =
        DiskResponseCache.builder(dir).timeToLive(Duration.ofMinutes(10)).clock(clock).build()) {
      cache.put(key("a"), "v");
      clock.now = clock.now.plus(Duration.ofMinutes(9));
      assertThat(cache.get(key("a"))).isEqualTo("v");
      clock.now = clock.now.plus(Duration.ofMinutes(2));
      assertThat(cache.get(key("a"))).isNull();
    }
  }

  @Test
  void aFileThatIsNotACacheIsRefusedAtOpenNamingTheDirectory() throws Exception {
    try (DiskResponseCache cache = DiskResponseCache.builder(dir).build()) {
      cache.put(key("a"), "v");
    }
    Files.writeString(
        dir.resolve(DiskResponseCache.FILE_NAME), "not a database at all ".repeat(200));
    Files.deleteIfExists(dir.resolve(DiskResponseCache.FILE_NAME + "-wal"));
    Files.deleteIfExists(dir.resolve(DiskResponseCache.FILE_NAME + "-shm"));

    assertThatThrownBy(() -> DiskResponseCache.builder(dir).build())
        .isInstanceOf(LlmConfigurationException.class)
        .hasMessageContaining("Cannot open the response cache in " + dir.toAbsolutePath());
  }

  @Test
  void aPutThatCannotGetTheWriteLockInTimeIsSkippedAndLookupsGoOn() throws Exception {
    try (DiskResponseCache cache =
            DiskResponseCache.builder(dir).busyTimeout(Duration.ZERO).build();
        java.sql.Connection other =
            java.sql.DriverManager.getConnection(
                "jdbc:sqlite:" + dir.resolve(DiskResponseCache.FILE_NAME))) {
      cache.put(key("before"), "v");
      try (java.sql.Statement s = other.createStatement()) {
        s.execute("BEGIN IMMEDIATE");
        cache.put(key("blocked"), "w");
        assertThat(cache.failures()).isEqualTo(1);
        assertThat(cache.get(key("before"))).isEqualTo("v");
        s.execute("ROLLBACK");
      }
      assertThat(cache.get(key("blocked"))).isNull();
      cache.put(key("after"), "x");
      assertThat(cache.get(key("after"))).isEqualTo("x");
      assertThat(cache.failures()).isEqualTo(1);
    }
  }

  @Test
  void twoProcessesWritingTheSameDirectoryAtOnceLoseNothing() throws Exception {
    int n = 300;
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                TwoProcessWriter.class.getName(),
                dir.toString(),
                "child",
                Integer.toString(n))
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("child.log").toFile())
            .start();
    TwoProcessWriter.write(dir, "parent", n);
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("the child finishes").isTrue();
    assertThat(child.exitValue())
        .as("child log: %s", Files.readString(dir.resolve("child.log")))
        .isZero();

    try (DiskResponseCache cache = DiskResponseCache.builder(dir).build()) {
      List<String> missing = new ArrayList<>();
      for (String who : List.of("parent", "child")) {
        for (int i = 0; i < n; i++) {
          if (!(who + i).equals(cache.get(TwoProcessWriter.key(who, i)))) {
            missing.add(who + i);
          }
        }
      }
      assertThat(missing).isEmpty();
      long expected = 0;
      for (String who : List.of("parent", "child")) {
        for (int i = 0; i < n; i++) {
          expected += (who + i).length() + TwoProcessWriter.key(who, i).length();
        }
      }
      assertThat(cache.storedBytes())
          .as("the running total counts both writers")
          .isEqualTo(expected);
    }
  }

  @Test
  void theStoreProviderIsFoundAndMakesTheCacheFromLlmCacheDir() {
    StoreProvider provider =
        ServiceLoader.load(StoreProvider.class).stream()
            .map(ServiceLoader.Provider::get)
            .filter(p -> p instanceof DiskStoreProvider)
            .findFirst()
            .orElseThrow();
    ProviderSettings settings =
        ProviderSettings.of(
            Map.of(
                StoreProvider.CACHE_DIR,
                dir.resolve("sub").toString(),
                DiskStoreProvider.MAX_BYTES,
                "2_000_000"));

    assertThat(provider.setting()).isEqualTo("LLM_CACHE_DIR");
    assertThat(provider.describe(settings))
        .contains(dir.resolve("sub").resolve(DiskResponseCache.FILE_NAME).toString())
        .contains("2_000_000");
    assertThat(dir.resolve("sub")).as("describing opens nothing").doesNotExist();
    assertThat(provider.createBudgetStore(settings)).isEmpty();
    try (DiskResponseCache cache =
        (DiskResponseCache) provider.createResponseCache(settings).orElseThrow()) {
      cache.put(key("a"), "v");
      assertThat(cache.get(key("a"))).isEqualTo("v");
    }
    assertThatThrownBy(
            () ->
                provider.createResponseCache(
                    ProviderSettings.of(
                        Map.of(
                            StoreProvider.CACHE_DIR,
                            dir.toString(),
                            DiskStoreProvider.MAX_BYTES,
                            "lots"))))
        .isInstanceOf(LlmConfigurationException.class)
        .hasMessageContaining("LLM_CACHE_MAX_BYTES must be a whole number");
    assertThat(new File(dir.toFile(), "sub")).isDirectory();
  }

  /** A clock a test moves by hand. */
  static final class MutableClock extends Clock {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
