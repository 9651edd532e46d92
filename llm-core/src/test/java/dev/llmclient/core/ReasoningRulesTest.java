package dev.llmclient.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmRequest;
import dev.llmclient.api.Message;
import dev.llmclient.api.spi.ChatCompletionRequest;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.api.spi.ResponseFormat;
import dev.llmclient.api.spi.Tracer;
import dev.llmclient.core.internal.chat.PipelineClient;
import dev.llmclient.testkit.ScriptedChatBackend;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Graphiti's test_openai_client and test_azure_openai_client reasoning rules, with its fixes. */
class ReasoningRulesTest {

  record Answer(String text) {}

  private final ScriptedChatBackend backend = new ScriptedChatBackend();

  private ChatCompletionRequest send(LlmConfig config, boolean structured) {
    backend.enqueueContent("{\"text\":\"x\"}");
    LlmClient client =
        LlmClients.builder()
            .backend(backend)
            .settings(ProviderSettings.empty())
            .tracer(Tracer.noop())
            .config(config)
            .build();
    LlmRequest.Builder<?> request = LlmRequest.builder().addMessage(Message.user("q"));
    if (structured) {
      request = request.responseType(Answer.class);
    }
    client.generate(request.build());
    return backend.lastRequest();
  }

  private static LlmConfig model(
      String model, @Nullable String effort, @Nullable String verbosity) {
    return LlmConfig.builder()
        .model(model)
        .temperature(0.4)
        .reasoningEffort(effort)
        .verbosity(verbosity)
        .build();
  }

  @ParameterizedTest(name = "auto effort for {0} is {1}")
  @CsvSource({
    "gpt-5.5, none",
    "gpt-5.5-2026-04-23, none",
    "gpt-5, minimal",
    "gpt-5.4-mini, minimal",
    "o1, minimal",
    "gpt-4.1, minimal"
  })
  void autoEffortFollowsGraphitisRule(String model, String expected) {
    assertThat(PipelineClient.resolveEffort("auto", model)).isEqualTo(expected);
  }

  @Test
  void explicitEffortsPassThroughAndNullOrEmptySendNothing() {
    assertThat(PipelineClient.resolveEffort("high", "gpt-5.5")).isEqualTo("high");
    assertThat(PipelineClient.resolveEffort("low", "gpt-5")).isEqualTo("low");
    assertThat(PipelineClient.resolveEffort(null, "gpt-5")).isNull();
    assertThat(PipelineClient.resolveEffort("", "gpt-5")).isNull();
  }

  @Test
  void gpt55StructuredCallSendsNoneEffortLowVerbosityAndNoTemperature() {
    ChatCompletionRequest r = send(model("gpt-5.5", "auto", "low"), true);

    assertThat(r.temperature()).isNull();
    assertThat(r.reasoningEffort()).isEqualTo("none");
    assertThat(r.verbosity()).isEqualTo("low");
    assertThat(r.responseFormat()).isInstanceOf(ResponseFormat.JsonSchema.class);
    assertThat(r.maxOutputTokens()).isEqualTo(LlmConfig.DEFAULT_MAX_TOKENS);
  }

  @Test
  void anExplicitEffortOverridesAuto() {
    assertThat(send(model("gpt-5.5", "high", null), true).reasoningEffort()).isEqualTo("high");
  }

  @Test
  void aNonReasoningModelKeepsTemperatureAndGetsNoReasoningFields() {
    ChatCompletionRequest r = send(model("gpt-4.1", "auto", "low"), true);

    assertThat(r.temperature()).isEqualTo(0.4);
    assertThat(r.reasoningEffort()).isNull();
    assertThat(r.verbosity()).isNull();
  }

  @Test
  void anEmptyEffortIsNotSent() {
    assertThat(send(model("gpt-5", "", null), true).reasoningEffort()).isNull();
  }

  @Test
  void gpt5WithAutoGetsMinimalNotTheServiceDefault() {
    ChatCompletionRequest r = send(model("gpt-5", "auto", null), true);

    assertThat(r.reasoningEffort()).isEqualTo("minimal");
    assertThat(r.temperature()).isNull();
  }

  @Test
  void azureReasoningFieldsAreForwardedAsGivenForAnO1Deployment() {
    ChatCompletionRequest structured = send(model("o1-custom", "intense", "high"), true);
    assertThat(structured.temperature()).isNull();
    assertThat(structured.reasoningEffort()).isEqualTo("intense");
    assertThat(structured.verbosity()).isEqualTo("high");

    ChatCompletionRequest jsonMode = send(model("o1-custom", "intense", "high"), false);
    assertThat(jsonMode.temperature()).isNull();
    assertThat(jsonMode.responseFormat()).isEqualTo(ResponseFormat.jsonObject());
  }

  @Test
  void jsonModeOmitsTemperatureForReasoningModelsAndKeepsItForOthers() {
    assertThat(send(model("gpt-5.5", null, null), false).temperature()).isNull();
    assertThat(send(model("gpt-4.1", null, null), false).temperature()).isEqualTo(0.4);
  }

  @Test
  void o4IsAReasoningModelAndGpt5ChatIsNot() {
    assertThat(send(model("o4-mini", "auto", null), true).temperature()).isNull();
    ChatCompletionRequest chat = send(model("gpt-5-chat-latest", "auto", "low"), true);
    assertThat(chat.temperature()).isEqualTo(0.4);
    assertThat(chat.reasoningEffort()).isNull();
  }

  @Test
  void anOpaqueDeploymentDeclaredReasoningGetsReasoningParameters() {
    LlmConfig config =
        model("prod-chat", "auto", "low").toBuilder().reasoningModel("prod-chat", true).build();

    ChatCompletionRequest r = send(config, true);

    assertThat(r.temperature()).isNull();
    assertThat(r.reasoningEffort()).isEqualTo("minimal");
    assertThat(r.verbosity()).isEqualTo("low");
    assertThat(r.maxOutputTokens()).isEqualTo(LlmConfig.DEFAULT_MAX_TOKENS);
  }

  @Test
  void aDeclarationWinsOverThePrefixRule() {
    LlmConfig config =
        model("o3-lookalike", "auto", null).toBuilder()
            .reasoningModel("o3-lookalike", false)
            .build();

    ChatCompletionRequest r = send(config, true);

    assertThat(r.temperature()).isEqualTo(0.4);
    assertThat(r.reasoningEffort()).isNull();
  }

  @Test
  void aPerCallTemperatureOverridesTheConfigForNonReasoningModels() {
    backend.enqueueContent("{}");
    LlmClient client =
        LlmClients.builder()
            .backend(backend)
            .settings(ProviderSettings.empty())
            .tracer(Tracer.noop())
            .config(model("gpt-4.1", null, null))
            .build();

    client.generate(LlmRequest.builder().addMessage(Message.user("q")).temperature(1.2).build());

    assertThat(backend.lastRequest().temperature()).isEqualTo(1.2);
  }

  @Test
  void settingsSupplyEffortVerbosityAndTemperatureWhenTheConfigDoesNot() {
    LlmConfig config =
        LlmConfig.getDefault()
            .withDefaultsFrom(
                ProviderSettings.of(
                    java.util.Map.of(
                        "MODEL_NAME", "gpt-5",
                        "LLM_REASONING_EFFORT", "auto",
                        "LLM_VERBOSITY", "low",
                        "LLM_TEMPERATURE", "0.2",
                        "LLM_MAX_TOKENS", "900")));

    assertThat(config.model()).contains("gpt-5");
    assertThat(config.reasoningEffort()).contains("auto");
    assertThat(config.verbosity()).contains("low");
    assertThat(config.temperature()).contains(0.2);
    assertThat(config.maxTokens()).contains(900);
  }
}
