package dev.llmclient.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmclient.api.InvalidResponseException;
import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmRequest;
import dev.llmclient.api.LlmResponse;
import dev.llmclient.api.Message;
import dev.llmclient.api.ModelSize;
import dev.llmclient.api.Usage;
import dev.llmclient.api.spi.BackendInfo;
import dev.llmclient.api.spi.ChatCompletionRequest;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.api.spi.ResponseCache;
import dev.llmclient.api.spi.ResponseFormat;
import dev.llmclient.api.spi.Tracer;
import dev.llmclient.core.internal.runtime.CacheKey;
import dev.llmclient.testkit.ScriptedChatBackend;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class CacheTest {

  record Person(String name, int birthYear) {}

  static final class MapCache implements ResponseCache {
    final Map<String, String> entries = new ConcurrentHashMap<>();

    @Override
    public @Nullable String get(String key) {
      return entries.get(key);
    }

    @Override
    public void put(String key, String value) {
      entries.put(key, value);
    }
  }

  private final ScriptedChatBackend backend = new ScriptedChatBackend();
  private final MapCache cache = new MapCache();
  private final RecordingTracer tracer = new RecordingTracer();

  private LlmClients.Builder builder() {
    return LlmClients.builder()
        .backend(backend)
        .settings(ProviderSettings.empty())
        .tracer(tracer)
        .cache(cache);
  }

  private static LlmRequest<Person> person() {
    return LlmRequest.builder()
        .addMessage(Message.user("Ada, 1815"))
        .responseType(Person.class)
        .promptName("p")
        .build();
  }

  @Test
  void aRepeatedRequestIsAnsweredFromTheCacheWithoutACall() {
    backend.enqueueContent("{\"name\":\"Ada\",\"birthYear\":1815}");
    TokenUsageTracker tracker = new TokenUsageTracker();
    LlmClient client = builder().tokenUsageTracker(tracker).build();

    LlmResponse<Person> first = client.generate(person());
    LlmResponse<Person> second = client.generate(person());

    assertThat(backend.requests()).hasSize(1);
    assertThat(first.cacheHit()).isFalse();
    assertThat(second.cacheHit()).isTrue();
    assertThat(second.attempts()).isZero();
    assertThat(second.usage()).isEqualTo(Usage.ZERO);
    assertThat(second.value()).isEqualTo(new Person("Ada", 1815));
    assertThat(second.json()).containsEntry("name", "Ada");
    assertThat(tracker.usage("p").callCount()).isEqualTo(1);
    assertThat(tracer.spans.get(1).attributes)
        .containsEntry("cache.hit", true)
        .containsEntry("cache.enabled", true)
        .containsEntry("llmclient.attempts", 0L);
    assertThat(tracer.spans.get(0).attributes).containsEntry("cache.hit", false);
  }

  @Test
  void onlyValidAnswersAreWritten() {
    backend.enqueueContent("nope").enqueueContent("nope").enqueueContent("nope");

    assertThatThrownBy(() -> builder().build().generate(person()))
        .isInstanceOf(InvalidResponseException.class);
    assertThat(cache.entries).isEmpty();
  }

  @Test
  void aCacheThatThrowsIsAMissAndNeverFailsTheCall() {
    ResponseCache broken =
        new ResponseCache() {
          @Override
          public @Nullable String get(String key) {
            throw new IllegalStateException("disk gone");
          }

          @Override
          public void put(String key, String value) {
            throw new IllegalStateException("disk gone");
          }
        };
    backend.enqueueContent("{\"name\":\"Ada\",\"birthYear\":1815}");

    LlmResponse<Person> r = builder().cache(broken).build().generate(person());

    assertThat(r.value().name()).isEqualTo("Ada");
  }

  @Test
  void aCorruptEntryIsAMiss() {
    LlmClient client = builder().build();
    backend.enqueueContent("{\"name\":\"Ada\",\"birthYear\":1815}");
    client.generate(person());
    cache.entries.replaceAll((k, v) -> "{corrupt");
    backend.enqueueContent("{\"name\":\"Ada\",\"birthYear\":1815}");

    assertThat(client.generate(person()).cacheHit()).isFalse();
    assertThat(backend.requests()).hasSize(2);
  }

  @Test
  void theBuiltInCacheWorksWhenEnabled() {
    backend.enqueueContent("{\"a\":1}");
    LlmClient client =
        LlmClients.builder()
            .backend(backend)
            .settings(ProviderSettings.empty())
            .tracer(Tracer.noop())
            .enableCache()
            .build();

    client.generateResponse(List.of(Message.user("q")));
    Map<String, Object> again = client.generateResponse(List.of(Message.user("q")));

    assertThat(again).containsEntry("a", 1);
    assertThat(backend.requests()).hasSize(1);
  }

  // ---- the key (Graphiti defect 9: it ignored size, max tokens, temperature) -----------------

  private static ChatCompletionRequest request(
      String model, Double temperature, Integer maxTokens, String effort) {
    return new ChatCompletionRequest(
        model,
        List.of(Message.system("s"), Message.user("q")),
        temperature,
        maxTokens,
        ResponseFormat.jsonObject(),
        effort,
        null,
        null,
        Map.of());
  }

  @Test
  void theKeyIsSha256HexAndStable() {
    String key = CacheKey.of("azure", null, request("m", 0.5, 100, null));

    assertThat(key).matches("[0-9a-f]{64}");
    assertThat(CacheKey.of("azure", null, request("m", 0.5, 100, null))).isEqualTo(key);
  }

  @Test
  void theKeyChangesWithEveryGenerationSetting() {
    String base = CacheKey.of("azure", null, request("m", 0.5, 100, null));

    assertThat(CacheKey.of("openai", null, request("m", 0.5, 100, null))).isNotEqualTo(base);
    assertThat(CacheKey.of("azure", URI.create("https://a"), request("m", 0.5, 100, null)))
        .isNotEqualTo(base);
    assertThat(CacheKey.of("azure", null, request("m2", 0.5, 100, null))).isNotEqualTo(base);
    assertThat(CacheKey.of("azure", null, request("m", 0.7, 100, null))).isNotEqualTo(base);
    assertThat(CacheKey.of("azure", null, request("m", null, 100, null))).isNotEqualTo(base);
    assertThat(CacheKey.of("azure", null, request("m", 0.5, 101, null))).isNotEqualTo(base);
    assertThat(CacheKey.of("azure", null, request("m", 0.5, 100, "low"))).isNotEqualTo(base);
    ChatCompletionRequest schema =
        new ChatCompletionRequest(
            "m",
            List.of(Message.system("s"), Message.user("q")),
            0.5,
            100,
            ResponseFormat.jsonSchema("X", "{}", true),
            null,
            null,
            null,
            Map.of());
    assertThat(CacheKey.of("azure", null, schema)).isNotEqualTo(base);
  }

  @Test
  void messageBoundariesCannotCollide() {
    ChatCompletionRequest a =
        ChatCompletionRequest.of("m", List.of(Message.user("ab"), Message.user("c")));
    ChatCompletionRequest b =
        ChatCompletionRequest.of("m", List.of(Message.user("a"), Message.user("bc")));
    ChatCompletionRequest c = ChatCompletionRequest.of("m", List.of(Message.system("ab")));
    ChatCompletionRequest d = ChatCompletionRequest.of("m", List.of(Message.user("ab")));

    assertThat(CacheKey.of("p", null, a)).isNotEqualTo(CacheKey.of("p", null, b));
    assertThat(CacheKey.of("p", null, c)).isNotEqualTo(CacheKey.of("p", null, d));
  }

  @Test
  void smallAndMediumCallsMaxTokensAndTemperatureGetSeparateEntries() {
    backend.info(new BackendInfo("azure", "azure.ai.openai", null, "prod-chat", "prod-mini"));
    backend.whenEmpty(r -> dev.llmclient.api.spi.ChatCompletion.of("{\"v\":1}", Usage.of(1, 1)));
    LlmClient client = builder().build();
    LlmRequest<Map<String, Object>> base =
        LlmRequest.builder().addMessage(Message.user("q")).build();

    client.generate(base);
    client.generate(base.toBuilder().modelSize(ModelSize.SMALL).build());
    client.generate(base.toBuilder().maxTokens(77).build());
    client.generate(base.toBuilder().temperature(0.3).build());
    client.generate(base);

    assertThat(backend.requests()).hasSize(4);
    assertThat(cache.entries).hasSize(4);
  }
}
