package dev.llmclient.testkit.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RateLimitTest {

  private static final String AZURE_CHAT =
      "/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21";
  private static final String BODY = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

  @Test
  void requestsPerMinuteAreEnforcedPerTenSecondSubWindowLikeAzure() {
    MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
    try (LlmSimulator sim =
        LlmSimulator.builder()
            .deployment(Deployment.of("gpt-4o").withRequestsPerMinute(12))
            .clock(clock)
            .retryAfterMs(true)
            .start()) {
      SimHttp http = new SimHttp(sim);
      // 12 RPM over 10 s windows admits 2 requests per window
      SimHttp.Response first = http.post(AZURE_CHAT, BODY);
      SimHttp.Response second = http.post(AZURE_CHAT, BODY);
      clock.advance(Duration.ofMillis(2500));
      SimHttp.Response third = http.post(AZURE_CHAT, BODY);

      assertThat(first.status()).isEqualTo(200);
      assertThat(first.header("x-ratelimit-remaining-requests")).isEqualTo("1");
      assertThat(second.header("x-ratelimit-remaining-requests")).isEqualTo("0");
      assertThat(third.status()).isEqualTo(429);
      assertThat(third.json().path("error").path("code").asText()).isEqualTo("429");
      assertThat(third.json().path("error").path("message").asText())
          .contains("ChatCompletions_Create")
          .contains("2024-10-21")
          .contains("Please retry after 8 seconds");
      assertThat(third.header("retry-after")).isEqualTo("8");
      assertThat(third.header("retry-after-ms")).isEqualTo("7500");
      assertThat(sim.counters().rateLimited()).isEqualTo(1);

      clock.advance(Duration.ofMillis(7500));
      assertThat(http.post(AZURE_CHAT, BODY).status()).isEqualTo(200);
    }
  }

  @Test
  void tokensPerMinuteCountThePromptAndTheRequestedOutput() {
    MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
    try (LlmSimulator sim =
        LlmSimulator.builder()
            .deployment(Deployment.of("gpt-4o").withTokensPerMinute(600))
            .clock(clock)
            .start()) {
      SimHttp http = new SimHttp(sim);
      // 600 TPM over 10 s windows = 100 tokens per window; each call asks for 60 output tokens
      String body = "{\"max_tokens\":60,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
      SimHttp.Response first = http.post(AZURE_CHAT, body);
      SimHttp.Response second = http.post(AZURE_CHAT, body);

      assertThat(first.status()).isEqualTo(200);
      long remaining = Long.parseLong(first.header("x-ratelimit-remaining-tokens"));
      int prompt = first.json().path("usage").path("prompt_tokens").asInt();
      assertThat(remaining).isEqualTo(100 - prompt - 60);
      assertThat(second.status()).isEqualTo(429);
      assertThat(second.json().path("error").path("message").asText()).contains("token rate limit");
      assertThat(second.header("retry-after-ms")).isNull();
    }
  }

  @Test
  void openAiStyleQuotaErrorsUseTheOpenAiBodyAndLimitHeaders() {
    MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
    try (LlmSimulator sim =
        LlmSimulator.builder()
            .deployment(Deployment.of("gpt-4o").withRequestsPerMinute(6))
            .clock(clock)
            .start()) {
      SimHttp http = new SimHttp(sim);
      SimHttp.Response ok = http.post("/v1/chat/completions", SimHttp.chat("gpt-4o", "hi"));
      SimHttp.Response limited = http.post("/v1/chat/completions", SimHttp.chat("gpt-4o", "hi"));

      assertThat(ok.header("x-ratelimit-limit-requests")).isEqualTo("6");
      assertThat(ok.header("x-ratelimit-reset-requests")).isEqualTo("10s");
      assertThat(limited.status()).isEqualTo(429);
      assertThat(limited.json().path("error").path("code").asText())
          .isEqualTo("rate_limit_exceeded");
      assertThat(limited.json().path("error").path("type").asText()).isEqualTo("requests");
    }
  }

  @Test
  void quotasArePerDeployment() {
    MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
    try (LlmSimulator sim =
        LlmSimulator.builder().requestsPerMinute(6).deployment("a", "b").clock(clock).start()) {
      SimHttp http = new SimHttp(sim);
      assertThat(http.post("/v1/chat/completions", SimHttp.chat("a", "hi")).status())
          .isEqualTo(200);
      assertThat(http.post("/v1/chat/completions", SimHttp.chat("b", "hi")).status())
          .isEqualTo(200);
      assertThat(http.post("/v1/chat/completions", SimHttp.chat("a", "hi")).status())
          .isEqualTo(429);
    }
  }

  @Test
  void embeddingInputTokensCountAgainstTheDeploymentsTokenQuota() {
    MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
    try (LlmSimulator sim =
        LlmSimulator.builder()
            .deployment(
                Deployment.of("emb").withModel("text-embedding-3-small").withTokensPerMinute(600))
            .clock(clock)
            .start()) {
      SimHttp http = new SimHttp(sim);
      String path = "/openai/deployments/emb/embeddings?api-version=2024-10-21";
      // 600 TPM over 10 s windows = 100 tokens per window; 240 characters are 60 tokens
      String body = "{\"input\":\"" + "a".repeat(240) + "\"}";

      SimHttp.Response first = http.post(path, body);
      SimHttp.Response second = http.post(path, body);

      assertThat(first.status()).isEqualTo(200);
      assertThat(first.json().path("usage").path("prompt_tokens").asInt()).isEqualTo(60);
      assertThat(first.header("x-ratelimit-remaining-tokens")).isEqualTo("40");
      assertThat(second.status()).isEqualTo(429);
      assertThat(second.json().path("error").path("code").asText()).isEqualTo("429");
      assertThat(second.json().path("error").path("message").asText())
          .startsWith(
              "Requests to the embeddings_create Operation under Azure OpenAI API version"
                  + " 2024-10-21 have exceeded token rate limit")
          .contains("Please retry after 10 seconds");
      assertThat(second.header("retry-after")).isEqualTo("10");
      assertThat(sim.counters().rateLimited()).isEqualTo(1);
    }
  }
}
