package dev.llmclient.testkit.simulator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.hc.core5.http.URIScheme;
import org.apache.hc.core5.http.impl.nio.ServerHttp1IOEventHandler;
import org.apache.hc.core5.http.impl.nio.ServerHttp1StreamDuplexerFactory;
import org.apache.hc.core5.http2.impl.nio.ServerH2PrefaceHandler;
import org.apache.hc.core5.http2.impl.nio.ServerH2StreamMultiplexerFactory;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.IOEventHandler;
import org.apache.hc.core5.reactor.IOEventHandlerFactory;
import org.apache.hc.core5.reactor.IOSession;
import org.apache.hc.core5.reactor.ProtocolIOSession;
import org.apache.hc.core5.util.Timeout;
import org.jspecify.annotations.Nullable;

/**
 * Serves HTTP/1.1 and prior-knowledge h2c on one cleartext port by looking at a connection's first
 * bytes: the HTTP/2 connection preface ({@code PRI * HTTP/2.0...}) starts HTTP/2, anything else
 * starts HTTP/1.1.
 *
 * <p>httpcore5 5.3's {@code HttpVersionPolicy.NEGOTIATE} does not do this without TLS: with no ALPN
 * it starts HTTP/1.1 at once, whose parser then rejects the preface and closes the connection
 * ("Empty reply from server" for {@code curl --http2-prior-knowledge}). The detector reads at most
 * the 24 preface bytes, then hands the session and the bytes it read to httpcore5's own HTTP/1.1
 * handler or h2 preface handler; it never blocks and holds no thread.
 */
final class PrefaceDetector implements IOEventHandler {

  private static final byte[] PREFACE =
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  private final ProtocolIOSession session;
  private final ServerHttp1StreamDuplexerFactory http1;
  private final ServerH2StreamMultiplexerFactory http2;
  private final ByteArrayOutputStream seen = new ByteArrayOutputStream(PREFACE.length);

  private PrefaceDetector(
      ProtocolIOSession session,
      ServerHttp1StreamDuplexerFactory http1,
      ServerH2StreamMultiplexerFactory http2) {
    this.session = session;
    this.http1 = http1;
    this.http2 = http2;
  }

  /** A factory of detectors for the server's reactor. */
  static IOEventHandlerFactory factory(
      ServerHttp1StreamDuplexerFactory http1, ServerH2StreamMultiplexerFactory http2) {
    return (session, attachment) -> new PrefaceDetector(session, http1, http2);
  }

  @Override
  public void connected(IOSession ioSession) {
    // Nothing to send first: HTTP/1.1 and h2 both wait for the client to speak.
  }

  @Override
  public void inputReady(IOSession ioSession, @Nullable ByteBuffer src) throws IOException {
    if (src != null) {
      byte[] more = new byte[src.remaining()];
      src.get(more);
      seen.write(more, 0, more.length);
    }
    ByteBuffer buffer = ByteBuffer.allocate(PREFACE.length);
    boolean ended = false;
    while (seen.size() < PREFACE.length && prefaceSoFar()) {
      buffer.clear().limit(PREFACE.length - seen.size());
      int n = ioSession.read(buffer);
      if (n < 0) {
        ended = true;
        break;
      }
      if (n == 0) {
        break;
      }
      seen.write(buffer.array(), 0, n);
    }
    byte[] bytes = seen.toByteArray();
    boolean prefaceSoFar = prefaceSoFar();
    if (prefaceSoFar && bytes.length < PREFACE.length) {
      if (ended) {
        ioSession.close(CloseMode.GRACEFUL); // a cut preface (or nothing at all): nothing to serve
      }
      return; // wait for more bytes
    }
    // Decided as soon as the bytes stop matching the preface, so a short HTTP/1.x request that
    // half-closes right after it is still answered.
    IOEventHandler next =
        prefaceSoFar
            ? new ServerH2PrefaceHandler(session, http2, e -> {})
            : new ServerHttp1IOEventHandler(http1.create(URIScheme.HTTP.id, session));
    session.upgrade(next);
    next.connected(session);
    next.inputReady(session, ByteBuffer.wrap(bytes));
  }

  private boolean prefaceSoFar() {
    byte[] bytes = seen.toByteArray();
    int compared = Math.min(bytes.length, PREFACE.length);
    return Arrays.equals(bytes, 0, compared, PREFACE, 0, compared);
  }

  @Override
  public void outputReady(IOSession ioSession) {
    // Nothing to write before the protocol is known.
    ioSession.clearEvent(SelectionKey.OP_WRITE);
  }

  @Override
  public void timeout(IOSession ioSession, Timeout timeout) {
    ioSession.close(CloseMode.GRACEFUL);
  }

  @Override
  public void exception(IOSession ioSession, Exception cause) {
    ioSession.close(CloseMode.IMMEDIATE);
  }

  @Override
  public void disconnected(IOSession ioSession) {
    // Nothing held.
  }
}
