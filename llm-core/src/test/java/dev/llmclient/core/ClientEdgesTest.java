package dev.llmclient.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmclient.api.ContentPart;
import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmConnectionException;
import dev.llmclient.api.LlmRequest;
import dev.llmclient.api.LlmResponse;
import dev.llmclient.api.LlmStream;
import dev.llmclient.api.Message;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.api.spi.Tracer;
import dev.llmclient.testkit.ScriptedChatBackend;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/**
 * Client paths between the common ones: a suffix on a message of parts, a request refused while it
 * is prepared on the async path, streams of a closed client, and what the client says of itself.
 */
class ClientEdgesTest {

  /** A type strict mode cannot express: its map has free-form keys. */
  record Loose(Map<String, Object> anything) {}

  final ScriptedChatBackend backend = new ScriptedChatBackend();

  LlmClients.Builder builder() {
    return LlmClients.builder()
        .backend(backend)
        .settings(ProviderSettings.empty())
        .tracer(Tracer.noop());
  }

  static LlmRequest<String> text(Message first) {
    return LlmRequest.builder().addMessage(first).responseType(String.class).build();
  }

  @Test
  void theSuffixOnAFirstMessageOfPartsIsALastTextPart() {
    backend.enqueueContent("A cat.");
    ContentPart picture = ContentPart.imageUrl(URI.create("https://example.com/cat.png"));
    try (LlmClient llm = builder().systemPromptSuffix(group -> " Answer in English.").build()) {
      llm.generate(text(Message.user(ContentPart.text("What is this?"), picture)));
    }

    Message sent = backend.lastRequest().messages().get(0);
    assertThat(sent.parts()).hasSize(3);
    assertThat(sent.parts().get(1)).isEqualTo(picture);
    assertThat(sent.parts().get(2)).isEqualTo(ContentPart.text(" Answer in English."));
  }

  @Test
  void aRequestRefusedWhilePreparedFailsTheAsyncFutureInsteadOfThrowing() {
    LlmRequest<Loose> loose =
        LlmRequest.builder().addMessage(Message.user("x")).responseType(Loose.class).build();
    try (LlmClient llm = builder().build()) {
      CompletableFuture<LlmResponse<Loose>> f = llm.generateAsync(loose);

      assertThat(f).isCompletedExceptionally();
      assertThatThrownBy(f::get)
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("Loose");
      assertThatThrownBy(() -> llm.generate(loose))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("Loose");
    }
    assertThat(backend.requests()).isEmpty();
  }

  @Test
  void aClosedClientRefusesNewStreamsAndAStreamMadeBeforeTheCloseFailsTyped() {
    LlmClient llm = builder().build();
    LlmStream<String> early = llm.stream(text(Message.user("Hi")));
    llm.close();

    assertThatThrownBy(() -> llm.stream(text(Message.user("Hi"))))
        .isInstanceOf(LlmConnectionException.class);
    assertThatThrownBy(() -> early.response().join())
        .cause()
        .isInstanceOf(LlmConnectionException.class);
    early.close();
    assertThat(backend.requests()).isEmpty();
  }

  @Test
  void theClientNamesItsProviderPolicyAndCache() {
    try (LlmClient llm = builder().retryPolicy(RetryPolicy.none()).enableCache().build()) {
      assertThat(llm.toString())
          .startsWith("LlmClient[provider=fake")
          .contains("retryPolicy=RetryPolicy[maxRetries=0")
          .contains("cache=");
    }
  }
}
