package dev.llmclient.openai;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * An incremental parser of {@code text/event-stream}: bytes go in as they arrive, in pieces of any
 * size, and each complete event's {@code data} (its data lines joined with {@code \n}) comes out as
 * UTF-8 bytes, decoded by whoever reads them (a JSON parser reads bytes directly). Comments, {@code
 * event}, {@code id} and {@code retry} fields are skipped; lines may end with {@code \n}, {@code
 * \r\n} or {@code \r}. One event may hold at most a given number of bytes, so a server that never
 * ends a line cannot fill the heap.
 */
final class SseParser {

  /** Receives each event's data. */
  interface Listener {
    /**
     * One event's data: the data lines, joined with {@code \n}, as UTF-8.
     *
     * @param data a buffer the parser reuses once this returns: copy what is kept
     * @param length how many bytes of {@code data}, from 0, are the event's
     * @throws IOException to stop the stream
     */
    void onData(byte[] data, int length) throws IOException;
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
  private byte[] data = new byte[256];
  private int dataLength;
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
      int from = bytes.position();
      int limit = bytes.limit();
      if (lastWasCr && bytes.get(from) == '\n') {
        lastWasCr = false; // the second half of \r\n
        bytes.position(from + 1);
        continue;
      }
      int end = from;
      byte b = 0;
      while (end < limit) {
        b = bytes.get(end);
        if (b == '\n' || b == '\r') {
          break;
        }
        end++;
      }
      int n = end - from;
      if (n > 0) {
        eventBytes += n;
        if (eventBytes > maxEventBytes || eventBytes < 0) {
          throw new EventTooLargeException(maxEventBytes);
        }
        if (lineLength + n > line.length) {
          line =
              Arrays.copyOf(
                  line, Math.min(Math.max(line.length * 2, lineLength + n), maxEventBytes + 1));
        }
        bytes.get(line, lineLength, n);
        lineLength += n;
      }
      if (end < limit) {
        bytes.position(end + 1);
        lastWasCr = b == '\r';
        endOfLine();
      } else {
        lastWasCr = false;
      }
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
      int n = lineLength - start;
      int needed = dataLength + n + (hasData ? 1 : 0);
      if (needed > data.length) {
        data = Arrays.copyOf(data, Math.max(data.length * 2, needed));
      }
      if (hasData) {
        data[dataLength++] = '\n';
      }
      System.arraycopy(line, start, data, dataLength, n);
      dataLength += n;
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
    int length = dataLength;
    dataLength = 0;
    hasData = false;
    listener.onData(data, length);
  }
}
