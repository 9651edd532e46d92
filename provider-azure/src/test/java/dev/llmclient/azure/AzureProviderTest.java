package dev.llmclient.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmclient.api.LlmConfigurationException;
import dev.llmclient.api.Message;
import dev.llmclient.api.NotFoundException;
import dev.llmclient.api.spi.ChatBackend;
import dev.llmclient.api.spi.ChatCompletion;
import dev.llmclient.api.spi.ChatCompletionRequest;
import dev.llmclient.api.spi.EmbeddingBackend;
import dev.llmclient.api.spi.EmbeddingRequest;
import dev.llmclient.api.spi.LlmProvider;
import dev.llmclient.api.spi.ProviderId;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.testkit.simulator.LlmSimulator;
import dev.llmclient.testkit.simulator.RawReply;
import dev.llmclient.testkit.simulator.RecordedRequest;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class AzureProviderTest {

  static final String COMPLETION =
      "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"gpt-4o\","
          + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"{}\"},"
          + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,"
          + "\"total_tokens\":4}}";

  private static final String CANARY_TOKEN = "eyJ0eXAiOiJKV1Qi.CANARY-bearer-token.sig";

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Azure as the simulator plays it: only this key and token, only these deployments (others get
   * 404 DeploymentNotFound), only known api-versions.
   */
  private LlmSimulator sim;

  @BeforeEach
  void start() {
    sim =
        LlmSimulator.builder()
            .apiKey("azure-key-123456")
            .bearerToken(CANARY_TOKEN)
            .deployment("my-gpt4o", "emb-small", "d")
            .requireJsonWordForJsonObject(false)
            .start();
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  private ProviderSettings settings(String endpointSuffix, Map<String, String> extra) {
    Map<String, String> m = new HashMap<>();
    m.put("AZURE_OPENAI_ENDPOINT", sim.azureEndpoint() + endpointSuffix);
    m.put("AZURE_OPENAI_API_KEY", "azure-key-123456");
    m.put("AZURE_OPENAI_DEPLOYMENT_NAME", "my-gpt4o");
    m.putAll(extra);
    return ProviderSettings.of(m);
  }

  private static ChatCompletionRequest request(String deployment) {
    return ChatCompletionRequest.of(deployment, List.of(Message.user("hi")));
  }

  @Test
  void theDeploymentRouteCarriesTheApiVersionAndKeyAndNoModelInTheBody() throws Exception {
    for (String suffix : List.of("", "/", "/openai", "/openai/")) {
      try (ChatBackend chat =
          new AzureOpenAiProvider().createChatBackend(settings(suffix, Map.of()))) {
        ChatCompletion c = chat.complete(request("my-gpt4o")).get(10, TimeUnit.SECONDS);
        assertThat(c.content()).as(suffix).isNotBlank();
        assertThat(c.requestId()).as(suffix).isNotBlank();
      }
      RecordedRequest r = sim.lastRequest();
      assertThat(r.path()).as(suffix).isEqualTo("/openai/deployments/my-gpt4o/chat/completions");
      assertThat(r.query()).isEqualTo("api-version=2024-10-21");
      assertThat(r.headers())
          .containsEntry("api-key", "azure-key-123456")
          .doesNotContainKey("authorization");
      assertThat(JSON.readTree(r.body()).has("model")).isFalse();
    }
  }

  @Test
  void theRequestIdIsReadFromApimRequestId() throws Exception {
    sim.enqueueRaw(RawReply.json(200, COMPLETION).header("apim-request-id", "apim-1"));
    try (ChatBackend chat = new AzureOpenAiProvider().createChatBackend(settings("", Map.of()))) {
      ChatCompletion c = chat.complete(request("my-gpt4o")).get(10, TimeUnit.SECONDS);

      assertThat(c.requestId()).isEqualTo("apim-1");
      assertThat(c.content()).isEqualTo("{}");
    }
  }

  @Test
  void theApiVersionCanBeOverridden() throws Exception {
    try (ChatBackend chat =
        new AzureOpenAiProvider()
            .createChatBackend(
                settings("", Map.of("AZURE_OPENAI_API_VERSION", "2025-04-01-preview")))) {
      chat.complete(request("my-gpt4o")).get(10, TimeUnit.SECONDS);
    }
    assertThat(sim.lastRequest().query()).isEqualTo("api-version=2025-04-01-preview");
    assertThat(sim.counters().responses(200)).isEqualTo(1);
  }

  @Test
  void theV1RouteIsChosenBySettingAndPutsTheDeploymentInTheBody() throws Exception {
    try (ChatBackend chat =
        new AzureOpenAiProvider()
            .createChatBackend(settings("/openai/v1/", Map.of("AZURE_OPENAI_API_MODE", "v1")))) {
      chat.complete(request("my-gpt4o")).get(10, TimeUnit.SECONDS);
    }
    RecordedRequest r = sim.lastRequest();
    assertThat(r.path()).isEqualTo("/openai/v1/chat/completions");
    assertThat(r.header("api-key")).isEqualTo("azure-key-123456");
    assertThat(sim.counters().responses(200)).isEqualTo(1);
    assertThat(r.query()).isEmpty();
    assertThat(JSON.readTree(r.body()).get("model").asText()).isEqualTo("my-gpt4o");
  }

  @Test
  void embeddingsUseTheEmbeddingDeployment() throws Exception {
    try (EmbeddingBackend emb =
        new AzureOpenAiProvider()
            .createEmbeddingBackend(
                settings("", Map.of("AZURE_OPENAI_EMBEDDING_DEPLOYMENT_NAME", "emb-small")))) {
      assertThat(emb.info().defaultModel()).isEqualTo("emb-small");
      var result =
          emb.embed(new EmbeddingRequest("emb-small", List.of("x"), 256, Map.of()))
              .get(10, TimeUnit.SECONDS);
      // The simulator's deterministic unit vector, decoded bit for bit.
      assertThat(result.vectors().get(0)).containsExactly(LlmSimulator.embeddingOf("x", 256));
    }
    RecordedRequest r = sim.lastRequest();
    assertThat(r.path()).isEqualTo("/openai/deployments/emb-small/embeddings");
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.has("model")).isFalse();
    assertThat(body.get("dimensions").asInt()).isEqualTo(256);
  }

  @Test
  void theSimulatorsDeploymentNotFoundIsANotFoundExceptionNamingTheSetting() {
    try (ChatBackend chat = new AzureOpenAiProvider().createChatBackend(settings("", Map.of()))) {
      Throwable t = catchThrowable(() -> chat.complete(request("gpt-4o")).join());

      assertThat(t).hasCauseInstanceOf(NotFoundException.class);
      NotFoundException e = (NotFoundException) t.getCause();
      assertThat(e.provider()).isEqualTo("azure");
      assertThat(e.httpStatus()).isEqualTo(404);
      assertThat(e.requestId()).isNotBlank();
      assertThat(e.getMessage())
          .contains(
              "deployment 'gpt-4o'",
              "POST /openai/deployments/gpt-4o/chat/completions",
              "AZURE_OPENAI_DEPLOYMENT_NAME",
              "not a model name");
    }
    assertThat(sim.counters().responses(404)).isEqualTo(1);
  }

  @Test
  void deploymentNotFoundNamesTheDeploymentRouteAndSetting() {
    sim.enqueueRaw(
        RawReply.json(
                404,
                "{\"error\":{\"code\":\"DeploymentNotFound\",\"message\":\"The API deployment for"
                    + " this resource does not exist. If you created the deployment within the last"
                    + " 5 minutes, please wait a moment and try again.\"}}")
            .header("apim-request-id", "apim-404"));
    try (ChatBackend chat = new AzureOpenAiProvider().createChatBackend(settings("", Map.of()))) {
      Throwable t = catchThrowable(() -> chat.complete(request("gpt-4o")).join());

      assertThat(t).hasCauseInstanceOf(NotFoundException.class);
      NotFoundException e = (NotFoundException) t.getCause();
      assertThat(e.provider()).isEqualTo("azure");
      assertThat(e.httpStatus()).isEqualTo(404);
      assertThat(e.requestId()).isEqualTo("apim-404");
      assertThat(e.getMessage())
          .contains(
              "deployment 'gpt-4o'",
              "POST /openai/deployments/gpt-4o/chat/completions",
              "AZURE_OPENAI_DEPLOYMENT_NAME",
              "not a model name");
    }
  }

  @Test
  void backendInfoUsesDeploymentNamesAndNeverAnOpenAiModelName() {
    try (ChatBackend chat =
        new AzureOpenAiProvider()
            .createChatBackend(
                settings("", Map.of("AZURE_OPENAI_SMALL_DEPLOYMENT_NAME", "mini")))) {
      assertThat(chat.info().providerId()).isEqualTo("azure");
      assertThat(chat.info().genAiProviderName()).isEqualTo("azure.ai.openai");
      assertThat(chat.info().defaultModel()).isEqualTo("my-gpt4o");
      assertThat(chat.info().defaultSmallModel()).isEqualTo("mini");
    }
    try (ChatBackend chat = new AzureOpenAiProvider().createChatBackend(settings("", Map.of()))) {
      assertThat(chat.info().defaultSmallModel()).isNull();
    }
  }

  @Test
  void missingSettingsAreListedInTheUsersWords() {
    AzureOpenAiProvider p = new AzureOpenAiProvider();
    assertThat(p.missingSettings(ProviderSettings.empty()))
        .containsExactly(
            "AZURE_OPENAI_ENDPOINT",
            "AZURE_OPENAI_API_KEY (or AZURE_OPENAI_USE_MANAGED_IDENTITY=true)");
    assertThat(
            p.missingSettings(
                ProviderSettings.of(
                    Map.of(
                        "AZURE_OPENAI_ENDPOINT", "https://x.openai.azure.com",
                        "AZURE_OPENAI_USE_MANAGED_IDENTITY", "true"))))
        .isEmpty();
    assertThat(
            new AzureOpenAiProvider(scope -> new CompletableFuture<>())
                .missingSettings(ProviderSettings.of(Map.of("AZURE_OPENAI_ENDPOINT", "https://x"))))
        .isEmpty();
  }

  @Test
  void halfConfiguredSettingsFailAtBuildTime() {
    AzureOpenAiProvider p = new AzureOpenAiProvider();
    assertThatThrownBy(
            () ->
                p.createChatBackend(
                    ProviderSettings.of(
                        Map.of("AZURE_OPENAI_ENDPOINT", "https://x.openai.azure.com"))))
        .isInstanceOf(LlmConfigurationException.class)
        .hasMessageContaining("AZURE_OPENAI_API_KEY (or AZURE_OPENAI_USE_MANAGED_IDENTITY=true)");
    assertThatThrownBy(
            () ->
                p.createChatBackend(
                    settings("", Map.of("AZURE_OPENAI_ENDPOINT", "x.openai.azure.com"))))
        .isInstanceOf(LlmConfigurationException.class)
        .hasMessageContaining("AZURE_OPENAI_ENDPOINT");
    assertThatThrownBy(
            () -> p.createChatBackend(settings("", Map.of("AZURE_OPENAI_API_MODE", "responses"))))
        .isInstanceOf(LlmConfigurationException.class)
        .hasMessageContaining("AZURE_OPENAI_API_MODE");
    assertThatThrownBy(
            () -> p.createChatBackend(settings("", Map.of("AZURE_OPENAI_API_VERSION", "latest"))))
        .isInstanceOf(LlmConfigurationException.class)
        .hasMessageContaining("AZURE_OPENAI_API_VERSION");
    assertThatThrownBy(
            () ->
                p.createChatBackend(
                    settings(
                        "",
                        Map.of(
                            "AZURE_OPENAI_ENDPOINT",
                            "https://user:canary-pw@x.openai.azure.com/?api-key=canary-key"))))
        .isInstanceOf(LlmConfigurationException.class)
        .hasMessageContaining("AZURE_OPENAI_ENDPOINT")
        .hasMessageContaining("x.openai.azure.com")
        .hasMessageNotContaining("canary");
  }

  @Test
  void theProviderIsFoundByServiceLoaderUnderItsId() {
    assertThat(
            ServiceLoader.load(LlmProvider.class).stream()
                .filter(p -> p.type() == AzureOpenAiProvider.class)
                .map(p -> p.type().getAnnotation(ProviderId.class).value()))
        .containsExactly("azure");
  }

  @Test
  void bearerTokensAndKeysNeverAppearInLogsOrExceptionMessages() throws Exception {
    String canaryToken = CANARY_TOKEN;
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(appender);
    List<String> texts = new ArrayList<>();
    try {
      AzureOpenAiProvider provider =
          new AzureOpenAiProvider(
              scope ->
                  CompletableFuture.completedFuture(
                      new AzureAccessToken(
                          canaryToken, java.time.Instant.now().plus(Duration.ofHours(1)))));
      ProviderSettings s =
          ProviderSettings.of(
              Map.of(
                  "AZURE_OPENAI_ENDPOINT",
                  sim.azureEndpoint().toString(),
                  "AZURE_OPENAI_DEPLOYMENT_NAME",
                  "d"));
      try (ChatBackend chat = provider.createChatBackend(s)) {
        // The simulator accepts only this token, so success proves it went on the wire.
        texts.add(chat.complete(request("d")).get(10, TimeUnit.SECONDS).toString());
        assertThat(sim.lastRequest().headers())
            .containsEntry("authorization", "Bearer " + canaryToken);
        sim.enqueueRaw(
            RawReply.json(
                401,
                "{\"error\":{\"code\":\"401\",\"message\":\"Token "
                    + canaryToken
                    + " rejected\"}}"));
        Throwable t = catchThrowable(() -> chat.complete(request("d")).join());
        for (Throwable c = t; c != null; c = c.getCause()) {
          texts.add(String.valueOf(c.getMessage()));
        }
        texts.add(chat.toString());
        texts.add(provider.toString());
      }
      appender.list.forEach(e -> texts.add(e.getFormattedMessage()));
    } finally {
      root.detachAppender(appender);
    }
    assertThat(appender.list).isNotEmpty();
    assertThat(texts).allSatisfy(text -> assertThat(text).doesNotContain("CANARY-bearer-token"));
    assertThat(new AzureAccessToken(canaryToken, java.time.Instant.EPOCH).toString())
        .doesNotContain("CANARY");
  }

  @Test
  void routesJoinEndpointsCarefully() {
    assertThat(AzureRoutes.normalise("https://r.openai.azure.com/"))
        .isEqualTo("https://r.openai.azure.com");
    assertThat(AzureRoutes.normalise("https://r.openai.azure.com/openai/"))
        .isEqualTo("https://r.openai.azure.com");
    assertThat(AzureRoutes.normalise("https://gw.corp/azure/openai"))
        .isEqualTo("https://gw.corp/azure");
    AzureRoutes routes =
        new AzureRoutes(URI.create("https://r.openai.azure.com//"), false, "2024-10-21");
    assertThat(routes.chatCompletions("my dep"))
        .hasToString(
            "https://r.openai.azure.com/openai/deployments/my%20dep/chat/completions?api-version=2024-10-21");
  }
}
