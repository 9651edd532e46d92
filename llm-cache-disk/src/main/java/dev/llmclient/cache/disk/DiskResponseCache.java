package dev.llmclient.cache.disk;

import dev.llmclient.api.ErrorContext;
import dev.llmclient.api.LlmConfigurationException;
import dev.llmclient.api.spi.ResponseCache;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ResponseCache} in a local directory, the role Graphiti's on-disk cache plays: answers
 * survive restarts, and every process on the machine that opens the same directory shares them. The
 * core uses it for answers and embeddings alike.
 *
 * <pre>{@code
 * try (DiskResponseCache cache = DiskResponseCache.builder(Path.of(".llm-cache")).build()) {
 *   LlmClient llm = LlmClients.builder().cache(cache).build();
 * }
 * }</pre>
 *
 * <p>Or, without code: set {@code LLM_CACHE_DIR} (or {@code llm batch --cache DIR}) and this jar on
 * the classpath makes {@code LlmClients.fromEnvironment()} use it.
 *
 * <h2>Store, bounds and sharing</h2>
 *
 * Entries live in one SQLite database, {@value #FILE_NAME}, in write-ahead-log mode: readers never
 * wait for a writer, and writers of several processes take turns under SQLite's file locks, waiting
 * at most {@link Builder#busyTimeout} (default 5 s). Each put is one transaction that writes the
 * entry, keeps a running total of the bytes stored, and deletes the oldest entries until the total
 * is within {@link Builder#maxBytes} (default 1 GiB, as Graphiti's cache); an answer larger than
 * {@link Builder#maxValueBytes} (default 1 MiB) is not cached. With a {@link Builder#timeToLive} an
 * older entry is a miss and is replaced by the next put.
 *
 * <h2>Failures</h2>
 *
 * A cache never fails a call: a lookup that fails (a locked or damaged file, a full disk) is a miss
 * and a put that fails is skipped, logged once as a warning and counted in {@link #failures()}.
 *
 * <p>Thread-safe; calls from the threads of one process are serialised on one connection. Closing
 * it closes the connection; the directory stays.
 */
public final class DiskResponseCache implements ResponseCache, AutoCloseable {

  /** The database file in the directory. */
  public static final String FILE_NAME = "llmclient-cache.sqlite";

  private static final Logger LOG = LoggerFactory.getLogger(DiskResponseCache.class);

  private final Path directory;
  private final long maxBytes;
  private final int maxValueBytes;
  private final long ttlMillis;
  private final Clock clock;
  private final Connection connection;
  private final PreparedStatement select;
  private final PreparedStatement oldSize;
  private final PreparedStatement insert;
  private final PreparedStatement addTotal;
  private final PreparedStatement total;
  private final PreparedStatement oldest;
  private final PreparedStatement delete;
  private final AtomicLong hits = new AtomicLong();
  private final AtomicLong misses = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private volatile boolean warned;
  private boolean closed;

  private DiskResponseCache(Builder b) throws SQLException, IOException {
    this.directory = b.directory.toAbsolutePath();
    this.maxBytes = b.maxBytes;
    this.maxValueBytes = b.maxValueBytes;
    this.ttlMillis = b.ttl == null ? 0 : b.ttl.toMillis();
    this.clock = b.clock;
    Files.createDirectories(directory);
    this.connection = DriverManager.getConnection("jdbc:sqlite:" + directory.resolve(FILE_NAME));
    try {
      try (Statement s = connection.createStatement()) {
        s.execute("PRAGMA busy_timeout = " + b.busyTimeout.toMillis());
        s.execute("PRAGMA journal_mode = WAL");
        s.execute("PRAGMA synchronous = NORMAL");
        s.execute(
            "CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, value BLOB NOT NULL,"
                + " size INTEGER NOT NULL, written INTEGER NOT NULL)");
        s.execute("CREATE INDEX IF NOT EXISTS entries_written ON entries (written)");
        s.execute("CREATE TABLE IF NOT EXISTS totals (id INTEGER PRIMARY KEY, bytes INTEGER)");
        s.execute("INSERT OR IGNORE INTO totals (id, bytes) VALUES (1, 0)");
      }
      this.select = connection.prepareStatement("SELECT value, written FROM entries WHERE key = ?");
      this.oldSize = connection.prepareStatement("SELECT size FROM entries WHERE key = ?");
      this.insert =
          connection.prepareStatement(
              "INSERT OR REPLACE INTO entries (key, value, size, written) VALUES (?, ?, ?, ?)");
      this.addTotal =
          connection.prepareStatement("UPDATE totals SET bytes = bytes + ? WHERE id = 1");
      this.total = connection.prepareStatement("SELECT bytes FROM totals WHERE id = 1");
      this.oldest =
          connection.prepareStatement("SELECT key, size FROM entries ORDER BY written LIMIT 64");
      this.delete = connection.prepareStatement("DELETE FROM entries WHERE key = ?");
    } catch (SQLException e) {
      connection.close();
      throw e;
    }
  }

  /**
   * A builder for a cache in this directory, created when missing.
   *
   * @param directory the directory; every process that opens it shares the entries
   * @return a new builder
   */
  public static Builder builder(Path directory) {
    return new Builder(directory);
  }

  /**
   * The stored answer, or null on a miss, an expired entry or a failure.
   *
   * @param key the request key
   * @return the answer (JSON text), or null
   */
  @Override
  public synchronized @Nullable String get(String key) {
    Objects.requireNonNull(key, "key");
    if (closed) {
      misses.incrementAndGet();
      return null;
    }
    try {
      select.setString(1, key);
      try (ResultSet r = select.executeQuery()) {
        if (r.next() && (ttlMillis == 0 || r.getLong(2) + ttlMillis > clock.millis())) {
          hits.incrementAndGet();
          return new String(r.getBytes(1), StandardCharsets.UTF_8);
        }
      }
    } catch (SQLException e) {
      failed("a lookup", e);
    }
    misses.incrementAndGet();
    return null;
  }

  /**
   * Stores an answer and evicts the oldest entries beyond {@link Builder#maxBytes}; skips an answer
   * larger than {@link Builder#maxValueBytes}.
   *
   * @param key the request key
   * @param value the answer as JSON text
   */
  @Override
  public synchronized void put(String key, String value) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    if (closed || bytes.length > maxValueBytes) {
      return;
    }
    long size = (long) bytes.length + key.length();
    try (Statement s = connection.createStatement()) {
      // IMMEDIATE takes the write lock now, so the total read below is the one this write changes
      s.execute("BEGIN IMMEDIATE");
      try {
        long before = 0;
        oldSize.setString(1, key);
        try (ResultSet r = oldSize.executeQuery()) {
          if (r.next()) {
            before = r.getLong(1);
          }
        }
        insert.setString(1, key);
        insert.setBytes(2, bytes);
        insert.setLong(3, size);
        insert.setLong(4, clock.millis());
        insert.executeUpdate();
        addTotal.setLong(1, size - before);
        addTotal.executeUpdate();
        evictBeyondBound();
        s.execute("COMMIT");
      } catch (SQLException e) {
        s.execute("ROLLBACK");
        throw e;
      }
    } catch (SQLException e) {
      failed("a put", e);
    }
  }

  private void evictBeyondBound() throws SQLException {
    long stored = readTotal();
    while (stored > maxBytes) {
      long freed = 0;
      try (ResultSet r = oldest.executeQuery()) {
        while (r.next() && stored - freed > maxBytes) {
          delete.setString(1, r.getString(1));
          delete.executeUpdate();
          freed += r.getLong(2);
        }
      }
      if (freed == 0) {
        return;
      }
      addTotal.setLong(1, -freed);
      addTotal.executeUpdate();
      stored -= freed;
    }
  }

  private long readTotal() throws SQLException {
    try (ResultSet r = total.executeQuery()) {
      return r.next() ? r.getLong(1) : 0;
    }
  }

  private void failed(String what, SQLException e) {
    failures.incrementAndGet();
    if (!warned) {
      warned = true;
      LOG.warn(
          "the disk cache in {} failed {}; lookups that fail are misses, puts are skipped", //
          directory,
          what,
          e);
    }
  }

  /**
   * The bytes stored (answers and keys), as counted by every process that writes the directory.
   *
   * @return the bytes, at most {@link Builder#maxBytes} after each put; -1 when it cannot be read
   */
  public synchronized long storedBytes() {
    if (closed) {
      return -1;
    }
    try {
      return readTotal();
    } catch (SQLException e) {
      return -1;
    }
  }

  /**
   * @return the lookups this instance answered from the directory
   */
  public long hits() {
    return hits.get();
  }

  /**
   * @return the lookups this instance missed, failures included
   */
  public long misses() {
    return misses.get();
  }

  /**
   * @return the lookups and puts that failed
   */
  public long failures() {
    return failures.get();
  }

  /** Closes the connection; the entries stay in the directory. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      connection.close();
    } catch (SQLException e) {
      LOG.debug("closing the disk cache in {} failed", directory, e);
    }
  }

  @Override
  public String toString() {
    return "DiskResponseCache[" + directory.resolve(FILE_NAME) + ", maxBytes=" + maxBytes + "]";
  }

  /** Builds a {@link DiskResponseCache}. Not thread-safe. */
  public static final class Builder {
    private final Path directory;
    private long maxBytes = 1L << 30;
    private int maxValueBytes = 1 << 20;
    private @Nullable Duration ttl;
    private Duration busyTimeout = Duration.ofSeconds(5);
    private Clock clock = Clock.systemUTC();

    private Builder(Path directory) {
      this.directory = Objects.requireNonNull(directory, "directory");
    }

    /**
     * Sets the most bytes kept (answers and keys); the oldest entries go first.
     *
     * @param value at least 1 KiB, default 1 GiB
     * @return this builder
     * @throws IllegalArgumentException when below 1 KiB
     */
    public Builder maxBytes(long value) {
      if (value < 1024) {
        throw new IllegalArgumentException("maxBytes must be at least 1024, got " + value);
      }
      this.maxBytes = value;
      return this;
    }

    /**
     * Sets the largest answer kept; a larger one is not cached.
     *
     * @param value 1 to 64 MiB, default 1 MiB
     * @return this builder
     * @throws IllegalArgumentException when out of range
     */
    public Builder maxValueBytes(int value) {
      if (value < 1 || value > (64 << 20)) {
        throw new IllegalArgumentException(
            "maxValueBytes must be between 1 and 67108864, got " + value);
      }
      this.maxValueBytes = value;
      return this;
    }

    /**
     * Sets how long an answer is used after it was written (default: until evicted).
     *
     * @param value a positive duration
     * @return this builder
     * @throws IllegalArgumentException when not positive
     */
    public Builder timeToLive(Duration value) {
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException("timeToLive must be positive, got " + value);
      }
      this.ttl = value;
      return this;
    }

    /**
     * Sets how long a write waits while another process writes (default 5 s); a put that waits
     * longer is skipped.
     *
     * @param value 0 to 60 s
     * @return this builder
     * @throws IllegalArgumentException when out of range
     */
    public Builder busyTimeout(Duration value) {
      if (value.isNegative() || value.compareTo(Duration.ofSeconds(60)) > 0) {
        throw new IllegalArgumentException("busyTimeout must be 0 to 60 s, got " + value);
      }
      this.busyTimeout = value;
      return this;
    }

    /** For tests: the clock entries are stamped and aged with. */
    Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    /**
     * Opens (or creates) the cache.
     *
     * @return the cache; close it when done
     * @throws LlmConfigurationException when the directory cannot be created or the database cannot
     *     be opened, naming the directory
     */
    public DiskResponseCache build() {
      try {
        return new DiskResponseCache(this);
      } catch (IOException | SQLException e) {
        throw new LlmConfigurationException(
            "Cannot open the response cache in "
                + directory.toAbsolutePath()
                + " ("
                + e.getMessage()
                + "); use a directory this process may create and write, or unset LLM_CACHE_DIR",
            ErrorContext.NONE,
            e);
      }
    }
  }
}
