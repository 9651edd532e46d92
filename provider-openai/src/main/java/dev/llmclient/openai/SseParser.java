package dev.llmclient.openai;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An incremental parser of {@code text/event-stream}: bytes go in as they arrive, in pieces of any
 * size, and each complete event's {@code data} (its data lines joined with {@code \n}) comes out.
 * Comments, {@code event}, {@code id} and {@code retry} fields are skipped; lines may end with
 * {@code \n}, {@code \r\n} or {@code \r}. One event may hold at most a given number of bytes, so a
 * server that never ends a line cannot fill the heap.
 */
final class SseParser {

  /** Receives each event's data. */
  interface Listener {
    /**
     * One event's data.
     *
     * @param data the data lines, joined with {@code \n}
     * @throws IOException to stop the stream
     */
    void onData(String data) throws IOException;
  }

  /** An event longer than the limit. */
  static final class EventTooLargeException extends IOException {
    private static final long serialVersionUID = 1L;

    EventTooLargeException(int limit) {
      super("a server-sent event is longer than " + limit + " bytes");
    }
  }

  private final Listener listener;
  private final int maxEventBytes;
  private byte[] line = new byte[256];
  private int lineLength;
  private final StringBuilder data = new StringBuilder();
  private boolean hasData;
  private int eventBytes;
  private boolean lastWasCr;

  SseParser(Listener listener, int maxEventBytes) {
    this.listener = listener;
    this.maxEventBytes = maxEventBytes;
  }

  /**
   * Parses the next bytes, calling the listener for each event they complete.
   *
   * @param bytes the bytes; all of them are consumed
   * @throws IOException when an event is too large, or the listener throws
   */
  void feed(ByteBuffer bytes) throws IOException {
    while (bytes.hasRemaining()) {
      byte b = bytes.get();
      if (b == '\n' && lastWasCr) {
        lastWasCr = false; // the second half of \r\n
        continue;
      }
      lastWasCr = b == '\r';
      if (b == '\n' || b == '\r') {
        endOfLine();
        continue;
      }
      if (++eventBytes > maxEventBytes) {
        throw new EventTooLargeException(maxEventBytes);
      }
      if (lineLength == line.length) {
        line = Arrays.copyOf(line, Math.min(line.length * 2, maxEventBytes + 1));
      }
      line[lineLength++] = b;
    }
  }

  private void endOfLine() throws IOException {
    if (lineLength == 0) {
      dispatch();
      return;
    }
    int colon = -1;
    for (int i = 0; i < lineLength; i++) {
      if (line[i] == ':') {
        colon = i;
        break;
      }
    }
    if (colon != 0 && isData(colon)) {
      int start = colon < 0 ? lineLength : colon + 1;
      if (start < lineLength && line[start] == ' ') {
        start++;
      }
      if (hasData) {
        data.append('\n');
      }
      data.append(new String(line, start, lineLength - start, StandardCharsets.UTF_8));
      hasData = true;
    }
    lineLength = 0;
  }

  private boolean isData(int colon) {
    int end = colon < 0 ? lineLength : colon;
    return end == 4 && line[0] == 'd' && line[1] == 'a' && line[2] == 't' && line[3] == 'a';
  }

  private void dispatch() throws IOException {
    eventBytes = 0;
    if (!hasData) {
      return;
    }
    String event = data.toString();
    data.setLength(0);
    hasData = false;
    listener.onData(event);
  }
}
