package dev.llmclient.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmclient.api.LlmConnectionException;
import dev.llmclient.api.Message;
import dev.llmclient.api.spi.ChatChunk;
import dev.llmclient.api.spi.ChatCompletionRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;

class ScriptedStreamTest {

  private static final ChatCompletionRequest REQUEST =
      ChatCompletionRequest.of("m", List.of(Message.user("hi")));

  /** Records the signals; requests only what the test says. */
  static final class Recorder implements Flow.Subscriber<ChatChunk> {
    final List<String> signals = new ArrayList<>();
    Flow.Subscription subscription;

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
    }

    @Override
    public void onNext(ChatChunk item) {
      signals.add(item.text());
    }

    @Override
    public void onError(Throwable t) {
      signals.add("error:" + t.getClass().getSimpleName());
    }

    @Override
    public void onComplete() {
      signals.add("complete");
    }
  }

  @Test
  void aScriptedStreamDeliversOnlyWhatIsRequestedThenEnds() {
    ScriptedChatBackend backend =
        new ScriptedChatBackend()
            .enqueueStream(List.of(ChatChunk.text("a"), ChatChunk.text("b")), null);
    Recorder r = new Recorder();
    backend.stream(REQUEST).subscribe(r);

    assertThat(r.signals).isEmpty();
    r.subscription.request(1);
    assertThat(r.signals).containsExactly("a");
    r.subscription.request(5);
    assertThat(r.signals).containsExactly("a", "b", "complete");
    assertThat(backend.requests()).containsExactly(REQUEST);
  }

  @Test
  void aScriptedStreamCanBreakAfterItsChunksAndAMissingScriptFailsLoudly() {
    ScriptedChatBackend backend =
        new ScriptedChatBackend()
            .enqueueStream(List.of(ChatChunk.text("a")), new LlmConnectionException("reset"));
    Recorder broken = new Recorder();
    backend.stream(REQUEST).subscribe(broken);
    broken.subscription.request(Long.MAX_VALUE);
    Recorder unscripted = new Recorder();
    backend.stream(REQUEST).subscribe(unscripted);
    unscripted.subscription.request(1);

    assertThat(broken.signals).containsExactly("a", "error:LlmConnectionException");
    assertThat(unscripted.signals).containsExactly("error:AssertionError");
  }

  @Test
  void cancellingStopsTheScript() {
    ScriptedChatBackend backend =
        new ScriptedChatBackend()
            .enqueueStream(List.of(ChatChunk.text("a"), ChatChunk.text("b")), null);
    Recorder r = new Recorder();
    backend.stream(REQUEST).subscribe(r);
    r.subscription.request(1);
    r.subscription.cancel();
    r.subscription.request(1);

    assertThat(r.signals).containsExactly("a");
  }
}
