package dev.llmclient.redis;

import dev.llmclient.api.spi.ResponseCache;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.jspecify.annotations.Nullable;

/**
 * A {@link ResponseCache} on Redis, shared by every replica and surviving their restarts: an answer
 * one replica paid for is a hit in the others. The core uses it for answers and embeddings alike.
 *
 * <pre>{@code
 * try (RedisResponseCache cache =
 *     RedisResponseCache.builder().uri("redis://redis.internal:6379").prefix("llmclient:orders").build()) {
 *   LlmClient llm = LlmClients.builder().cache(cache).build();
 * }
 * }</pre>
 *
 * <h2>Keys, values and bounds</h2>
 *
 * An entry lives under {@code PREFIX:cache:KEY}, where KEY is the core's SHA-256 request key, for
 * {@link Builder#timeToLive} (default 1 hour). Values are the answer's UTF-8 bytes behind a
 * one-byte marker, deflated when longer than {@link Builder#compressAbove} (default 1 KiB) and
 * smaller so. The cache holds at most {@link Builder#maxEntries} entries (default 100,000) of at
 * most {@link Builder#maxValueBytes} each (default 256 KiB; a larger answer is not cached): every
 * put runs one script that writes the entry, records it in an index ({@code PREFIX:cache-index}, a
 * sorted set by write time) and deletes the oldest entries beyond the bound, so its memory is
 * bounded by {@code maxEntries * maxValueBytes} whatever the server's {@code maxmemory} policy is.
 *
 * <h2>Failures</h2>
 *
 * A lookup waits at most {@link Builder#timeout} (default 50 ms); no answer, an error or an
 * undecodable value is a miss. Puts are sent without waiting, and one that fails is skipped. While
 * Redis is down (logged once per outage, counted in {@link #outages()}) lookups are misses at once,
 * and every {@link Builder#probeInterval} one lookup tries Redis again. The cache never fails a
 * call. Use a standalone Redis or a primary (not a cluster: the index and its entries are one
 * script's keys).
 */
public final class RedisResponseCache implements ResponseCache, AutoCloseable {

  private static final RedisLink.Script PUT = RedisLink.Script.load("cache-put.lua");
  private static final byte RAW = 'r';
  private static final byte DEFLATED = 'z';

  private final RedisLink link;
  private final String prefix;
  private final String index;
  private final byte[] ttlMillis;
  private final byte[] maxEntries;
  private final Duration ttl;
  private final int maxValueBytes;
  private final int compressAbove;
  private final AtomicLong hits = new AtomicLong();
  private final AtomicLong misses = new AtomicLong();
  private final AtomicLong skippedPuts = new AtomicLong();

  private RedisResponseCache(Builder b) {
    this.prefix = b.prefix;
    this.index = b.prefix + ":cache-index";
    this.ttl = b.ttl;
    this.ttlMillis = ascii(Long.toString(b.ttl.toMillis()));
    this.maxEntries = ascii(Long.toString(b.maxEntries));
    this.maxValueBytes = b.maxValueBytes;
    this.compressAbove = b.compressAbove;
    this.link =
        new RedisLink(
            "response cache",
            "answers every lookup with a miss and skips puts",
            b.uri,
            b.timeout,
            b.probeInterval,
            System::nanoTime,
            PUT);
  }

  /**
   * A builder with the defaults: {@code redis://127.0.0.1:6379}, prefix {@code llmclient}, 1 hour,
   * 100,000 entries of at most 256 KiB, 50 ms timeout.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public @Nullable String get(String key) {
    RedisAsyncCommands<String, byte[]> c = link.commands();
    if (c != null) {
      try {
        byte[] stored = link.await(c.get(entryKey(key)).toCompletableFuture());
        String value = stored == null ? null : decode(stored);
        if (value != null) {
          hits.incrementAndGet();
          return value;
        }
      } catch (RedisLink.Unavailable e) {
        // a miss
      }
    }
    misses.incrementAndGet();
    return null;
  }

  @Override
  public void put(String key, String value) {
    byte[] encoded = encode(value, compressAbove);
    if (encoded.length > maxValueBytes) {
      skippedPuts.incrementAndGet();
      return;
    }
    RedisAsyncCommands<String, byte[]> c = link.commands();
    if (c == null) {
      skippedPuts.incrementAndGet();
      return;
    }
    link.watch(
            link.<Long>eval(
                c,
                PUT,
                ScriptOutputType.INTEGER,
                new String[] {entryKey(key), index},
                encoded,
                ttlMillis,
                maxEntries))
        .whenComplete(
            (evicted, e) -> {
              if (e != null) {
                skippedPuts.incrementAndGet();
              }
            });
  }

  /**
   * Lookups that found an answer.
   *
   * @return the count since the cache was built
   */
  public long hits() {
    return hits.get();
  }

  /**
   * Lookups that found none, including those Redis did not answer in time.
   *
   * @return the count since the cache was built
   */
  public long misses() {
    return misses.get();
  }

  /**
   * Answers not stored: larger than {@code maxValueBytes}, or Redis down or failing.
   *
   * @return the count since the cache was built
   */
  public long skippedPuts() {
    return skippedPuts.get();
  }

  /**
   * How many times Redis went down, each logged once.
   *
   * @return the count since the cache was built
   */
  public long outages() {
    return link.outages();
  }

  /** Closes the connection to Redis; the entries stay for the other replicas. */
  @Override
  public void close() {
    link.close();
  }

  @Override
  public String toString() {
    return "RedisResponseCache["
        + link.address()
        + ", prefix="
        + prefix
        + ", ttl="
        + ttl
        + ", maxEntries="
        + new String(maxEntries, StandardCharsets.US_ASCII)
        + "]";
  }

  private String entryKey(String key) {
    return prefix + ":cache:" + key;
  }

  /** A one-byte marker, then UTF-8, deflated when longer than the threshold and smaller so. */
  static byte[] encode(String value, int compressAbove) {
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    if (utf8.length > compressAbove) {
      Deflater deflater = new Deflater(Deflater.BEST_SPEED);
      try {
        deflater.setInput(utf8);
        deflater.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream(utf8.length / 2 + 16);
        out.write(DEFLATED);
        byte[] buffer = new byte[8192];
        while (!deflater.finished()) {
          out.write(buffer, 0, deflater.deflate(buffer));
        }
        if (out.size() < utf8.length + 1) {
          return out.toByteArray();
        }
      } finally {
        deflater.end();
      }
    }
    byte[] raw = new byte[utf8.length + 1];
    raw[0] = RAW;
    System.arraycopy(utf8, 0, raw, 1, utf8.length);
    return raw;
  }

  /** The stored answer, or null when the bytes are not one this cache wrote. */
  static @Nullable String decode(byte[] stored) {
    if (stored.length == 0) {
      return null;
    }
    if (stored[0] == RAW) {
      return new String(stored, 1, stored.length - 1, StandardCharsets.UTF_8);
    }
    if (stored[0] != DEFLATED) {
      return null;
    }
    Inflater inflater = new Inflater();
    try {
      inflater.setInput(Arrays.copyOfRange(stored, 1, stored.length));
      ByteArrayOutputStream out = new ByteArrayOutputStream(stored.length * 4);
      byte[] buffer = new byte[8192];
      while (!inflater.finished()) {
        int n = inflater.inflate(buffer);
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          return null;
        }
        out.write(buffer, 0, n);
      }
      return out.toString(StandardCharsets.UTF_8);
    } catch (DataFormatException e) {
      return null;
    } finally {
      inflater.end();
    }
  }

  private static byte[] ascii(String value) {
    return value.getBytes(StandardCharsets.US_ASCII);
  }

  /** Settings of a {@link RedisResponseCache}; not thread-safe. */
  public static final class Builder {
    private RedisURI uri = RedisURI.create("redis://127.0.0.1:6379");
    private String prefix = "llmclient";
    private Duration ttl = Duration.ofHours(1);
    private long maxEntries = 100_000;
    private int maxValueBytes = 256 * 1024;
    private int compressAbove = 1024;
    private Duration timeout = Duration.ofMillis(50);
    private Duration probeInterval = Duration.ofSeconds(1);

    private Builder() {}

    /**
     * Sets the Redis server, e.g. {@code redis://:password@host:6379/0} or {@code rediss://...} for
     * TLS (Lettuce's URI syntax).
     *
     * @param value the URI
     * @return this builder
     * @throws IllegalArgumentException when it is not a Redis URI
     */
    public Builder uri(String value) {
      this.uri = RedisKeys.parseUri(value);
      return this;
    }

    /**
     * Sets the prefix of every key, one per application (default {@code llmclient}).
     *
     * @param value letters, digits and {@code :._-}, 1 to 100 characters
     * @return this builder
     * @throws IllegalArgumentException for another prefix
     */
    public Builder prefix(String value) {
      this.prefix = RedisKeys.checkPrefix(value);
      return this;
    }

    /**
     * Sets how long an entry lives (default 1 hour).
     *
     * @param value 1 s to 365 days
     * @return this builder
     * @throws IllegalArgumentException when out of range
     */
    public Builder timeToLive(Duration value) {
      this.ttl =
          RedisKeys.checkRange("timeToLive", value, Duration.ofSeconds(1), Duration.ofDays(365));
      return this;
    }

    /**
     * Sets the most entries kept (default 100,000); beyond it the oldest are deleted.
     *
     * @param value 1 to 100,000,000
     * @return this builder
     * @throws IllegalArgumentException when out of range
     */
    public Builder maxEntries(long value) {
      if (value < 1 || value > 100_000_000) {
        throw new IllegalArgumentException("maxEntries must be 1 to 100,000,000, got " + value);
      }
      this.maxEntries = value;
      return this;
    }

    /**
     * Sets the largest value stored, after compression (default 256 KiB); larger answers are not
     * cached.
     *
     * @param value 16 bytes to 64 MiB
     * @return this builder
     * @throws IllegalArgumentException when out of range
     */
    public Builder maxValueBytes(int value) {
      if (value < 16 || value > 64 * 1024 * 1024) {
        throw new IllegalArgumentException("maxValueBytes must be 16 to 67108864, got " + value);
      }
      this.maxValueBytes = value;
      return this;
    }

    /**
     * Sets the length from which values are deflated (default 1024 bytes of UTF-8).
     *
     * @param value 0 or more; {@link Integer#MAX_VALUE} never compresses
     * @return this builder
     * @throws IllegalArgumentException when negative
     */
    public Builder compressAbove(int value) {
      if (value < 0) {
        throw new IllegalArgumentException("compressAbove must not be negative, got " + value);
      }
      this.compressAbove = value;
      return this;
    }

    /**
     * Sets how long a lookup waits for Redis before it counts as a miss (default 50 ms).
     *
     * @param value 1 ms to 10 s
     * @return this builder
     * @throws IllegalArgumentException when out of range
     */
    public Builder timeout(Duration value) {
      this.timeout =
          RedisKeys.checkRange("timeout", value, Duration.ofMillis(1), Duration.ofSeconds(10));
      return this;
    }

    /**
     * Sets how often Redis is tried again while it is down (default 1 s).
     *
     * @param value 10 ms to 1 min
     * @return this builder
     * @throws IllegalArgumentException when out of range
     */
    public Builder probeInterval(Duration value) {
      this.probeInterval =
          RedisKeys.checkRange(
              "probeInterval", value, Duration.ofMillis(10), Duration.ofMinutes(1));
      return this;
    }

    /**
     * Connects (waiting at most a second or four timeouts; without an answer the cache starts
     * answering misses and keeps trying) and builds the cache.
     *
     * @return the cache; close it when done
     */
    public RedisResponseCache build() {
      return new RedisResponseCache(this);
    }
  }
}
