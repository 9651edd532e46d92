package dev.llmclient.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmRequest;
import dev.llmclient.api.LlmResponse;
import dev.llmclient.api.Message;
import dev.llmclient.api.spi.BackendInfo;
import dev.llmclient.api.spi.ChatBackend;
import dev.llmclient.api.spi.ChatCompletion;
import dev.llmclient.api.spi.ChatCompletionRequest;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.testkit.ScriptedChatBackend;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BlockingOnClientThreadsTest {

  /**
   * Answers like the scripted backend, but on a thread named like a provider's I/O thread, and only
   * once the test releases it, so dependent stages are attached before the answer arrives.
   */
  private static final class IoThreadBackend implements ChatBackend {
    final ScriptedChatBackend scripted = new ScriptedChatBackend();
    final CountDownLatch release = new CountDownLatch(1);
    final ExecutorService io =
        Executors.newSingleThreadExecutor(r -> new Thread(r, "llmclient-io-7-1"));

    @Override
    public BackendInfo info() {
      return ScriptedChatBackend.INFO;
    }

    @Override
    public CompletableFuture<ChatCompletion> complete(ChatCompletionRequest request) {
      return scripted
          .complete(request)
          .thenApplyAsync(
              c -> {
                try {
                  release.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                return c;
              },
              io);
    }

    @Override
    public void close() {
      io.shutdownNow();
    }
  }

  private static LlmRequest<Map<String, Object>> ask(String text) {
    return LlmRequest.builder().messages(List.of(Message.user(text))).build();
  }

  @Test
  void aBlockingCallInsideADependentStageFailsAtOnceSayingWhatToDo() throws Exception {
    IoThreadBackend backend = new IoThreadBackend();
    backend.scripted.enqueueContent("{\"a\":1}").enqueueContent("{\"b\":2}");
    try (LlmClient client =
        LlmClients.builder().backend(backend).settings(ProviderSettings.empty()).build()) {
      CompletableFuture<LlmResponse<Map<String, Object>>> nested =
          client.generateAsync(ask("first")).thenApply(r -> client.generate(ask("second")));
      backend.release.countDown();

      Throwable failure =
          org.assertj.core.api.Assertions.catchThrowable(() -> nested.get(5, TimeUnit.SECONDS));

      assertThat(failure).isInstanceOf(ExecutionException.class);
      assertThat(failure.getCause())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("generate() waits for the answer, but it was called on")
          .hasMessageContaining("llmclient-io-7-1")
          .hasMessageContaining("thenCompose");
    }
  }

  @Test
  void chainingWithThenComposeOnTheSameThreadsWorks() throws Exception {
    IoThreadBackend backend = new IoThreadBackend();
    backend.scripted.enqueueContent("{\"a\":1}").enqueueContent("{\"b\":2}");
    try (LlmClient client =
        LlmClients.builder().backend(backend).settings(ProviderSettings.empty()).build()) {
      CompletableFuture<LlmResponse<Map<String, Object>>> chained =
          client
              .<Map<String, Object>>generateAsync(ask("first"))
              .thenCompose(r -> client.<Map<String, Object>>generateAsync(ask("second")));
      backend.release.countDown();
      LlmResponse<Map<String, Object>> second = chained.get(5, TimeUnit.SECONDS);

      assertThat(second.value()).containsEntry("b", 2);
    }
  }
}
