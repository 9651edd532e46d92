package dev.llmclient.containers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import org.testcontainers.containers.ContainerLaunchException;
import org.testcontainers.containers.wait.strategy.AbstractWaitStrategy;
import org.testcontainers.containers.wait.strategy.WaitStrategy;

/**
 * Ports on 127.0.0.1 for containers on the host network, and a wait for a container to listen on
 * one (Testcontainers' own port wait needs mapped ports, which host networking has none of).
 */
final class Loopback {

  private Loopback() {}

  /**
   * A port that was free a moment ago on 127.0.0.1.
   *
   * @return the port
   */
  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Waits until something accepts TCP connections on 127.0.0.1:{@code port}, failing early when the
   * container stops.
   *
   * @param port the port the container listens on
   * @param timeout the longest wait
   * @return the wait strategy
   */
  static WaitStrategy listeningOn(int port, Duration timeout) {
    return new AbstractWaitStrategy() {
      @Override
      protected void waitUntilReady() {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
          if (!waitStrategyTarget.isRunning()) {
            throw new ContainerLaunchException(
                "The container stopped before it listened on 127.0.0.1:"
                    + port
                    + ". Its output:\n"
                    + waitStrategyTarget.getLogs());
          }
          try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return;
          } catch (IOException notYet) {
            pause();
          }
        }
        throw new ContainerLaunchException(
            "Nothing listened on 127.0.0.1:"
                + port
                + " within "
                + timeout.toSeconds()
                + " s. The container's output:\n"
                + waitStrategyTarget.getLogs());
      }
    }.withStartupTimeout(timeout);
  }

  private static void pause() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a container", e);
    }
  }
}
