package dev.llmclient.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmConfigurationException;
import dev.llmclient.api.LlmRequest;
import dev.llmclient.api.LlmResponse;
import dev.llmclient.api.Message;
import dev.llmclient.api.ServerException;
import dev.llmclient.api.Usage;
import dev.llmclient.api.spi.BackendInfo;
import dev.llmclient.api.spi.ChatBackend;
import dev.llmclient.api.spi.ChatCompletion;
import dev.llmclient.api.spi.ChatCompletionRequest;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.testkit.ScriptedChatBackend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ClientLifecycleTest {

  @Test
  void aBackendThatThrowsInsteadOfFailingTheFutureIsReportedTheSameWay() {
    IllegalStateException boom = new IllegalStateException("boom");
    ChatBackend throwing =
        new ChatBackend() {
          @Override
          public BackendInfo info() {
            return ScriptedChatBackend.INFO;
          }

          @Override
          public CompletableFuture<ChatCompletion> complete(ChatCompletionRequest request) {
            throw boom;
          }

          @Override
          public void close() {}
        };
    LlmClient client =
        LlmClients.builder().backend(throwing).settings(ProviderSettings.empty()).build();

    assertThatThrownBy(() -> client.generateResponse(List.of(Message.user("q")))).isSameAs(boom);
    client.close();
  }

  @Test
  void withoutATracerTheFirstTracerProviderOnTheClasspathIsUsed() {
    ScriptedChatBackend backend = new ScriptedChatBackend().enqueueContent("{}");
    int before = DiscoveredTracerProvider.TRACER.spans.size();

    try (LlmClient client =
        LlmClients.builder().backend(backend).settings(ProviderSettings.empty()).build()) {
      client.generateResponse(List.of(Message.user("q")));
    }

    assertThat(DiscoveredTracerProvider.TRACER.spans).hasSize(before + 1);
  }

  @Test
  void configValidationSaysWhatIsAllowedAndToStringHidesTheKey() {
    assertThatThrownBy(() -> LlmConfig.builder().temperature(2.5).build())
        .hasMessage("temperature must be between 0.0 and 2.0, got 2.5");
    assertThatThrownBy(() -> LlmConfig.builder().maxTokens(0).build())
        .hasMessage("maxTokens must be positive, got 0; leave it unset for 16384");
    assertThatThrownBy(
            () ->
                LlmConfig.getDefault()
                    .withDefaultsFrom(ProviderSettings.of(Map.of("LLM_TEMPERATURE", "warm"))))
        .isExactlyInstanceOf(LlmConfigurationException.class)
        .hasMessageContaining("LLM_TEMPERATURE must be a number");

    LlmConfig config = LlmConfig.builder().apiKey("sk-secret-123").model("m").build();
    assertThat(config.toString()).doesNotContain("sk-secret-123").contains("apiKey=****");
    assertThat(config.toBuilder().build().apiKey()).contains("sk-secret-123");
  }

  @Test
  void manyConcurrentCallsWithRetriesOnRealThreadsAllComplete() throws Exception {
    ExecutorService io = Executors.newFixedThreadPool(4);
    AtomicInteger calls = new AtomicInteger();
    Map<Integer, Integer> attemptsByQuestion = new java.util.concurrent.ConcurrentHashMap<>();
    ChatBackend flaky =
        new ChatBackend() {
          @Override
          public BackendInfo info() {
            return ScriptedChatBackend.INFO;
          }

          @Override
          public CompletableFuture<ChatCompletion> complete(ChatCompletionRequest request) {
            int n = calls.incrementAndGet();
            String prompt = request.messages().get(request.messages().size() - 1).content();
            int question = Integer.parseInt(prompt.replaceAll("\\D", ""));
            int attempt = attemptsByQuestion.merge(question, 1, Integer::sum);
            return CompletableFuture.supplyAsync(
                () -> {
                  // Every third question fails twice with a transient error, then succeeds.
                  if (question % 3 == 0 && attempt <= 2) {
                    throw new ServerException("transient 503");
                  }
                  return ChatCompletion.of("{\"n\":" + n + "}", Usage.of(1, 1));
                },
                io);
          }

          @Override
          public void close() {}
        };
    RetryPolicy fast =
        RetryPolicy.builder()
            .initialBackoff(Duration.ofMillis(1))
            .maxBackoff(Duration.ofMillis(5))
            .maxRetries(5)
            .build();
    try (LlmClient client =
        LlmClients.builder()
            .backend(flaky)
            .settings(ProviderSettings.empty())
            .tracer(dev.llmclient.api.spi.Tracer.noop())
            .retryPolicy(fast)
            .build()) {
      List<CompletableFuture<LlmResponse<Map<String, Object>>>> futures = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        futures.add(
            client.generateAsync(LlmRequest.builder().addMessage(Message.user("q" + i)).build()));
      }
      CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);

      int attempts = futures.stream().mapToInt(f -> f.join().attempts()).sum();
      assertThat(attempts).isEqualTo(calls.get());
      assertThat(attempts).isEqualTo(200 + 2 * 67); // questions 0, 3, ..., 198 take three attempts
    } finally {
      io.shutdownNow();
    }
  }
}
