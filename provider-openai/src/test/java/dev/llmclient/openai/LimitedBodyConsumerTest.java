package dev.llmclient.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.FormattedHeader;
import org.apache.hc.core5.http.message.BasicHttpResponse;
import org.apache.hc.core5.http.message.BufferedHeader;
import org.apache.hc.core5.http.protocol.HttpCoreContext;
import org.apache.hc.core5.util.CharArrayBuffer;
import org.junit.jupiter.api.Test;

/** The response buffer grows with what arrives, never from what a server declares. */
class LimitedBodyConsumerTest {

  private static final long LIMIT = 32L * 1024 * 1024;

  private final AtomicReference<HttpTransport.Response> done = new AtomicReference<>();
  private final FutureCallback<HttpTransport.Response> callback =
      new FutureCallback<>() {
        @Override
        public void completed(HttpTransport.Response result) {
          done.set(result);
        }

        @Override
        public void failed(Exception ex) {}

        @Override
        public void cancelled() {}
      };

  private HttpTransport.LimitedBodyConsumer start(int status, long declared) throws Exception {
    BasicHttpResponse response = new BasicHttpResponse(status);
    response.addHeader("Content-Type", "application/json");
    return start(response, declared, HttpTransportSettings.MAX_HEADER_BYTES);
  }

  private HttpTransport.LimitedBodyConsumer start(
      BasicHttpResponse response, long declared, int maxHeaderBytes) throws Exception {
    HttpTransport.LimitedBodyConsumer consumer =
        new HttpTransport.LimitedBodyConsumer(LIMIT, maxHeaderBytes);
    consumer.consumeResponse(
        response,
        new EntityDetails() {
          @Override
          public long getContentLength() {
            return declared;
          }

          @Override
          public String getContentType() {
            return "application/json";
          }

          @Override
          public String getContentEncoding() {
            return null;
          }

          @Override
          public boolean isChunked() {
            return declared < 0;
          }

          @Override
          public Set<String> getTrailerNames() {
            return Set.of();
          }
        },
        HttpCoreContext.create(),
        callback);
    return consumer;
  }

  private static byte[] bytes(int n) {
    byte[] b = new byte[n];
    new Random(n).nextBytes(b);
    return b;
  }

  private static void feed(HttpTransport.LimitedBodyConsumer consumer, byte[] body, int chunk)
      throws Exception {
    for (int at = 0; at < body.length; at += chunk) {
      consumer.consume(ByteBuffer.wrap(body, at, Math.min(chunk, body.length - at)));
    }
    consumer.streamEnd(null);
  }

  @Test
  void aDeclaredThirtyTwoMibBodyAllocatesOnlyWhatArrives() throws Exception {
    HttpTransport.LimitedBodyConsumer consumer = start(200, LIMIT - 1024);

    consumer.consume(ByteBuffer.wrap(bytes(100)));

    assertThat(consumer.capacity()).isLessThanOrEqualTo(16 * 1024);
  }

  @Test
  void bodiesOfEverySizeArriveIntactWithOrWithoutAContentLength() throws Exception {
    for (int size : new int[] {0, 1, 16 * 1024, 16 * 1024 + 1, 300_000, 1_000_003}) {
      for (boolean declared : new boolean[] {true, false}) {
        byte[] body = bytes(size);
        done.set(null);
        HttpTransport.LimitedBodyConsumer consumer = start(200, declared ? size : -1);

        feed(consumer, body, 8_191);

        assertThat(done.get().body()).as("%d bytes, declared %s", size, declared).isEqualTo(body);
        assertThat(done.get().complete()).isTrue();
        assertThat(consumer.capacity()).isLessThanOrEqualTo(Math.max(2 * size, 16 * 1024));
      }
    }
  }

  @Test
  void ofAnErrorBodyOnlyThePrefixIsKept() throws Exception {
    byte[] body = bytes(1_000_000);
    HttpTransport.LimitedBodyConsumer consumer = start(502, body.length);

    feed(consumer, body, 10_000);

    assertThat(done.get().body()).hasSize(HttpTransport.ERROR_BODY_PREFIX);
    assertThat(done.get().complete()).isFalse();
    assertThat(done.get().body()[100]).isEqualTo(body[100]);
  }

  @Test
  void moreBytesThanTheLimitFailAndADeclaredLengthBeyondItFailsAtOnce() throws Exception {
    assertThatThrownBy(() -> start(200, LIMIT + 1)).isInstanceOf(ResponseTooLargeException.class);
    HttpTransport.LimitedBodyConsumer consumer = start(200, -1);
    consumer.consume(ByteBuffer.wrap(new byte[(int) (LIMIT / 2)]));
    assertThatThrownBy(() -> consumer.consume(ByteBuffer.wrap(new byte[(int) (LIMIT / 2)])))
        .as("the headers count toward the limit too")
        .isInstanceOf(ResponseTooLargeException.class);
  }

  @Test
  void headersAreLookedUpByLowerCaseNameAndOnlyTheValuesAskedForAreRead() throws Exception {
    BasicHttpResponse response = new BasicHttpResponse(200);
    List<String> read = new ArrayList<>();
    for (String line :
        List.of(
            "X-Request-Id: req-1",
            "x-request-id: req-2",
            "Date: Thu, 03 Dec 2026 14:00:00 GMT",
            "Server: test")) {
      response.addHeader(new WatchedHeader(BufferedHeader.create(CharArrayBuffers.of(line)), read));
    }

    HttpTransport.LimitedBodyConsumer consumer = start(response, 0, 1024);
    consumer.streamEnd(null);

    HttpTransport.Response r = done.get();
    assertThat(r.header("x-request-id")).isEqualTo("req-1");
    assertThat(r.header("server")).isEqualTo("test");
    assertThat(r.header("retry-after")).isNull();
    assertThat(read)
        .as("the date header is never looked up, so its value is never built")
        .containsExactly("X-Request-Id", "Server");
    assertThat(r.headers())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "x-request-id", "req-1",
                "date", "Thu, 03 Dec 2026 14:00:00 GMT",
                "server", "test"));
  }

  @Test
  void headersOverTheByteLimitAreRefusedCountingTheirWholeLines() throws Exception {
    BasicHttpResponse response = new BasicHttpResponse(200, "OK");
    String value = "v".repeat(40);
    response.addHeader(BufferedHeader.create(CharArrayBuffers.of("X-Long: " + value)));
    // status line 15 + "OK" + CRLF, then "X-Long: " + 40 + CRLF
    int exact = 15 + 2 + 2 + 8 + 40 + 2;

    assertThat(start(response, 0, exact)).isNotNull();
    assertThatThrownBy(() -> start(response, 0, exact - 1))
        .isInstanceOf(ResponseHeadersTooLargeException.class);
  }

  /** A parsed header that records whose value was read. */
  private static final class WatchedHeader implements FormattedHeader {
    private final BufferedHeader header;
    private final List<String> read;

    WatchedHeader(BufferedHeader header, List<String> read) {
      this.header = header;
      this.read = read;
    }

    @Override
    public String getName() {
      return header.getName();
    }

    @Override
    public String getValue() {
      read.add(header.getName());
      return header.getValue();
    }

    @Override
    public boolean isSensitive() {
      return false;
    }

    @Override
    public CharArrayBuffer getBuffer() {
      return header.getBuffer();
    }

    @Override
    public int getValuePos() {
      return header.getValuePos();
    }
  }

  /** Raw header lines as httpclient5's parser keeps them. */
  private static final class CharArrayBuffers {
    static CharArrayBuffer of(String line) {
      CharArrayBuffer buffer = new CharArrayBuffer(line.length());
      buffer.append(line);
      return buffer;
    }
  }
}
