package dev.llmclient.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.nio.DataStreamChannel;
import org.junit.jupiter.api.Test;

/** A JSON request body goes out whole however the channel takes it, and again on a repeat. */
class JsonBodyTest {

  /** A channel that takes at most {@code chunk} bytes per write, as a full socket buffer does. */
  private static final class Channel implements DataStreamChannel {
    final ByteArrayOutputStream written = new ByteArrayOutputStream();
    final int chunk;
    int ends;

    Channel(int chunk) {
      this.chunk = chunk;
    }

    @Override
    public void requestOutput() {}

    @Override
    public int write(ByteBuffer src) {
      int n = Math.min(chunk, src.remaining());
      byte[] bytes = new byte[n];
      src.get(bytes);
      written.write(bytes, 0, n);
      return n;
    }

    @Override
    public void endStream(List<? extends Header> trailers) {
      ends++;
    }

    @Override
    public void endStream() {
      ends++;
    }
  }

  private static void sendAll(HttpTransport.JsonBody body, Channel channel) throws Exception {
    for (int i = 0; i < 100 && channel.ends == 0; i++) {
      body.produce(channel);
    }
  }

  @Test
  void theBodyIsSentWholeInPartsAndAgainAfterItsResourcesAreReleased() throws Exception {
    byte[] json = "{\"model\":\"gpt-4o\",\"messages\":[]}".getBytes(StandardCharsets.UTF_8);
    HttpTransport.JsonBody body = new HttpTransport.JsonBody(json);

    assertThat(body.getContentType()).isEqualTo("application/json; charset=UTF-8");
    assertThat(body.getContentLength()).isEqualTo(json.length);
    assertThat(body.isRepeatable()).isTrue();
    assertThat(body.isChunked()).isFalse();

    Channel first = new Channel(7);
    sendAll(body, first);
    assertThat(first.written.toByteArray()).isEqualTo(json);
    assertThat(first.ends).isEqualTo(1);
    assertThat(body.available()).isZero();

    body.releaseResources(); // httpclient5 does this before it sends a challenged request again
    Channel again = new Channel(1024);
    sendAll(body, again);
    assertThat(again.written.toByteArray()).isEqualTo(json);
    assertThat(again.ends).isEqualTo(1);
  }
}
