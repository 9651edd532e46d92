package dev.llmclient.containers;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;

/**
 * redis-server in a container on 127.0.0.1 and a free port, in memory only. {@link #kill()} stops
 * it mid-run and {@link #restart()} starts a new, empty one on the same port, as a failover would.
 */
final class RedisServer implements AutoCloseable {

  private final int port;
  private GenericContainer<?> container;

  private RedisServer(int port) {
    this.port = port;
    this.container = start(port);
  }

  /**
   * Starts Redis on a free loopback port.
   *
   * @return the running server
   */
  static RedisServer start() {
    return new RedisServer(Loopback.freePort());
  }

  @SuppressWarnings("resource") // stopped by kill() or close()
  private static GenericContainer<?> start(int port) {
    GenericContainer<?> c =
        new GenericContainer<>(LocalImages.name(LocalImages.REDIS))
            .withNetworkMode("host")
            .withCommand(
                "--port",
                String.valueOf(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--protected-mode",
                "no")
            .waitingFor(Loopback.listeningOn(port, Duration.ofSeconds(60)));
    c.start();
    return c;
  }

  /** The URI the stores take. */
  String uri() {
    return "redis://127.0.0.1:" + port;
  }

  /** Stops the server at once, losing everything it held. */
  void kill() {
    container.stop();
  }

  /** Freezes the server (SIGSTOP): connections stay open and nothing answers, as in a hang. */
  void pause() {
    DockerClientFactory.instance().client().pauseContainerCmd(container.getContainerId()).exec();
  }

  /** Lets a paused server go on where it stopped. */
  void unpause() {
    DockerClientFactory.instance().client().unpauseContainerCmd(container.getContainerId()).exec();
  }

  /** Starts a new, empty server on the same port. */
  void restart() {
    container = start(port);
  }

  /**
   * Runs commands on a connection of its own.
   *
   * @param action what to do
   * @param <T> its result
   * @return the result
   */
  <T> T with(java.util.function.Function<RedisCommands<String, String>, T> action) {
    RedisClient client = RedisClient.create(uri());
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      return action.apply(c.sync());
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }

  @Override
  public void close() {
    container.stop();
  }
}
