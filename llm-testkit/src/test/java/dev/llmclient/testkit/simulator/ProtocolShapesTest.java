package dev.llmclient.testkit.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The 403 and 409 faults, the 429 retry-header options and the embeddings dimensions rule. */
class ProtocolShapesTest {

  private static final String OPENAI_CHAT = "/v1/chat/completions";
  private static final String AZURE_CHAT =
      "/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21";
  private static final String AZURE_V1_CHAT = "/openai/v1/chat/completions";
  private static final String AZURE_BODY =
      "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

  private static JsonNode json(String text) {
    try {
      return SimHttp.MAPPER.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void forbiddenFaultAnswersAzuresNetworkRuleDenialAndOpenAisRegionDenial() {
    try (LlmSimulator sim = LlmSimulator.builder().fault(Fault.status(403)).start()) {
      SimHttp http = new SimHttp(sim);

      SimHttp.Response azure = http.post(AZURE_CHAT, AZURE_BODY);
      SimHttp.Response azureV1 = http.post(AZURE_V1_CHAT, SimHttp.chat("gpt-4o", "hi"));
      SimHttp.Response openAi = http.post(OPENAI_CHAT, SimHttp.chat("gpt-4o", "hi"));

      JsonNode azureBody =
          json(
              "{\"error\":{\"code\":\"403\",\"message\":\"Access denied due to Virtual"
                  + " Network/Firewall rules.\"}}");
      assertThat(azure.status()).isEqualTo(403);
      assertThat(azure.json()).isEqualTo(azureBody);
      assertThat(azure.header("policy-id")).isEqualTo("ThrowExceptionDueToTrafficDenied");
      assertThat(azure.header("content-type")).isEqualTo("application/json");
      assertThat(azure.header("apim-request-id")).isNotBlank();
      assertThat(azureV1.status()).isEqualTo(403);
      assertThat(azureV1.json()).isEqualTo(azureBody);
      assertThat(openAi.status()).isEqualTo(403);
      assertThat(openAi.json())
          .isEqualTo(
              json(
                  "{\"error\":{\"message\":\"Country, region, or territory not supported\","
                      + "\"type\":\"request_forbidden\",\"param\":null,"
                      + "\"code\":\"unsupported_country_region_territory\"}}"));
      assertThat(openAi.header("policy-id")).isNull();
      assertThat(sim.counters().faults(Fault.Kind.FORBIDDEN_403)).isEqualTo(3);
      assertThat(sim.counters().responses(403)).isEqualTo(3);
    }
  }

  @Test
  void conflictFaultAnswers409InEachServicesEnvelope() {
    try (LlmSimulator sim =
        LlmSimulator.builder().fault(Fault.of(Fault.Kind.CONFLICT_409).times(2)).start()) {
      SimHttp http = new SimHttp(sim);

      SimHttp.Response azure = http.post(AZURE_CHAT, AZURE_BODY);
      SimHttp.Response openAi = http.post("/v1/embeddings", "{\"model\":\"e\",\"input\":\"x\"}");
      SimHttp.Response third = http.post(OPENAI_CHAT, SimHttp.chat("gpt-4o", "hi"));

      String message =
          "The request conflicts with another request in progress for this resource. Retry it.";
      assertThat(azure.status()).isEqualTo(409);
      assertThat(azure.json())
          .isEqualTo(json("{\"error\":{\"code\":\"Conflict\",\"message\":\"" + message + "\"}}"));
      assertThat(openAi.status()).isEqualTo(409);
      assertThat(openAi.json())
          .isEqualTo(
              json(
                  "{\"error\":{\"message\":\""
                      + message
                      + "\",\"type\":\"invalid_request_error\",\"param\":null,"
                      + "\"code\":\"conflict\"}}"));
      assertThat(third.status()).isEqualTo(200);
      assertThat(Fault.status(409).kind()).isEqualTo(Fault.Kind.CONFLICT_409);
      assertThat(sim.counters().faults(Fault.Kind.CONFLICT_409)).isEqualTo(2);
    }
  }

  @Test
  void statusFaultsNameTheStatusesTheyTake() {
    assertThatThrownBy(() -> Fault.status(418))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("403")
        .hasMessageContaining("409")
        .hasMessageContaining("Fault.rateLimited");
  }

  @Test
  void quota429CanSendRetryAfterAsAnHttpDateAndTheAzureMsHeader() {
    MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
    try (LlmSimulator sim =
        LlmSimulator.builder()
            .deployment(Deployment.of("gpt-4o").withRequestsPerMinute(12))
            .clock(clock)
            .retryAfterHttpDate(true)
            .msRetryAfterHeader(true)
            .start()) {
      SimHttp http = new SimHttp(sim);
      http.post(AZURE_CHAT, AZURE_BODY);
      http.post(AZURE_CHAT, AZURE_BODY);
      clock.advance(Duration.ofMillis(2300));

      SimHttp.Response limited = http.post(AZURE_CHAT, AZURE_BODY);

      assertThat(limited.status()).isEqualTo(429);
      // 00:00:02.300 + 7.7 s = 00:00:10.000 exactly; IMF-fixdate with a two-digit day
      assertThat(limited.header("retry-after")).isEqualTo("Wed, 01 Jan 2025 00:00:10 GMT");
      assertThat(limited.header("x-ms-retry-after-ms")).isEqualTo("7700");
      assertThat(limited.header("retry-after-ms")).isNull();
      assertThat(limited.json().path("error").path("message").asText())
          .contains("Please retry after 8 seconds");
    }
  }

  @Test
  void anHttpDateRetryAfterIsRoundedUpToTheNextWholeSecond() {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-27T04:59:59.250Z"));
    try (LlmSimulator sim =
        LlmSimulator.builder()
            .clock(clock)
            .retryAfterHttpDate(true)
            .retryAfterMs(true)
            .fault(Fault.rateLimited(Duration.ofMillis(1500)))
            .start()) {
      SimHttp.Response limited = new SimHttp(sim).post(OPENAI_CHAT, SimHttp.chat("gpt-4o", "hi"));

      assertThat(limited.status()).isEqualTo(429);
      // 04:59:59.250 + 1.5 s = 05:00:00.750, never earlier than the wait: 05:00:01
      assertThat(limited.header("retry-after")).isEqualTo("Fri, 27 Nov 2026 05:00:01 GMT");
      assertThat(limited.header("retry-after-ms")).isEqualTo("1500");
      assertThat(limited.header("x-ms-retry-after-ms")).isNull();
    }
  }

  @Test
  void theRateLimitFaultSendsTheAzureMsHeaderBesideSecondsWhenAskedTo() {
    try (LlmSimulator sim =
        LlmSimulator.builder()
            .msRetryAfterHeader(true)
            .fault(Fault.rateLimited(Duration.ofMillis(2500)))
            .start()) {
      SimHttp.Response limited = new SimHttp(sim).post(AZURE_CHAT, AZURE_BODY);

      assertThat(limited.status()).isEqualTo(429);
      assertThat(limited.header("retry-after")).isEqualTo("3");
      assertThat(limited.header("x-ms-retry-after-ms")).isEqualTo("2500");
      assertThat(limited.headers().keySet()).noneMatch(h -> h.equalsIgnoreCase("retry-after-ms"));
    }
  }

  @Test
  void adaEmbeddingsRejectDimensionsWithTheServicesBodyEvenAtTheirOwnSize() {
    try (LlmSimulator sim =
        LlmSimulator.builder()
            .deployment(Deployment.of("text-embedding-ada-002"))
            .deployment(Deployment.of("emb").withModel("text-embedding-ada-002"))
            .start()) {
      SimHttp http = new SimHttp(sim);

      SimHttp.Response openAi =
          http.post(
              "/v1/embeddings",
              "{\"model\":\"text-embedding-ada-002\",\"input\":\"x\",\"dimensions\":1536}");
      SimHttp.Response azure =
          http.post(
              "/openai/deployments/emb/embeddings?api-version=2024-10-21",
              "{\"input\":\"x\",\"dimensions\":256}");
      SimHttp.Response without =
          http.post("/v1/embeddings", "{\"model\":\"text-embedding-ada-002\",\"input\":\"x\"}");

      JsonNode expected =
          json(
              "{\"error\":{\"message\":\"This model does not support specifying dimensions.\","
                  + "\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}}");
      assertThat(openAi.status()).isEqualTo(400);
      assertThat(openAi.json()).isEqualTo(expected);
      assertThat(azure.status()).isEqualTo(400);
      assertThat(azure.json()).isEqualTo(expected);
      assertThat(without.status()).isEqualTo(200);
      assertThat(without.json().path("data").get(0).path("embedding").size()).isEqualTo(1536);
    }
  }

  @Test
  void textEmbedding3ModelsAcceptDimensions() {
    try (LlmSimulator sim =
        LlmSimulator.builder()
            .deployment(Deployment.of("small").withModel("text-embedding-3-small"))
            .start()) {
      SimHttp.Response r =
          new SimHttp(sim)
              .post(
                  "/openai/deployments/small/embeddings?api-version=2024-10-21",
                  "{\"input\":\"x\",\"dimensions\":256}");

      assertThat(r.status()).isEqualTo(200);
      assertThat(r.json().path("data").get(0).path("embedding").size()).isEqualTo(256);
      assertThat(Deployment.of("text-embedding-3-large").acceptsDimensions()).isTrue();
      assertThat(Deployment.of("x").withModel("Text-Embedding-Ada-002").acceptsDimensions())
          .isFalse();
    }
  }
}
