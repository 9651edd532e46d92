package dev.llmclient.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.message.BasicHttpResponse;
import org.apache.hc.core5.http.protocol.HttpCoreContext;
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
    HttpTransport.LimitedBodyConsumer consumer =
        new HttpTransport.LimitedBodyConsumer(LIMIT, HttpTransportSettings.MAX_HEADER_BYTES);
    BasicHttpResponse response = new BasicHttpResponse(status);
    response.addHeader("Content-Type", "application/json");
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
}
