package dev.llmclient.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmclient.api.Message;
import dev.llmclient.api.RateLimitException;
import dev.llmclient.api.spi.ChatCompletionRequest;
import dev.llmclient.api.spi.LlmProvider;
import dev.llmclient.api.spi.ProviderSettings;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class ScriptedChatBackendTest {

  private final ChatCompletionRequest request =
      ChatCompletionRequest.of("m", List.of(Message.user("hi")));

  @Test
  void answersScriptedStepsInOrderAndRecordsEveryRequest() {
    ScriptedChatBackend backend =
        new ScriptedChatBackend()
            .enqueueFailure(new RateLimitException("slow down"))
            .enqueueContent("{\"ok\":true}");

    assertThatThrownBy(() -> backend.complete(request).join())
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(RateLimitException.class);
    assertThat(backend.complete(request).join().content()).isEqualTo("{\"ok\":true}");
    assertThat(backend.requests()).containsExactly(request, request);
    assertThat(backend.remaining()).isZero();
  }

  @Test
  void anUnscriptedCallFailsTheTestInsteadOfPassingSilently() {
    ScriptedChatBackend backend = new ScriptedChatBackend();

    assertThatThrownBy(() -> backend.complete(request).join())
        .hasCauseInstanceOf(AssertionError.class)
        .hasMessageContaining("no reply left");
  }

  @Test
  void aClosedBackendRejectsCalls() {
    ScriptedChatBackend backend = new ScriptedChatBackend().enqueueContent("{}");
    backend.close();

    assertThatThrownBy(() -> backend.complete(request).join()).hasMessageContaining("closed");
    assertThat(backend.requests()).isEmpty();
  }

  @Test
  void theFakeProviderIsFoundByServiceLoaderAndAnswersFromTheSharedScript() {
    LlmProvider provider =
        ServiceLoader.load(LlmProvider.class).stream()
            .map(ServiceLoader.Provider::get)
            .filter(p -> p.id().equals("fake"))
            .findFirst()
            .orElseThrow();
    FakeLlmProvider.script().reset().enqueueContent("{\"a\":1}");

    var backend = provider.createChatBackend(ProviderSettings.empty());
    assertThat(backend.complete(request).join().content()).isEqualTo("{\"a\":1}");
    backend.close();

    assertThat(FakeLlmProvider.script().isClosed()).isFalse();
    assertThat(FakeLlmProvider.script().lastRequest()).isEqualTo(request);
    assertThat(provider.isConfigured(ProviderSettings.empty())).isTrue();
  }

  @Test
  void theFakeProviderEmbedsWithDeterministicVectorsFromTheSharedEmbeddingScript() {
    FakeLlmProvider.embeddingScript().reset();
    var backend = new FakeLlmProvider().createEmbeddingBackend(ProviderSettings.empty());

    var result =
        backend
            .embed(
                new dev.llmclient.api.spi.EmbeddingRequest(
                    "text-embedding-3-small", List.of("Ada", "Ada"), 8, java.util.Map.of()))
            .join();
    backend.close();

    assertThat(result.vectors()).hasSize(2);
    assertThat(result.vectors().get(0))
        .hasSize(8)
        .containsExactly(ScriptedEmbeddingBackend.vectorOf("Ada", 8));
    assertThat(FakeLlmProvider.embeddingScript().isClosed()).isFalse();
    assertThat(FakeLlmProvider.embeddingScript().requests()).hasSize(1);
  }
}
