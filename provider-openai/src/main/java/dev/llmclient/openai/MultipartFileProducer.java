package dev.llmclient.openai;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import org.apache.hc.core5.http.nio.AsyncEntityProducer;
import org.apache.hc.core5.http.nio.DataStreamChannel;
import org.jspecify.annotations.Nullable;

/**
 * The Files API's upload body, {@code multipart/form-data} with a {@code purpose} field and the
 * file, streamed from disk one buffer at a time as the connection takes it (a 200 MB input file
 * never sits in memory). Repeatable: {@link #releaseResources()} rewinds it, so a request answered
 * with a proxy's 407 challenge is sent again with the credentials.
 */
final class MultipartFileProducer implements AsyncEntityProducer {

  private static final int BUFFER = 64 * 1024;

  private enum Stage {
    HEAD,
    FILE,
    TAIL,
    END
  }

  private final Path file;
  private final byte[] head;
  private final byte[] tail;
  private final long length;
  private final String contentType;
  private final ByteBuffer chunk = ByteBuffer.allocate(BUFFER);
  private ByteBuffer pending = ByteBuffer.allocate(0);
  private Stage stage = Stage.HEAD;
  private @Nullable FileChannel channel;
  private boolean ended;

  /**
   * The body for one file.
   *
   * @param file the JSONL file
   * @param purpose the {@code purpose} field, e.g. {@code batch}
   * @param boundary the multipart boundary
   * @throws IOException when the file's size cannot be read
   */
  MultipartFileProducer(Path file, String purpose, String boundary) throws IOException {
    this.file = file;
    String filename = file.getFileName() == null ? "input.jsonl" : file.getFileName().toString();
    this.head =
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\n"
                + purpose
                + "\r\n--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                + filename.replace("\"", "_").replace("\r", "_").replace("\n", "_")
                + "\"\r\nContent-Type: application/jsonl\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8);
    this.tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
    this.length = head.length + Files.size(file) + tail.length;
    this.contentType = "multipart/form-data; boundary=" + boundary;
  }

  @Override
  public synchronized void produce(DataStreamChannel out) throws IOException {
    while (!ended) {
      if (!pending.hasRemaining() && !next()) {
        ended = true;
        out.endStream();
        return;
      }
      out.write(pending);
      if (pending.hasRemaining()) {
        return; // the connection is full; httpclient5 calls again when it can take more
      }
    }
  }

  /** Moves to the next bytes to send; false at the end. */
  private boolean next() throws IOException {
    while (true) {
      switch (stage) {
        case HEAD -> {
          pending = ByteBuffer.wrap(head);
          stage = Stage.FILE;
          return true;
        }
        case FILE -> {
          FileChannel ch = channel;
          if (ch == null) {
            ch = FileChannel.open(file, StandardOpenOption.READ);
            channel = ch;
          }
          chunk.clear();
          if (ch.read(chunk) >= 0) {
            chunk.flip();
            pending = chunk;
            if (pending.hasRemaining()) {
              return true;
            }
          } else {
            closeFile();
            stage = Stage.TAIL;
          }
        }
        case TAIL -> {
          pending = ByteBuffer.wrap(tail);
          stage = Stage.END;
          return true;
        }
        case END -> {
          return false;
        }
      }
    }
  }

  private void closeFile() {
    FileChannel ch = channel;
    channel = null;
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException ignored) {
        // read-only; nothing to lose
      }
    }
  }

  @Override
  public boolean isRepeatable() {
    return true;
  }

  @Override
  public String getContentType() {
    return contentType;
  }

  @Override
  public long getContentLength() {
    return length;
  }

  @Override
  public synchronized int available() {
    return ended ? 0 : Integer.MAX_VALUE;
  }

  @Override
  public @Nullable String getContentEncoding() {
    return null;
  }

  @Override
  public boolean isChunked() {
    return false;
  }

  @Override
  public @Nullable Set<String> getTrailerNames() {
    return null;
  }

  @Override
  public void failed(Exception cause) {
    releaseResources();
  }

  /** Closes the file and rewinds, so the body can be sent again. */
  @Override
  public synchronized void releaseResources() {
    closeFile();
    stage = Stage.HEAD;
    pending = ByteBuffer.allocate(0);
    ended = false;
  }
}
