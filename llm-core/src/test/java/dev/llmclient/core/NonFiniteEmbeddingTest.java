package dev.llmclient.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmclient.api.EmbedderClient;
import dev.llmclient.api.EmbeddingBatchException;
import dev.llmclient.api.InvalidResponseException;
import dev.llmclient.api.Usage;
import dev.llmclient.api.spi.EmbeddingResult;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.api.spi.Tracer;
import dev.llmclient.core.internal.embed.EmbeddingVectors;
import dev.llmclient.core.internal.runtime.CaffeineResponseCache;
import dev.llmclient.testkit.ScriptedEmbeddingBackend;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A vector holding NaN or an infinity is an invalid answer: never returned, never cached. */
class NonFiniteEmbeddingTest {

  private final ScriptedEmbeddingBackend backend = new ScriptedEmbeddingBackend();
  private final ManualScheduler scheduler = new ManualScheduler();
  private final CaffeineResponseCache cache = new CaffeineResponseCache(100, Duration.ofMinutes(1));

  private EmbedderClient client(EmbedderConfig config) {
    return LlmClients.embedder()
        .backend(backend)
        .settings(ProviderSettings.empty())
        .tracer(Tracer.noop())
        .cache(cache)
        .clock(scheduler.clock())
        .scheduler(scheduler)
        .random(() -> 0.0)
        .config(config)
        .build();
  }

  private void answerOnceWith(float bad) {
    backend.enqueue(
        r ->
            new EmbeddingResult(
                List.of(new float[] {0.6f, 0.8f, 0f}, new float[] {0.1f, bad, 0.2f}),
                Usage.of(2, 0),
                r.model(),
                "req-nan"));
  }

  @ParameterizedTest
  @ValueSource(floats = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY})
  void aNonFiniteValueFailsTheCallAsAnInvalidResponseAndNothingIsCached(float bad) {
    answerOnceWith(bad);
    try (EmbedderClient embedder = client(EmbedderConfig.getDefault())) {
      assertThatThrownBy(() -> embedder.createBatch(List.of("a", "b")))
          .isInstanceOf(EmbeddingBatchException.class)
          .hasMessageContaining(String.valueOf(bad))
          .hasMessageContaining("position 1")
          .cause()
          .isInstanceOf(InvalidResponseException.class);

      // neither vector of the broken reply was cached: both texts are asked for again
      List<float[]> again = embedder.createBatch(List.of("a", "b"));
      assertThat(backend.requests()).hasSize(2);
      assertThat(backend.lastRequest().inputs()).containsExactly("a", "b");
      assertThat(again.get(1)).containsExactly(ScriptedEmbeddingBackend.vectorOf("b", 1536));
    }
  }

  @Test
  void aSingleCreateFailsWithTheInvalidResponseItself() {
    backend.enqueue(
        r ->
            new EmbeddingResult(
                List.of(new float[] {Float.NaN, 1f}), Usage.of(1, 0), r.model(), "req-1"));
    try (EmbedderClient embedder = client(EmbedderConfig.getDefault())) {
      assertThatThrownBy(() -> embedder.createAsync("a").join())
          .isInstanceOf(CompletionException.class)
          .cause()
          .isInstanceOf(InvalidResponseException.class)
          .hasMessageContaining("NaN");
    }
  }

  @Test
  void anInfinityIsCaughtBeforeTruncationCouldTurnItIntoNaN() {
    backend.enqueue(
        r ->
            new EmbeddingResult(
                List.of(new float[] {Float.POSITIVE_INFINITY, 1f, 2f, 3f}),
                Usage.of(1, 0),
                r.model(),
                "req-inf"));
    EmbedderConfig truncating = EmbedderConfig.builder().model("custom").dimensions(2).build();
    try (EmbedderClient embedder = client(truncating)) {
      assertThatThrownBy(() -> embedder.create("a"))
          .isInstanceOf(InvalidResponseException.class)
          .hasMessageContaining("Infinity");
    }
  }

  @Test
  void aCachedVectorHoldingNaNIsAMiss() {
    float[] poisoned = {Float.NaN, 0.5f};
    assertThat(EmbeddingVectors.decode(EmbeddingVectors.encode(poisoned), null)).isNull();
    float[] fine = {0.5f, -0.5f};
    assertThat(EmbeddingVectors.decode(EmbeddingVectors.encode(fine), null)).containsExactly(fine);
  }
}
