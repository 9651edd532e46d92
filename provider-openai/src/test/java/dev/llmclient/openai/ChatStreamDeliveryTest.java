package dev.llmclient.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmclient.api.spi.ChatChunk;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.impl.BasicEntityDetails;
import org.apache.hc.core5.http.message.BasicHttpResponse;
import org.apache.hc.core5.http.protocol.HttpCoreContext;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * When {@link ChatStream} hands chunks on, driven as httpclient5 drives it (head, capacity, reads)
 * without a socket, so that what one read holds is exact.
 */
class ChatStreamDeliveryTest {

  private static String event(String content) {
    return "data: {\"id\":\"c\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\""
        + content
        + "\"},\"finish_reason\":null}]}\n\n";
  }

  /** Records chunks; cancels at the first chunk with text when told to. */
  private static final class Recorder implements Flow.Subscriber<ChatChunk> {
    final List<ChatChunk> chunks = new CopyOnWriteArrayList<>();
    final boolean cancelAtText;
    Flow.@Nullable Subscription subscription;

    Recorder(boolean cancelAtText) {
      this.cancelAtText = cancelAtText;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
    }

    @Override
    public void onNext(ChatChunk item) {
      chunks.add(item);
      Flow.Subscription s = subscription;
      if (cancelAtText && s != null && item.text() != null && !item.text().isEmpty()) {
        s.cancel();
      }
    }

    @Override
    public void onError(Throwable t) {}

    @Override
    public void onComplete() {}
  }

  private static ChatStream open(Recorder recorder) throws IOException {
    ChatStream stream =
        new ChatStream(
            recorder,
            s -> CompletableFuture.completedFuture(CompletableFuture.completedFuture(null)),
            new OpenAiErrorMapper(
                "openai",
                "model",
                "check the key",
                "check the model",
                new Redactor(List::of),
                Clock.systemUTC(),
                ""),
            new CallTarget("POST", "/v1/chat/completions", "m"),
            HttpTransportSettings.builder().build());
    recorder.onSubscribe(stream);
    stream.request(32);
    BasicHttpResponse head = new BasicHttpResponse(200);
    head.addHeader("Content-Type", "text/event-stream");
    stream.consumeResponse(
        head,
        new BasicEntityDetails(-1, ContentType.create("text/event-stream")),
        HttpCoreContext.create(),
        new FutureCallback<>() {
          @Override
          public void completed(Void result) {}

          @Override
          public void failed(Exception ex) {}

          @Override
          public void cancelled() {}
        });
    stream.updateCapacity(increment -> {});
    return stream;
  }

  @Test
  void theFirstTextIsHandedOnBeforeTheRestOfItsReadIsParsed() throws Exception {
    Recorder recorder = new Recorder(false);
    ChatStream stream = open(recorder);
    // one read: the role chunk, the first text, then an event that is not JSON. The text must
    // reach the subscriber as soon as it is read, not after the whole read is parsed (the caller
    // waits for it while a real read holds dozens of chunks).
    String read =
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n"
            + event("Hello")
            + "data: {not json\n\n";
    assertThatThrownBy(() -> stream.consume(ByteBuffer.wrap(read.getBytes(StandardCharsets.UTF_8))))
        .isInstanceOf(IOException.class);
    assertThat(recorder.chunks).extracting(ChatChunk::text).containsExactly("", "Hello");
  }

  @Test
  void aCancelAtTheFirstTextStopsTheParseOfTheRestOfTheRead() throws Exception {
    Recorder recorder = new Recorder(true);
    ChatStream stream = open(recorder);
    String read = event("one") + event("two") + event("three");
    // the subscriber cancels at the first text: the rest of the read is not parsed for no one,
    // and the exchange fails so that its connection is closed instead of read to the end
    assertThatThrownBy(() -> stream.consume(ByteBuffer.wrap(read.getBytes(StandardCharsets.UTF_8))))
        .isInstanceOf(IOException.class);
    assertThat(recorder.chunks).extracting(ChatChunk::text).containsExactly("one");
  }
}
