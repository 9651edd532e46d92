package dev.llmclient.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmclient.api.EmbedderClient;
import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmRequest;
import dev.llmclient.api.Message;
import dev.llmclient.api.spi.BackendInfo;
import dev.llmclient.api.spi.ChatBackend;
import dev.llmclient.api.spi.ChatCompletion;
import dev.llmclient.api.spi.ChatCompletionRequest;
import dev.llmclient.api.spi.EmbeddingBackend;
import dev.llmclient.api.spi.EmbeddingRequest;
import dev.llmclient.api.spi.EmbeddingResult;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.api.spi.Tracer;
import dev.llmclient.testkit.ScriptedChatBackend;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * A backend that breaks its contract by returning no future: the call fails at once, naming the
 * provider and the kind of backend, instead of hanging until its deadline or being retried. Chat
 * raises the backend's bug as it is (as it does any unchecked failure); the embedder wraps it in an
 * {@code LlmException} that says to report it.
 */
class BrokenBackendTest {

  static final BackendInfo INFO = ScriptedChatBackend.INFO;

  @Test
  void aChatBackendThatReturnsNoFutureFailsTheCallNamingIt() {
    AtomicInteger sent = new AtomicInteger();
    ChatBackend broken =
        new ChatBackend() {
          @Override
          public BackendInfo info() {
            return INFO;
          }

          @Override
          public @Nullable CompletableFuture<ChatCompletion> complete(
              ChatCompletionRequest request) {
            sent.incrementAndGet();
            return null;
          }

          @Override
          public void close() {}
        };
    LlmRequest<String> request =
        LlmRequest.builder().addMessage(Message.user("Hi")).responseType(String.class).build();

    try (LlmClient llm =
        LlmClients.builder()
            .backend(broken)
            .settings(ProviderSettings.empty())
            .retryPolicy(RetryPolicy.builder().deadline(Duration.ofSeconds(30)).build())
            .tracer(Tracer.noop())
            .build()) {
      assertThatThrownBy(() -> llm.generate(request))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("fake chat backend returned null instead of a future");
    }
    assertThat(sent).hasValue(1);
  }

  @Test
  void anEmbeddingBackendThatReturnsNoFutureFailsTheCallNamingIt() {
    AtomicInteger sent = new AtomicInteger();
    EmbeddingBackend broken =
        new EmbeddingBackend() {
          @Override
          public BackendInfo info() {
            return INFO;
          }

          @Override
          public @Nullable CompletableFuture<EmbeddingResult> embed(EmbeddingRequest request) {
            sent.incrementAndGet();
            return null;
          }

          @Override
          public void close() {}
        };

    try (EmbedderClient embedder =
        LlmClients.embedder()
            .backend(broken)
            .settings(ProviderSettings.empty())
            .tracer(Tracer.noop())
            .build()) {
      assertThatThrownBy(() -> embedder.create("Ada"))
          // the embedder types it (its batch failure needs an LlmException); chat passes it as is
          .isInstanceOf(dev.llmclient.api.LlmException.class)
          .hasMessageContaining("this is a bug in the provider, please report it")
          .hasRootCauseInstanceOf(IllegalStateException.class)
          .hasMessageContaining("fake embedding backend returned null instead of a future");
    }
    assertThat(sent).hasValue(1);
  }
}
