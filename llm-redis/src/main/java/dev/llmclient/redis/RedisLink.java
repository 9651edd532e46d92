package dev.llmclient.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Lettuce connection to Redis with the rules both stores follow: every wait is bounded; a
 * command that fails or does not answer in time marks Redis down (one WARN per outage, counted),
 * after which callers take their fallback at once, without waiting; every {@code probeInterval} one
 * caller's command is sent again (or a connection attempted), and the first answer marks Redis up.
 */
final class RedisLink implements AutoCloseable {

  /** Late answers in a row that mark Redis down. */
  static final int TIMEOUTS_FOR_DOWN = 3;

  private static final Logger LOG = LoggerFactory.getLogger("dev.llmclient.redis");
  private static final RedisCodec<String, byte[]> CODEC =
      RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

  /** Redis did not answer in time or failed; the caller takes its fallback. */
  static final class Unavailable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Unavailable(String message) {
      super(message, null, false, false);
    }
  }

  /** A Lua script and its SHA-1, run with EVALSHA and loaded with EVAL on NOSCRIPT. */
  record Script(String name, String body, String sha) {

    static Script load(String resource) {
      try (InputStream in = RedisLink.class.getResourceAsStream(resource)) {
        if (in == null) {
          throw new IllegalStateException("the llm-redis jar lacks its script " + resource);
        }
        String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        byte[] sha =
            MessageDigest.getInstance("SHA-1").digest(body.getBytes(StandardCharsets.UTF_8));
        return new Script(resource, body, HexFormat.of().formatHex(sha));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("this JVM has no SHA-1", e);
      }
    }
  }

  private final String what;
  private final String fallbackText;
  private final String address;
  private final RedisURI uri;
  private final ClientResources resources;
  private final RedisClient client;
  private final Duration timeout;
  private final long probeIntervalNanos;
  private final LongSupplier nanoTime;
  private final AtomicBoolean down = new AtomicBoolean();
  private final AtomicBoolean connecting = new AtomicBoolean();
  private final AtomicLong outages = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong consecutiveTimeouts = new AtomicLong();
  private final Script[] scripts;
  private volatile @Nullable StatefulRedisConnection<String, byte[]> connection;
  private volatile long nextProbe;
  private volatile boolean closed;

  RedisLink(
      String what,
      String fallbackText,
      RedisURI uri,
      Duration timeout,
      Duration probeInterval,
      LongSupplier nanoTime,
      Script... scripts) {
    this.what = what;
    this.scripts = scripts.clone();
    this.fallbackText = fallbackText;
    this.uri = uri;
    // host and port only: the URI may carry a password
    this.address = uri.getHost() + ":" + uri.getPort();
    this.timeout = timeout;
    this.probeIntervalNanos = probeInterval.toNanos();
    this.nanoTime = nanoTime;
    Duration commandTimeout =
        timeout.multipliedBy(4).compareTo(Duration.ofSeconds(1)) > 0
            ? timeout.multipliedBy(4)
            : Duration.ofSeconds(1);
    this.resources =
        DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2).build();
    this.client = RedisClient.create(resources);
    client.setOptions(
        ClientOptions.builder()
            // reconnecting is this class's probe: Lettuce's own would log every failed attempt
            .autoReconnect(false)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .requestQueueSize(10_000)
            .socketOptions(SocketOptions.builder().connectTimeout(commandTimeout).build())
            // commands nobody waits for (releases, puts) are dropped after this
            .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
            .build());
    connect(commandTimeout);
  }

  /** Connects, waiting at most {@code wait}; without an answer, starts in the fallback. */
  private void connect(Duration wait) {
    CompletableFuture<StatefulRedisConnection<String, byte[]>> f = connectAsync();
    try {
      StatefulRedisConnection<String, byte[]> c = f.get(wait.toNanos(), TimeUnit.NANOSECONDS);
      // load the scripts now, so that no call pays for it (or for the first command's warm-up)
      for (Script script : scripts) {
        c.async().scriptLoad(script.body()).get(wait.toNanos(), TimeUnit.NANOSECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      markDown(e);
    } catch (ExecutionException e) {
      markDown(e.getCause());
    } catch (TimeoutException e) {
      markDown(e);
    }
  }

  private CompletableFuture<StatefulRedisConnection<String, byte[]>> connectAsync() {
    connecting.set(true);
    return client
        .connectAsync(CODEC, uri)
        .toCompletableFuture()
        .whenComplete(
            (c, e) -> {
              connecting.set(false);
              if (c != null) {
                if (closed) {
                  c.closeAsync();
                  return;
                }
                connection = c;
                markUp();
              }
            });
  }

  /**
   * The commands to send now, or null when Redis is down and this is not the moment to probe it
   * (the caller takes its fallback without waiting).
   */
  @Nullable RedisAsyncCommands<String, byte[]> commands() {
    StatefulRedisConnection<String, byte[]> c = connection;
    if (!down.get()) {
      return c == null ? null : c.async();
    }
    long now = nanoTime.getAsLong();
    if (now - nextProbe < 0 || closed) {
      return null;
    }
    nextProbe = now + probeIntervalNanos;
    if (c == null || !c.isOpen()) {
      if (connecting.compareAndSet(false, true)) {
        if (c != null) {
          c.closeAsync();
        }
        connectAsync();
      }
      return null;
    }
    // this caller's command is the probe; its answer marks Redis up again
    return c.async();
  }

  /**
   * Waits for a command within the bounded wait. A failure marks Redis down; so do {@value
   * #TIMEOUTS_FOR_DOWN} answers in a row that come too late (one late answer on a busy machine is
   * not an outage). A command that comes too late still runs: the caller may act on its answer.
   */
  <T> T await(CompletableFuture<T> future) {
    try {
      T value = future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      consecutiveTimeouts.set(0);
      markUp();
      return value;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Unavailable("interrupted while waiting for Redis");
    } catch (ExecutionException e) {
      markDown(e.getCause());
      throw new Unavailable(String.valueOf(e.getCause()));
    } catch (TimeoutException e) {
      if (consecutiveTimeouts.incrementAndGet() >= TIMEOUTS_FOR_DOWN) {
        markDown(e);
      } else {
        failures.incrementAndGet();
      }
      throw new Unavailable("no answer within " + timeout.toMillis() + " ms");
    }
  }

  /** Notes the outcome of a command nobody waits for. */
  <T> CompletableFuture<T> watch(CompletableFuture<T> future) {
    return future.whenComplete(
        (v, e) -> {
          if (e == null) {
            markUp();
          } else {
            markDown(e instanceof CompletionException && e.getCause() != null ? e.getCause() : e);
          }
        });
  }

  /** Runs a script with EVALSHA, and with EVAL (which loads it) when Redis does not know it. */
  <T> CompletableFuture<T> eval(
      RedisAsyncCommands<String, byte[]> c,
      Script script,
      ScriptOutputType type,
      String[] keys,
      byte[]... args) {
    RedisFuture<T> first = c.evalsha(script.sha(), type, keys, args);
    return first
        .toCompletableFuture()
        .exceptionallyCompose(
            e -> {
              Throwable cause =
                  e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
              if (cause instanceof RedisNoScriptException) {
                RedisFuture<T> again = c.eval(script.body(), type, keys, args);
                return again.toCompletableFuture();
              }
              return CompletableFuture.failedFuture(cause);
            });
  }

  private void markUp() {
    if (down.compareAndSet(true, false)) {
      LOG.info("Redis at {} answers again; the {} uses it again", address, what);
    }
  }

  private void markDown(Throwable cause) {
    failures.incrementAndGet();
    if (closed) {
      return;
    }
    if (down.compareAndSet(false, true)) {
      outages.incrementAndGet();
      nextProbe = nanoTime.getAsLong() + probeIntervalNanos;
      // the cause's type only: a message could repeat connection details
      LOG.warn(
          "Redis at {} failed or did not answer within {} ms ({}); the {} {} until it answers"
              + " again (checked every {} ms)",
          address,
          timeout.toMillis(),
          Objects.requireNonNullElse(cause, new IllegalStateException()).getClass().getSimpleName(),
          what,
          fallbackText,
          TimeUnit.NANOSECONDS.toMillis(probeIntervalNanos));
    }
  }

  /** Whether the last command answered (false from a failure until the next answer). */
  boolean isUp() {
    return !down.get() && connection != null;
  }

  /** How many times Redis went down: each started a stretch on the fallback. */
  long outages() {
    return outages.get();
  }

  /** How many commands failed or did not answer in time. */
  long failures() {
    return failures.get();
  }

  /** The host and port, never the password. */
  String address() {
    return address;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    StatefulRedisConnection<String, byte[]> c = connection;
    if (c != null) {
      c.close();
    }
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    resources.shutdown(0, 2, TimeUnit.SECONDS);
  }
}
