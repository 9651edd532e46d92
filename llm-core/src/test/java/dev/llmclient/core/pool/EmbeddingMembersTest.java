package dev.llmclient.core.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmclient.api.ErrorContext;
import dev.llmclient.api.LlmConfigurationException;
import dev.llmclient.api.Message;
import dev.llmclient.api.RateLimitException;
import dev.llmclient.api.Usage;
import dev.llmclient.api.spi.BackendInfo;
import dev.llmclient.api.spi.ChatCompletionRequest;
import dev.llmclient.api.spi.EmbeddingBackend;
import dev.llmclient.api.spi.EmbeddingRequest;
import dev.llmclient.api.spi.EmbeddingResult;
import dev.llmclient.api.spi.ResponseFormat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Chat and embedding members in one pool: each kind of call goes to its own kind of member. */
class EmbeddingMembersTest {

  /** An embedding deployment that answers one vector per input, or fails as told. */
  static final class FakeEmbeddings implements EmbeddingBackend {
    final List<EmbeddingRequest> requests = new ArrayList<>();
    private final BackendInfo info;
    private final RuntimeException failure;
    boolean closed;

    FakeEmbeddings(String deployment, RuntimeException failure) {
      this.info = new BackendInfo("azure", "azure.ai.openai", null, deployment, null);
      this.failure = failure;
    }

    @Override
    public BackendInfo info() {
      return info;
    }

    @Override
    public synchronized CompletableFuture<EmbeddingResult> embed(EmbeddingRequest request) {
      requests.add(request);
      if (failure != null) {
        return CompletableFuture.failedFuture(failure);
      }
      List<float[]> vectors = new ArrayList<>();
      request.inputs().forEach(i -> vectors.add(new float[] {1f, 0f}));
      return CompletableFuture.completedFuture(
          new EmbeddingResult(vectors, Usage.of(3, 0), request.model(), "req-" + request.model()));
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  private static EmbeddingRequest embedding(String model) {
    return new EmbeddingRequest(model, List.of("a", "b"), null, Map.of());
  }

  private static ChatCompletionRequest chat() {
    return new ChatCompletionRequest(
        "gpt-4o",
        List.of(Message.user("hi")),
        null,
        null,
        ResponseFormat.text(),
        null,
        null,
        null,
        Map.of());
  }

  @Test
  void chatGoesToChatMembersAndEmbeddingsToEmbeddingMembersEachUnderItsOwnDeployment()
      throws Exception {
    FakeMember chat = new FakeMember("chat");
    FakeEmbeddings east =
        new FakeEmbeddings(
            "embed-east",
            new RateLimitException(
                "429 from east", ErrorContext.NONE, Duration.ofSeconds(30), null));
    FakeEmbeddings west = new FakeEmbeddings("embed-west", null);
    BudgetStore store = BudgetStore.inProcess();
    try (DeploymentPool pool =
        DeploymentPool.builder()
            .member("chat", chat)
            .member(DeploymentMember.builder("east", east).build())
            .member(DeploymentMember.builder("west", west).tokensPerMinute(60_000).build())
            .budgetStore(store)
            .build()) {
      EmbeddingBackend embeddings = pool.embeddings();
      assertThat(embeddings.info().defaultModel()).isEqualTo("embed-east");

      for (int i = 0; i < 3; i++) {
        assertThat(embeddings.embed(embedding("embed-east")).get().vectors()).hasSize(2);
        assertThat(pool.complete(chat()).get().servedBy()).isEqualTo("chat");
      }

      // east refused once and cooled down; west answered every call, as its own deployment
      assertThat(east.requests).hasSize(1);
      assertThat(west.requests).hasSize(3).allMatch(r -> r.model().equals("embed-west"));
      assertThat(chat.calls()).isEqualTo(3);
      DeploymentStats eastStats = pool.stats().get(1);
      assertThat(eastStats.rateLimited()).isEqualTo(1);
      assertThat(eastStats.coolingUntil()).isNotNull();
      assertThat(store.limits("west" + DeploymentMember.EMBEDDING_BUDGET_SUFFIX).tokensPerMinute())
          .isEqualTo(60_000);
    }
    assertThat(east.closed).isTrue();
    assertThat(west.closed).isTrue();
  }

  @Test
  void aPoolWithoutMembersOfAKindSaysSoInsteadOfRouting() throws Exception {
    try (DeploymentPool chatOnly =
        DeploymentPool.builder().member("chat", new FakeMember("chat")).build()) {
      assertThatThrownBy(chatOnly::embeddings)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("no embedding member");
    }
    FakeEmbeddings only = new FakeEmbeddings("embed", null);
    try (DeploymentPool embeddingOnly =
        DeploymentPool.builder().member(DeploymentMember.builder("e", only).build()).build()) {
      assertThatThrownBy(() -> embeddingOnly.complete(chat()).join())
          .hasCauseInstanceOf(LlmConfigurationException.class)
          .hasMessageContaining("embedding members only");
      assertThatThrownBy(() -> DeploymentMember.builder("e", only).build().backend())
          .isInstanceOf(IllegalStateException.class);
    }
  }
}
