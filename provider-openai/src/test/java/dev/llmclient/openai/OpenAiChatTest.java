package dev.llmclient.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmclient.api.LlmConfigurationException;
import dev.llmclient.api.Message;
import dev.llmclient.api.Usage;
import dev.llmclient.api.spi.ChatBackend;
import dev.llmclient.api.spi.ChatCompletion;
import dev.llmclient.api.spi.ChatCompletionRequest;
import dev.llmclient.api.spi.LlmProvider;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.api.spi.RateLimitInfo;
import dev.llmclient.api.spi.ResponseFormat;
import dev.llmclient.testkit.simulator.Deployment;
import dev.llmclient.testkit.simulator.LlmSimulator;
import dev.llmclient.testkit.simulator.RawReply;
import dev.llmclient.testkit.simulator.RecordedRequest;
import dev.llmclient.testkit.simulator.Route;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OpenAiChatTest {

  private LlmSimulator sim;

  @BeforeEach
  void start() {
    sim =
        LlmSimulator.builder()
            .apiKey("sk-abcdef123456")
            .requireJsonWordForJsonObject(false)
            .start();
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  @Test
  void aCompletionComesBackWithContentUsageRequestIdAndRateLimits() throws Exception {
    sim.enqueueRaw(
        RawReply.json(200, Fixtures.COMPLETION)
            .header("x-request-id", "req-1")
            .header("x-ratelimit-remaining-requests", "499")
            .header("x-ratelimit-remaining-tokens", "29000")
            .header("x-ratelimit-limit-requests", "500")
            .header("x-ratelimit-limit-tokens", "30000")
            .header("x-ratelimit-reset-requests", "120ms")
            .header("x-ratelimit-reset-tokens", "6m0s"));
    try (ChatBackend chat =
        new OpenAiProvider()
            .createChatBackend(Fixtures.openAiSettings(sim.openAiBaseUri(), "sk-abcdef123456"))) {

      ChatCompletion c = chat.complete(Fixtures.request()).get(10, TimeUnit.SECONDS);

      assertThat(c.content()).isEqualTo("{\"a\":1}");
      assertThat(c.refusal()).isNull();
      assertThat(c.finishReason()).isEqualTo("stop");
      assertThat(c.usage()).isEqualTo(new Usage(10, 5, 2, 3));
      assertThat(c.model()).isEqualTo("gpt-4o-2024-08-06");
      assertThat(c.id()).isEqualTo("chatcmpl-1");
      assertThat(c.requestId()).isEqualTo("req-1");
      assertThat(c.rateLimit())
          .isEqualTo(
              new RateLimitInfo(
                  499L, 29000L, 500L, 30000L, Duration.ofMillis(120), Duration.ofMinutes(6)));
    }
    RecordedRequest r = sim.lastRequest();
    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.path()).isEqualTo("/v1/chat/completions");
    assertThat(r.route()).isEqualTo(Route.CHAT_COMPLETIONS);
    assertThat(r.headers())
        .containsEntry("authorization", "Bearer sk-abcdef123456")
        .containsEntry("content-type", "application/json; charset=UTF-8");
    JsonNode body = Json.MAPPER.readTree(r.body());
    assertThat(body.get("model").asText()).isEqualTo("gpt-4o");
    assertThat(body.get("messages").get(1).get("role").asText()).isEqualTo("user");
    assertThat(body.get("messages").get(1).get("content").asText()).isEqualTo("Hi");
    assertThat(body.get("response_format").get("type").asText()).isEqualTo("json_object");
  }

  @Test
  void everyRequestFieldGoesOnTheWireAndTheSchemaTextIsWrittenAsIs() throws Exception {
    sim.addDeployment(Deployment.of("o4-mini").withReasoning(true));
    String schema =
        "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"}},"
            + "\"required\":[\"a\"],\"additionalProperties\":false}";
    ChatCompletionRequest request =
        new ChatCompletionRequest(
            "o4-mini",
            List.of(Message.user("Give me a")),
            null,
            512,
            ResponseFormat.jsonSchema("Answer", schema, true),
            "low",
            "medium",
            "user-42",
            Map.of("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));
    try (ChatBackend chat =
        new OpenAiProvider()
            .createChatBackend(Fixtures.openAiSettings(sim.openAiBaseUri(), "sk-abcdef123456"))) {
      ChatCompletion c = chat.complete(request).get(10, TimeUnit.SECONDS);
      // The simulator answers a strict json_schema request with a value valid against it.
      assertThat(Json.MAPPER.readTree(c.content()).get("a").isInt()).isTrue();
      assertThat(c.usage().reasoningTokens()).isPositive();
    }
    RecordedRequest r = sim.lastRequest();
    assertThat(r.headers()).containsKey("traceparent");
    assertThat(r.body())
        .isEqualTo(
            "{\"model\":\"o4-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Give me a\"}],"
                + "\"max_completion_tokens\":512,\"response_format\":{\"type\":\"json_schema\","
                + "\"json_schema\":{\"name\":\"Answer\",\"schema\":"
                + schema
                + ",\"strict\":true}},\"reasoning_effort\":\"low\",\"verbosity\":\"medium\","
                + "\"user\":\"user-42\"}");
  }

  @Test
  void compatibleServersCanGetMaxTokensOrganizationProjectAndExtraHeaders() throws Exception {
    ProviderSettings settings =
        Fixtures.openAiSettings(URI.create(sim.openAiBaseUri() + "/"), "sk-abcdef123456")
            .toBuilder()
            .set(OpenAiProvider.MAX_TOKENS_PARAM, "max_tokens")
            .set(OpenAiProvider.ORG_ID, "org-1")
            .set(OpenAiProvider.PROJECT_ID, "proj-1")
            .set(OpenAiProvider.EXTRA_HEADERS, "X-Team=search, X-Gateway=gw1")
            .build();
    ChatCompletionRequest request =
        new ChatCompletionRequest(
            "llama3",
            List.of(Message.user("x")),
            0.2,
            100,
            ResponseFormat.text(),
            null,
            null,
            null,
            Map.of());
    try (ChatBackend chat = new OpenAiProvider().createChatBackend(settings)) {
      assertThat(chat.complete(request).get(10, TimeUnit.SECONDS).content()).isNotBlank();
    }
    RecordedRequest r = sim.lastRequest();
    assertThat(r.path()).isEqualTo("/v1/chat/completions");
    assertThat(r.headers())
        .containsEntry("openai-organization", "org-1")
        .containsEntry("openai-project", "proj-1")
        .containsEntry("x-team", "search")
        .containsEntry("x-gateway", "gw1");
    assertThat(r.body())
        .isEqualTo(
            "{\"model\":\"llama3\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],"
                + "\"temperature\":0.2,\"max_tokens\":100}");
  }

  @Test
  void refusalAndFinishReasonPassThrough() throws Exception {
    sim.enqueueRaw(
        RawReply.json(
            200,
            "{\"id\":\"c\",\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"message\":{\"role\":"
                + "\"assistant\",\"content\":null,\"refusal\":\"I can't help with that.\"},"
                + "\"finish_reason\":\"length\"}]}"));
    try (ChatBackend chat =
        new OpenAiProvider()
            .createChatBackend(Fixtures.openAiSettings(sim.openAiBaseUri(), "sk-abcdef123456"))) {
      ChatCompletion c = chat.complete(Fixtures.request()).get(10, TimeUnit.SECONDS);

      assertThat(c.refusal()).isEqualTo("I can't help with that.");
      assertThat(c.content()).isNull();
      assertThat(c.finishReason()).isEqualTo("length");
      assertThat(c.usage()).isEqualTo(Usage.ZERO);
      assertThat(c.rateLimit()).isEqualTo(RateLimitInfo.NONE);
    }
  }

  @Test
  void theProviderIsFoundByServiceLoaderUnderItsId() {
    List<String> ids =
        ServiceLoader.load(LlmProvider.class).stream()
            .filter(p -> p.type() == OpenAiProvider.class)
            .map(p -> p.type().getAnnotation(dev.llmclient.api.spi.ProviderId.class).value())
            .toList();
    assertThat(ids).containsExactly("openai");
    assertThat(new OpenAiProvider().id()).isEqualTo("openai");
  }

  @Test
  void missingSettingsNamesTheApiKey() {
    OpenAiProvider p = new OpenAiProvider();
    assertThat(p.missingSettings(ProviderSettings.empty())).containsExactly("OPENAI_API_KEY");
    assertThat(p.isConfigured(ProviderSettings.of(Map.of("OPENAI_API_KEY", "sk-x")))).isTrue();
  }

  @Test
  void backendInfoReportsTheDefaultModels() {
    try (ChatBackend chat =
        new OpenAiProvider()
            .createChatBackend(ProviderSettings.of(Map.of("OPENAI_API_KEY", "sk-x")))) {
      assertThat(chat.info().providerId()).isEqualTo("openai");
      assertThat(chat.info().genAiProviderName()).isEqualTo("openai");
      assertThat(chat.info().defaultModel()).isEqualTo("gpt-5.5");
      assertThat(chat.info().defaultSmallModel()).isEqualTo("gpt-4.1-nano");
      assertThat(chat.info().endpoint()).hasToString("https://api.openai.com/v1");
    }
    try (ChatBackend chat =
        new OpenAiProvider()
            .createChatBackend(
                ProviderSettings.of(
                    Map.of(
                        "OPENAI_API_KEY", "sk-x", "MODEL_NAME", "m", "SMALL_MODEL_NAME", "s")))) {
      assertThat(chat.info().defaultModel()).isEqualTo("m");
      assertThat(chat.info().defaultSmallModel()).isEqualTo("s");
    }
  }

  @Test
  void halfConfiguredSettingsFailWhenTheBackendIsBuilt() {
    OpenAiProvider p = new OpenAiProvider();
    assertThatThrownBy(() -> p.createChatBackend(ProviderSettings.empty()))
        .isInstanceOf(LlmConfigurationException.class)
        .hasMessageContaining("OPENAI_API_KEY");
    assertThatThrownBy(
            () ->
                p.createChatBackend(
                    ProviderSettings.of(
                        Map.of("OPENAI_API_KEY", "sk-x", "OPENAI_BASE_URL", "localhost:8000"))))
        .isInstanceOf(LlmConfigurationException.class)
        .hasMessageContaining("OPENAI_BASE_URL");
    assertThatThrownBy(
            () ->
                p.createChatBackend(
                    ProviderSettings.of(
                        Map.of("OPENAI_API_KEY", "sk-x", "OPENAI_MAX_TOKENS_PARAM", "tokens"))))
        .isInstanceOf(LlmConfigurationException.class)
        .hasMessageContaining("OPENAI_MAX_TOKENS_PARAM");
    assertThatThrownBy(
            () ->
                p.createChatBackend(
                    ProviderSettings.of(
                        Map.of("OPENAI_API_KEY", "sk-x", "LLM_HTTP_CONNECT_TIMEOUT", "soon"))))
        .isInstanceOf(LlmConfigurationException.class)
        .hasMessageContaining("LLM_HTTP_CONNECT_TIMEOUT");
    assertThatThrownBy(
            () ->
                p.createChatBackend(
                    ProviderSettings.of(
                        Map.of(
                            "OPENAI_API_KEY",
                            "sk-x",
                            "LLM_HTTP_TRUST_STORE",
                            "/no/such/file.p12"))))
        .isInstanceOf(LlmConfigurationException.class)
        .hasMessageContaining("LLM_HTTP_TRUST_STORE");
  }
}
