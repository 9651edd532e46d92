package dev.llmclient.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmclient.api.EmptyResponseException;
import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmRequest;
import dev.llmclient.api.Message;
import dev.llmclient.api.Usage;
import dev.llmclient.api.spi.ChatCompletion;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.api.spi.RateLimitInfo;
import dev.llmclient.api.spi.ResponseCache;
import dev.llmclient.api.spi.Tracer;
import dev.llmclient.testkit.ScriptedChatBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * Online answers at their edges: a JSON answer left empty because max tokens ran out is final (a
 * re-ask would run out the same way), and a cached entry of the wrong shape for the request is a
 * miss that asks the model, never an answer.
 */
class AnswerEdgesTest {

  /** A cache that holds one entry under every key, and records what is put. */
  static final class OneEntryCache implements ResponseCache {
    final String entry;
    final List<String> puts = new ArrayList<>();

    OneEntryCache(String entry) {
      this.entry = entry;
    }

    @Override
    public @Nullable String get(String key) {
      return entry;
    }

    @Override
    public synchronized void put(String key, String value) {
      puts.add(value);
    }
  }

  final ScriptedChatBackend backend = new ScriptedChatBackend();

  LlmClients.Builder builder() {
    return LlmClients.builder()
        .backend(backend)
        .settings(ProviderSettings.empty())
        .tracer(Tracer.noop());
  }

  static LlmRequest<Map<String, Object>> json() {
    return LlmRequest.builder().addMessage(Message.user("Answer as JSON.")).maxTokens(64).build();
  }

  static LlmRequest<String> text() {
    return LlmRequest.builder()
        .addMessage(Message.user("Answer in words."))
        .responseType(String.class)
        .build();
  }

  @Test
  void aJsonAnswerLeftEmptyAtMaxTokensFailsAtOnceNamingTheCap() {
    backend.enqueue(
        new ChatCompletion(
            "", null, "length", Usage.of(10, 64), null, null, "req-9", RateLimitInfo.NONE));
    try (LlmClient llm = builder().build()) {
      assertThatThrownBy(() -> llm.generate(json()))
          .isInstanceOf(EmptyResponseException.class)
          .hasMessageContaining("reached max tokens (64)")
          .hasMessageContaining("raise maxTokens on the request or in LlmConfig")
          .satisfies(e -> assertThat(((EmptyResponseException) e).requestId()).isEqualTo("req-9"));
    }
    assertThat(backend.requests()).hasSize(1);
  }

  @Test
  void aCachedTextIsAMissForAJsonRequest() {
    OneEntryCache cache = new OneEntryCache("\"a cached text answer\"");
    backend.enqueueContent("{\"fresh\":true}");
    try (LlmClient llm = builder().cache(cache).build()) {
      assertThat(llm.generate(json()).value()).containsEntry("fresh", true);
    }
    assertThat(backend.requests()).hasSize(1);
    assertThat(cache.puts).containsExactly("{\"fresh\":true}");
  }

  @Test
  void aCachedObjectIsAMissForATextRequest() {
    OneEntryCache cache = new OneEntryCache("{\"cached\":true}");
    backend.enqueueContent("fresh words");
    try (LlmClient llm = builder().cache(cache).build()) {
      assertThat(llm.generate(text()).value()).isEqualTo("fresh words");
    }
    assertThat(backend.requests()).hasSize(1);
  }

  @Test
  void aCachedEntryThatIsNotJsonIsAMiss() {
    OneEntryCache cache = new OneEntryCache("{truncated");
    backend.enqueueContent("{\"fresh\":1}");
    try (LlmClient llm = builder().cache(cache).build()) {
      assertThat(llm.generate(json()).value()).containsEntry("fresh", 1);
    }
    assertThat(backend.requests()).hasSize(1);
  }
}
