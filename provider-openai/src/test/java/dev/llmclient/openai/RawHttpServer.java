package dev.llmclient.openai;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback HTTP/1.1 server that answers with raw bytes, for what the simulator cannot send: a
 * lying {@code Content-Length}, an endless header line, thousands of headers. It reads each request
 * (head and body) and hands the socket's output to the test's reply; sockets stay open until close.
 */
final class RawHttpServer implements AutoCloseable {

  /** Writes the reply; may block (stall) until the server closes. */
  interface Reply {
    void write(OutputStream out, RawHttpServer server) throws IOException;
  }

  private final ServerSocket server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicLong bytesWritten = new AtomicLong();
  private volatile boolean closed;

  RawHttpServer(Reply reply) throws IOException {
    server = new ServerSocket(0, 256, InetAddress.getLoopbackAddress());
    threads.execute(
        () -> {
          while (!closed) {
            try {
              Socket socket = server.accept();
              sockets.add(socket);
              threads.execute(() -> serve(socket, reply));
            } catch (IOException e) {
              return;
            }
          }
        });
  }

  private void serve(Socket socket, Reply reply) {
    try {
      readRequest(socket.getInputStream());
      requests.incrementAndGet();
      OutputStream counting =
          new OutputStream() {
            private final OutputStream out = socket.getOutputStream();

            @Override
            public void write(int b) throws IOException {
              out.write(b);
              bytesWritten.incrementAndGet();
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
              out.write(b, off, len);
              bytesWritten.addAndGet(len);
            }

            @Override
            public void flush() throws IOException {
              out.flush();
            }

            /** Closes the connection: a reply can end a response by cutting it off. */
            @Override
            public void close() throws IOException {
              out.flush();
              socket.close();
            }
          };
      reply.write(counting, this);
      counting.flush();
    } catch (IOException e) {
      // The client gave up on us: exactly what most of these tests expect.
    }
  }

  private static void readRequest(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed before the request head ended");
      }
      head.write(b);
      matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    long length = 0;
    for (String line : head.toString(StandardCharsets.ISO_8859_1).split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        length = Long.parseLong(line.substring(15).trim());
      }
    }
    in.readNBytes((int) length);
  }

  /** The base URI, e.g. {@code http://127.0.0.1:port/v1}. */
  URI baseUri() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort() + "/v1");
  }

  int port() {
    return server.getLocalPort();
  }

  /** Requests read completely so far. */
  int requests() {
    return requests.get();
  }

  /** Bytes of replies the client accepted so far. */
  long bytesWritten() {
    return bytesWritten.get();
  }

  /** Stalls the calling reply until the server closes. */
  void stall() {
    while (!closed) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
    for (Socket s : sockets) {
      s.close();
    }
    threads.shutdownNow();
    try {
      threads.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
