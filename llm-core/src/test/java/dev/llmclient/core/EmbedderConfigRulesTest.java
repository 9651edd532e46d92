package dev.llmclient.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * The embedder configuration's rules: each limit's range and the setting it names when refused,
 * blank values taken as unset, the token estimate, and a key that never shows.
 */
class EmbedderConfigRulesTest {

  @Test
  void eachLimitOutsideItsRangeIsRefusedNamingItsSetting() {
    assertThatThrownBy(() -> EmbedderConfig.builder().maxTokensPerRequest(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "maxTokensPerRequest (EMBEDDING_MAX_TOKENS_PER_REQUEST) must be positive, got 0");
    assertThatThrownBy(() -> EmbedderConfig.builder().maxConcurrentRequests(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxConcurrentRequests (EMBEDDING_CONCURRENCY) must be 1 to 256, got 0");
    assertThatThrownBy(() -> EmbedderConfig.builder().maxConcurrentRequests(257).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxConcurrentRequests (EMBEDDING_CONCURRENCY) must be 1 to 256, got 257");
    assertThatThrownBy(() -> EmbedderConfig.builder().maxQueuedRequests(-1).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "maxQueuedRequests (EMBEDDING_MAX_QUEUED_REQUESTS) must be 0 to 1000000, got -1");
    assertThatThrownBy(() -> EmbedderConfig.builder().maxQueuedRequests(1_000_001).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("got 1000001");
    for (double bad : new double[] {0.0, -1.0, Double.NaN, Double.POSITIVE_INFINITY}) {
      assertThatThrownBy(() -> EmbedderConfig.builder().charsPerToken(bad).build())
          .as("charsPerToken %s", bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("charsPerToken must be a positive number, got " + bad);
    }
  }

  @Test
  void theEdgesOfEachRangeAreKept() {
    EmbedderConfig c =
        EmbedderConfig.builder()
            .maxTokensPerRequest(1)
            .maxConcurrentRequests(256)
            .maxQueuedRequests(0)
            .charsPerToken(2.5)
            .build();

    assertThat(c.maxTokensPerRequest()).isEqualTo(1);
    assertThat(c.maxConcurrentRequests()).isEqualTo(256);
    assertThat(c.maxQueuedRequests()).isZero();
    assertThat(c.charsPerToken()).isEqualTo(2.5);
    assertThat(c.estimateTokens("abcde")).isEqualTo(2);
    assertThat(c.estimateTokens("")).isEqualTo(1);
  }

  @Test
  void blankValuesAreUnsetAndOthersAreTrimmed() {
    EmbedderConfig blank = EmbedderConfig.builder().apiKey("  ").baseUrl("").model(" \t").build();
    assertThat(blank.apiKey()).isEmpty();
    assertThat(blank.baseUrl()).isEmpty();
    assertThat(blank.model()).isEmpty();

    EmbedderConfig set =
        EmbedderConfig.builder()
            .apiKey(" sk-secret ")
            .baseUrl(" http://127.0.0.1:9/v1 ")
            .model(" text-embedding-3-small ")
            .dimensionsParameter("text-embedding-3-small", false)
            .build();
    assertThat(set.apiKey()).contains("sk-secret");
    assertThat(set.baseUrl()).contains("http://127.0.0.1:9/v1");
    assertThat(set.model()).contains("text-embedding-3-small");
    assertThat(set.dimensionsParameters()).containsEntry("text-embedding-3-small", false);
  }

  @Test
  void theDescriptionShowsEverySettingButNeverTheKey() {
    String shown = EmbedderConfig.builder().apiKey("sk-secret").model("m").build().toString();

    assertThat(shown).contains("apiKey=****").contains("model=m").doesNotContain("sk-secret");
    assertThat(EmbedderConfig.builder().build().toString()).contains("apiKey=null");
  }
}
