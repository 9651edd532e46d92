package dev.llmclient.redis;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback server that speaks just enough RESP for Lettuce to connect (HELLO is refused, so it
 * falls back to RESP2; PING, SELECT, CLIENT and SCRIPT LOAD are answered) and then leaves every
 * other command unanswered: a Redis that hangs.
 */
final class SilentRedis implements AutoCloseable {

  private final ServerSocket server;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final AtomicInteger unanswered = new AtomicInteger();

  SilentRedis() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(this::accept, "silent-redis");
    accept.setDaemon(true);
    accept.start();
  }

  int port() {
    return server.getLocalPort();
  }

  /** Commands received and never answered. */
  int unanswered() {
    return unanswered.get();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        sockets.add(s);
        Thread t = new Thread(() -> serve(s), "silent-redis-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException closed) {
        return;
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      InputStream in = new BufferedInputStream(s.getInputStream());
      OutputStream out = s.getOutputStream();
      while (true) {
        List<String> command = read(in);
        if (command == null) {
          return;
        }
        String name = command.get(0).toUpperCase(java.util.Locale.ROOT);
        switch (name) {
          case "HELLO" ->
              out.write("-ERR unknown command 'HELLO'\r\n".getBytes(StandardCharsets.US_ASCII));
          case "PING" -> out.write("+PONG\r\n".getBytes(StandardCharsets.US_ASCII));
          case "SELECT", "CLIENT", "AUTH" ->
              out.write("+OK\r\n".getBytes(StandardCharsets.US_ASCII));
          case "SCRIPT" ->
              out.write(("$40\r\n" + "0".repeat(40) + "\r\n").getBytes(StandardCharsets.US_ASCII));
          default -> unanswered.incrementAndGet();
        }
        out.flush();
      }
    } catch (IOException closed) {
      // the client went away
    }
  }

  /** One RESP array of bulk strings, or null at the end of the stream. */
  private static List<String> read(InputStream in) throws IOException {
    String header = line(in);
    if (header == null) {
      return null;
    }
    if (!header.startsWith("*")) {
      return List.of(header.split(" "));
    }
    int n = Integer.parseInt(header.substring(1));
    List<String> parts = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String len = line(in);
      if (len == null) {
        return null;
      }
      byte[] data = in.readNBytes(Integer.parseInt(len.substring(1)) + 2);
      parts.add(new String(data, 0, Math.max(0, data.length - 2), StandardCharsets.UTF_8));
    }
    return parts;
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = in.read()) != -1) {
      if (c == '\n') {
        int end =
            sb.length() > 0 && sb.charAt(sb.length() - 1) == '\r' ? sb.length() - 1 : sb.length();
        return sb.substring(0, end);
      }
      sb.append((char) c);
    }
    return null;
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : sockets) {
      s.close();
    }
  }
}
