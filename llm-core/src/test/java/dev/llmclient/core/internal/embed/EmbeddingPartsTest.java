package dev.llmclient.core.internal.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.llmclient.api.EmbedderClient;
import dev.llmclient.api.EmbeddingBatchException;
import dev.llmclient.api.ErrorContext;
import dev.llmclient.api.InvalidRequestException;
import dev.llmclient.api.LlmTimeoutException;
import dev.llmclient.api.RateLimitException;
import dev.llmclient.api.ServerException;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.api.spi.Tracer;
import dev.llmclient.core.EmbedderConfig;
import dev.llmclient.core.LlmClients;
import dev.llmclient.core.RetryPolicy;
import dev.llmclient.core.internal.runtime.AsyncLimiter;
import dev.llmclient.core.internal.runtime.TransportRetries;
import dev.llmclient.testkit.ScriptedEmbeddingBackend;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The pieces under the embedder: planning, vectors, the limiter and the retry decision. */
class EmbeddingPartsTest {

  @Test
  void planningKeepsOrderAndRespectsBothLimits() {
    List<String> texts = List.of("aaaa", "bbbb", "cccc", "dddd", "eeee");
    EmbedderConfig config =
        EmbedderConfig.builder().maxInputsPerRequest(2).maxTokensPerRequest(100).build();

    List<int[]> parts = EmbeddingBatches.plan(texts, List.of(0, 2, 3, 4), config);

    assertThat(parts).hasSize(2);
    assertThat(parts.get(0)).containsExactly(0, 2);
    assertThat(parts.get(1)).containsExactly(3, 4);
    assertThat(EmbeddingBatches.plan(texts, List.of(), config)).isEmpty();
  }

  @Test
  void truncationRenormalisesToUnitLengthAndKeepsDirection() {
    float[] v = {3f, 4f, 12f};

    float[] t = EmbeddingVectors.truncateAndNormalise(v, 2);

    assertThat(t).containsExactly(0.6f, 0.8f);
    assertThat(EmbeddingVectors.norm(t)).isCloseTo(1.0, within(1e-6));
    assertThat(EmbeddingVectors.truncateAndNormalise(new float[] {0f, 0f, 1f}, 2))
        .containsExactly(0f, 0f);
  }

  @Test
  void cachedVectorsRoundTripAndForeignValuesAreMisses() {
    float[] v = ScriptedEmbeddingBackend.vectorOf("x", 16);

    String encoded = EmbeddingVectors.encode(v);

    assertThat(EmbeddingVectors.decode(encoded, 16)).containsExactly(v);
    assertThat(EmbeddingVectors.decode(encoded, null)).containsExactly(v);
    assertThat(EmbeddingVectors.decode(encoded, 8)).isNull();
    assertThat(EmbeddingVectors.decode("{\"answer\":42}", null)).isNull();
    assertThat(EmbeddingVectors.decode("{\"embedding\":\"!!\"}", null)).isNull();
  }

  @Test
  void theLimiterRunsQueuedTasksInOrderAsPermitsComeBack() {
    AsyncLimiter limiter = new AsyncLimiter(2);
    List<Integer> ran = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      int n = i;
      limiter.submit(() -> ran.add(n));
    }
    assertThat(ran).containsExactly(0, 1);
    assertThat(limiter.inUse()).isEqualTo(2);

    limiter.release();
    assertThat(ran).containsExactly(0, 1, 2);
    limiter.release();
    limiter.release();
    limiter.release();
    limiter.release();
    assertThat(ran).containsExactly(0, 1, 2, 3, 4);
    assertThat(limiter.inUse()).isZero();
  }

  @Test
  void aSynchronousBackendWithThousandsOfRequestsDoesNotGrowTheStack() {
    List<String> texts = IntStream.range(0, 20_000).mapToObj(i -> "t" + i).toList();
    ScriptedEmbeddingBackend backend = new ScriptedEmbeddingBackend();
    try (EmbedderClient embedder =
        LlmClients.embedder()
            .backend(backend)
            .settings(ProviderSettings.empty())
            .tracer(Tracer.noop())
            .config(
                EmbedderConfig.builder()
                    .dimensions(4)
                    .maxInputsPerRequest(1)
                    .maxConcurrentRequests(1)
                    .build())
            .build()) {
      List<float[]> vectors = embedder.createBatch(texts);

      assertThat(vectors).hasSize(20_000);
      assertThat(vectors.get(19_999))
          .containsExactly(ScriptedEmbeddingBackend.vectorOf("t19999", 4));
    }
    assertThat(backend.requests()).hasSize(20_000);
  }

  @Test
  void theBatchFailureNamesScatteredInputsAndKeepsTheCausesContext() {
    ServerException cause =
        new ServerException("down", new ErrorContext("azure", 503, "r-9"), null);
    List<Integer> scattered = IntStream.range(0, 12).map(i -> i * 3).boxed().toList();

    EmbeddingBatchException e = new EmbeddingBatchException(scattered, 40, cause);

    assertThat(e)
        .hasMessageStartingWith(
            "Embedding 12 inputs between 0 and 33 (indexes 0, 3, 6, 9, 12, 15, 18, 21, 24, 27,"
                + " ...) of a batch of 40 failed, so no vector is returned: down")
        .hasMessageEndingWith("[provider=azure, status=503, request-id=r-9]");
    assertThat(e.requestId()).isEqualTo("r-9");
    assertThat(new EmbeddingBatchException(List.of(7), 8, cause))
        .hasMessageStartingWith("Embedding input 7 of a batch of 8 failed");
  }

  @Test
  void theRetryDecisionHonoursRetryAfterTheCapAndTheDeadline() {
    RetryPolicy policy =
        RetryPolicy.builder().maxRetries(2).maxRetryAfter(Duration.ofSeconds(10)).build();
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    Instant deadline = now.plusSeconds(60);
    RateLimitException wait3 =
        new RateLimitException("429", ErrorContext.provider("x"), Duration.ofSeconds(3), null);
    RateLimitException wait30 =
        new RateLimitException("429", ErrorContext.provider("x"), Duration.ofSeconds(30), null);

    assertThat(TransportRetries.decide(policy, wait3, 0, now, deadline, 0.0))
        .isEqualTo(new TransportRetries.Retry(Duration.ofSeconds(3)));
    assertThat(TransportRetries.decide(policy, wait30, 0, now, deadline, 0.0))
        .isEqualTo(new TransportRetries.GiveUp(wait30));
    assertThat(TransportRetries.decide(policy, wait3, 2, now, deadline, 0.0))
        .isEqualTo(new TransportRetries.GiveUp(wait3));
    ServerException boom = new ServerException("503");
    assertThat(TransportRetries.decide(policy, boom, 1, now, deadline, 0.0))
        .isEqualTo(new TransportRetries.Retry(Duration.ofSeconds(1)));
    InvalidRequestException bad = new InvalidRequestException("400");
    assertThat(TransportRetries.decide(policy, bad, 0, now, deadline, 0.0))
        .isEqualTo(new TransportRetries.GiveUp(bad));
    assertThat(TransportRetries.decide(policy, wait3, 0, now, now.plusSeconds(2), 0.0))
        .isInstanceOfSatisfying(
            TransportRetries.GiveUp.class,
            g -> assertThat(g.error()).isInstanceOf(LlmTimeoutException.class).hasCause(wait3));
  }
}
