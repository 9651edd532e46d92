package dev.llmclient.testkit.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LlmSimulatorErrorsTest {

  private static final String AZURE_CHAT =
      "/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21";

  private LlmSimulator sim;
  private SimHttp http;

  @BeforeEach
  void start() {
    sim =
        LlmSimulator.builder()
            .apiKey("key-1")
            .bearerToken("entra-token")
            .deployment("gpt-4o")
            .deployment(Deployment.of("o3-mini").withReasoning(true))
            .deployment(Deployment.of("tiny").withContextWindow(50))
            .start();
    http = new SimHttp(sim);
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  private static String userOnly(String text) {
    return "{\"messages\":[{\"role\":\"user\",\"content\":"
        + SimHttp.MAPPER.valueToTree(text)
        + "}]}";
  }

  @Test
  void azureWrongKeyIs401WithTheServiceBodyAndRequestIds() {
    SimHttp.Response r = http.post(AZURE_CHAT, userOnly("hi"), "api-key", "sk-wrong-key-123");

    assertThat(r.status()).isEqualTo(401);
    assertThat(r.json().path("error").path("code").isTextual()).isTrue();
    assertThat(r.json().path("error").path("code").asText()).isEqualTo("401");
    assertThat(r.json().path("error").path("message").asText())
        .startsWith("Access denied due to invalid subscription key or wrong API endpoint.");
    assertThat(r.header("apim-request-id")).isNotBlank();
    assertThat(r.header("x-request-id")).isNotBlank();
    assertThat(r.header("x-ratelimit-remaining-requests")).isNotBlank();
    assertThat(r.body()).doesNotContain("sk-wrong-key-123");
  }

  @Test
  void azureInvalidBearerTokenIs401AboutTheToken() {
    SimHttp.Response r = http.post(AZURE_CHAT, userOnly("hi"), "authorization", "Bearer nope");

    assertThat(r.status()).isEqualTo(401);
    assertThat(r.json().path("error").path("message").asText()).contains("Access token");
  }

  @Test
  void openAiMissingAndWrongKeysAre401InOpenAiShape() {
    SimHttp.Response missing = http.post("/v1/chat/completions", SimHttp.chat("gpt-4o", "hi"));
    SimHttp.Response wrong =
        http.post(
            "/v1/chat/completions", SimHttp.chat("gpt-4o", "hi"), "authorization", "Bearer x");

    assertThat(missing.status()).isEqualTo(401);
    assertThat(missing.json().path("error").path("type").asText())
        .isEqualTo("invalid_request_error");
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(wrong.json().path("error").path("code").asText()).isEqualTo("invalid_api_key");
    assertThat(wrong.json().path("error").has("param")).isTrue();
  }

  @Test
  void unknownDeploymentIs404DeploymentNotFoundOnAzureAndModelNotFoundOnOpenAi() {
    SimHttp.Response azure =
        http.post(
            "/openai/deployments/nope/chat/completions?api-version=2024-10-21",
            userOnly("hi"),
            "api-key",
            "key-1");
    SimHttp.Response openAi =
        http.post(
            "/v1/chat/completions", SimHttp.chat("nope", "hi"), "authorization", "Bearer key-1");

    assertThat(azure.status()).isEqualTo(404);
    assertThat(azure.json().path("error").path("code").asText()).isEqualTo("DeploymentNotFound");
    assertThat(azure.json().path("error").path("message").asText())
        .startsWith("The API deployment for this resource does not exist.");
    assertThat(openAi.status()).isEqualTo(404);
    assertThat(openAi.json().path("error").path("code").asText()).isEqualTo("model_not_found");
  }

  @Test
  void azureApiVersionMissingIs404AndUnsupportedIs400() {
    SimHttp.Response missing =
        http.post(
            "/openai/deployments/gpt-4o/chat/completions", userOnly("hi"), "api-key", "key-1");
    SimHttp.Response unsupported =
        http.post(
            "/openai/deployments/gpt-4o/chat/completions?api-version=1999-01-01",
            userOnly("hi"),
            "api-key",
            "key-1");

    assertThat(missing.status()).isEqualTo(404);
    assertThat(unsupported.status()).isEqualTo(400);
    assertThat(unsupported.json().path("error").path("message").asText())
        .isEqualTo("API version not supported");
  }

  @Test
  void invalidParametersAre400WithParamAndCode() {
    SimHttp.Response temperature =
        http.post(
            AZURE_CHAT,
            "{\"temperature\":3,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
            "api-key",
            "key-1");
    SimHttp.Response role =
        http.post(
            AZURE_CHAT,
            "{\"messages\":[{\"role\":\"robot\",\"content\":\"hi\"}]}",
            "api-key",
            "key-1");
    SimHttp.Response noMessages = http.post(AZURE_CHAT, "{}", "api-key", "key-1");
    SimHttp.Response notJson = http.post(AZURE_CHAT, "{nope", "api-key", "key-1");

    assertThat(temperature.status()).isEqualTo(400);
    JsonNode e = temperature.json().path("error");
    assertThat(e.path("param").asText()).isEqualTo("temperature");
    assertThat(e.path("code").asText()).isEqualTo("decimal_above_max_value");
    assertThat(e.path("type").asText()).isEqualTo("invalid_request_error");
    assertThat(role.json().path("error").path("param").asText()).isEqualTo("messages[0].role");
    assertThat(noMessages.json().path("error").path("param").asText()).isEqualTo("messages");
    assertThat(notJson.status()).isEqualTo(400);
    assertThat(notJson.json().path("error").path("message").asText()).contains("could not parse");
  }

  @Test
  void reasoningDeploymentsRejectMaxTokensAndCustomTemperature() {
    SimHttp.Response maxTokens =
        http.post(
            "/openai/deployments/o3-mini/chat/completions?api-version=2024-10-21",
            "{\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
            "api-key",
            "key-1");
    SimHttp.Response temperature =
        http.post(
            "/openai/deployments/o3-mini/chat/completions?api-version=2024-10-21",
            "{\"temperature\":0.2,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
            "api-key",
            "key-1");
    SimHttp.Response ok =
        http.post(
            "/openai/deployments/o3-mini/chat/completions?api-version=2024-10-21",
            "{\"max_completion_tokens\":500,\"reasoning_effort\":\"low\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
            "api-key",
            "key-1");

    assertThat(maxTokens.json().path("error").path("code").asText())
        .isEqualTo("unsupported_parameter");
    assertThat(maxTokens.json().path("error").path("param").asText()).isEqualTo("max_tokens");
    assertThat(temperature.json().path("error").path("code").asText())
        .isEqualTo("unsupported_value");
    assertThat(ok.status()).isEqualTo(200);
    assertThat(
            ok.json()
                .path("usage")
                .path("completion_tokens_details")
                .path("reasoning_tokens")
                .asInt())
        .isPositive();
  }

  @Test
  void promptAboveTheTokenLimitIsContextLengthExceeded() {
    SimHttp.Response r =
        http.post(
            "/openai/deployments/tiny/chat/completions?api-version=2024-10-21",
            userOnly("x".repeat(400)),
            "api-key",
            "key-1");

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().path("error").path("code").asText()).isEqualTo("context_length_exceeded");
    assertThat(r.json().path("error").path("param").asText()).isEqualTo("messages");
    assertThat(r.json().path("error").path("message").asText())
        .startsWith("This model's maximum context length is 50 tokens.");
  }

  @Test
  void promptFilterTriggerIs400WithInnerErrorAndContentFilterResult() {
    SimHttp.Response r =
        http.post(AZURE_CHAT, userOnly("please " + sim.promptFilterTrigger()), "api-key", "key-1");

    assertThat(r.status()).isEqualTo(400);
    JsonNode error = r.json().path("error");
    assertThat(error.path("code").asText()).isEqualTo("content_filter");
    assertThat(error.path("param").asText()).isEqualTo("prompt");
    assertThat(error.path("type").isNull()).isTrue();
    assertThat(error.path("status").asInt()).isEqualTo(400);
    assertThat(error.path("message").asText())
        .startsWith(
            "The response was filtered due to the prompt triggering Azure OpenAI's content management policy.");
    JsonNode inner = error.path("innererror");
    assertThat(inner.path("code").asText()).isEqualTo("ResponsibleAIPolicyViolation");
    JsonNode results = inner.path("content_filter_result");
    assertThat(results.path("violence").path("filtered").asBoolean()).isTrue();
    assertThat(results.path("violence").path("severity").asText()).isEqualTo("medium");
    assertThat(results.path("hate").path("severity").asText()).isEqualTo("safe");
    assertThat(results.path("jailbreak").path("detected").asBoolean(true)).isFalse();
  }

  @Test
  void completionFilterTriggerIs200WithFinishReasonContentFilter() {
    SimHttp.Response r =
        http.post(AZURE_CHAT, userOnly(sim.completionFilterTrigger()), "api-key", "key-1");

    assertThat(r.status()).isEqualTo(200);
    JsonNode choice = r.json().path("choices").get(0);
    assertThat(choice.path("finish_reason").asText()).isEqualTo("content_filter");
    assertThat(choice.path("message").path("content").isNull()).isTrue();
    assertThat(choice.path("content_filter_results").path("violence").path("filtered").asBoolean())
        .isTrue();
  }

  @Test
  void refusalTriggerAnswersWithARefusalAndNoContent() {
    SimHttp.Response r = http.post(AZURE_CHAT, userOnly(sim.refusalTrigger()), "api-key", "key-1");

    JsonNode message = r.json().path("choices").get(0).path("message");
    assertThat(message.path("refusal").asText()).isEqualTo(LlmSimulator.REFUSAL_TEXT);
    assertThat(message.path("content").isNull()).isTrue();
  }

  @Test
  void jsonObjectModeNeedsTheWordJsonLikeOpenAi() {
    SimHttp.Response without =
        http.post(
            AZURE_CHAT,
            "{\"response_format\":{\"type\":\"json_object\"},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
            "api-key",
            "key-1");
    SimHttp.Response with =
        http.post(
            AZURE_CHAT,
            "{\"response_format\":{\"type\":\"json_object\"},\"messages\":[{\"role\":\"user\",\"content\":\"answer in JSON\"}]}",
            "api-key",
            "key-1");

    assertThat(without.status()).isEqualTo(400);
    assertThat(with.status()).isEqualTo(200);
    JsonNode content =
        parse(with.json().path("choices").get(0).path("message").path("content").asText());
    assertThat(content.isObject()).isTrue();
  }

  @Test
  void strictSchemasMustCloseAndRequireEveryObject() {
    String loose =
        "{\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"P\",\"strict\":true,"
            + "\"schema\":{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}},\"required\":[]}}},"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    SimHttp.Response r = http.post(AZURE_CHAT, loose, "api-key", "key-1");

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().path("error").path("code").asText()).isEqualTo("invalid_json_schema");
    assertThat(r.json().path("error").path("message").asText()).contains("additionalProperties");
  }

  @Test
  void maxTokensCutsTheAnswerWithFinishReasonLength() {
    SimHttp.Response r =
        http.post(
            AZURE_CHAT,
            "{\"max_tokens\":2,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
            "api-key",
            "key-1");

    JsonNode choice = r.json().path("choices").get(0);
    assertThat(choice.path("finish_reason").asText()).isEqualTo("length");
    assertThat(r.json().path("usage").path("completion_tokens").asInt()).isLessThanOrEqualTo(2);
  }

  @Test
  void unknownPathsAndWrongMethodsAreAnsweredInTheRouteStyle() {
    assertThat(http.get("/v1/chat/completions", "authorization", "Bearer key-1").status())
        .isEqualTo(405);
    SimHttp.Response unknown = http.post("/openai/whatever", "{}", "api-key", "key-1");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json().path("error").path("code").asText()).isEqualTo("404");
  }

  private static JsonNode parse(String json) {
    try {
      return SimHttp.MAPPER.readTree(json);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
