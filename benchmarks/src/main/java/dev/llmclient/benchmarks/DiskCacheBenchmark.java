package dev.llmclient.benchmarks;

import dev.llmclient.cache.disk.DiskResponseCache;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Chooses the persistent cache's store (issue 20 item 3): a lookup that hits and a put of a typical
 * 2 KiB answer, on the shipped SQLite cache ({@link DiskResponseCache}: WAL, one transaction per
 * put with the size bound kept) and on H2's MVStore as a plain map, once committing after every put
 * (what a cache that must survive a crash right after the answer needs) and once with MVStore's
 * background auto-commit (fastest, loses the last second on a crash).
 *
 * <pre>
 * ./mvnw -B -o -q package -Pbenchmarks -pl benchmarks -am -DskipTests
 * java -jar benchmarks/target/benchmarks.jar DiskCacheBenchmark -f 1 -wi 2 -i 3
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class DiskCacheBenchmark {

  private static final int ENTRIES = 10_000;
  private static final String VALUE = "{\"answer\":\"" + "x".repeat(2_000) + "\"}";

  @Param({"sqlite", "mvstore-commit", "mvstore-autocommit"})
  public String store;

  private Path dir;
  private DiskResponseCache sqlite;
  private MVStore mv;
  private MVMap<String, byte[]> map;
  private final AtomicLong next = new AtomicLong();

  private static String key(long i) {
    return String.format("%064x", i);
  }

  @Setup(Level.Trial)
  public void open() throws IOException {
    dir = Files.createTempDirectory("disk-cache-bench");
    if (store.equals("sqlite")) {
      sqlite = DiskResponseCache.builder(dir).build();
    } else {
      MVStore.Builder b = new MVStore.Builder().fileName(dir.resolve("cache.mv").toString());
      if (store.equals("mvstore-commit")) {
        b.autoCommitDisabled();
      }
      mv = b.open();
      map = mv.openMap("entries");
    }
    for (int i = 0; i < ENTRIES; i++) {
      put(key(i));
    }
    next.set(ENTRIES);
  }

  private void put(String key) {
    if (sqlite != null) {
      sqlite.put(key, VALUE);
    } else {
      map.put(key, VALUE.getBytes(StandardCharsets.UTF_8));
      if (store.equals("mvstore-commit")) {
        mv.commit();
      }
    }
  }

  @Benchmark
  public String getHit() {
    String key = key(ThreadLocalRandom.current().nextInt(ENTRIES));
    if (sqlite != null) {
      return sqlite.get(key);
    }
    return new String(map.get(key), StandardCharsets.UTF_8);
  }

  @Benchmark
  public void putNew() {
    put(key(next.getAndIncrement()));
  }

  @TearDown(Level.Trial)
  public void close() throws IOException {
    if (sqlite != null) {
      sqlite.close();
    }
    if (mv != null) {
      mv.close();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
