package dev.llmclient.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmclient.api.EmptyResponseException;
import dev.llmclient.api.InvalidRequestException;
import dev.llmclient.api.InvalidResponseException;
import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmConfigurationException;
import dev.llmclient.api.LlmConnectionException;
import dev.llmclient.api.LlmRequest;
import dev.llmclient.api.LlmResponse;
import dev.llmclient.api.Message;
import dev.llmclient.api.ModelSize;
import dev.llmclient.api.RefusalException;
import dev.llmclient.api.Role;
import dev.llmclient.api.Usage;
import dev.llmclient.api.spi.BackendInfo;
import dev.llmclient.api.spi.ChatCompletion;
import dev.llmclient.api.spi.ChatCompletionRequest;
import dev.llmclient.api.spi.RateLimitInfo;
import dev.llmclient.api.spi.ResponseFormat;
import dev.llmclient.api.spi.Tracer;
import dev.llmclient.core.internal.schema.ResponseSchema;
import dev.llmclient.testkit.ScriptedChatBackend;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PipelineTest {

  record Person(String name, int birthYear) {}

  static final BackendInfo AZURE =
      new BackendInfo(
          "azure",
          "azure.ai.openai",
          URI.create("https://res.openai.azure.com"),
          "prod-chat",
          null);

  final ScriptedChatBackend backend = new ScriptedChatBackend();
  final ManualScheduler scheduler = new ManualScheduler();

  LlmClients.Builder builder() {
    return LlmClients.builder()
        .backend(backend)
        .settings(dev.llmclient.api.spi.ProviderSettings.empty())
        .tracer(Tracer.noop())
        .clock(scheduler.clock())
        .scheduler(scheduler)
        .random(() -> 0.0);
  }

  LlmClient client() {
    return builder().build();
  }

  LlmClient client(LlmConfig config) {
    return builder().config(config).build();
  }

  static ChatCompletion completion(String content, String finishReason, Usage usage) {
    return new ChatCompletion(
        content,
        null,
        finishReason,
        usage,
        "served-model",
        "chatcmpl-1",
        "req-1",
        RateLimitInfo.NONE);
  }

  // ---- json_object vs json_schema (Graphiti test_openai_generic_client) ---------------------

  @Test
  void withoutAResponseTypeTheCallUsesJsonObjectModeAndReturnsTheMap() {
    backend.enqueueContent("{\"answer\":42,\"list\":[1,\"a\",null],\"nested\":{\"x\":true}}");

    Map<String, Object> json = client().generateResponse(List.of(Message.user("q")));

    assertThat(json).containsEntry("answer", 42).containsKey("nested");
    assertThat(json.get("list")).isEqualTo(java.util.Arrays.asList(1, "a", null));
    assertThat(backend.lastRequest().responseFormat()).isEqualTo(ResponseFormat.jsonObject());
    assertThatThrownBy(() -> json.put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void aResponseTypeBecomesAStrictJsonSchemaNamedAfterTheClass() {
    backend.enqueueContent("{\"name\":\"Ada\",\"birthYear\":1815}");

    Person p = client().generate(List.of(Message.user("Ada, 1815")), Person.class);

    assertThat(p).isEqualTo(new Person("Ada", 1815));
    ResponseFormat format = backend.lastRequest().responseFormat();
    assertThat(format).isInstanceOf(ResponseFormat.JsonSchema.class);
    ResponseFormat.JsonSchema schema = (ResponseFormat.JsonSchema) format;
    assertThat(schema.name()).isEqualTo("Person");
    assertThat(schema.strict()).isTrue();
    assertThat(schema.schemaJson()).isEqualTo(ResponseSchema.forType(Person.class).json);
  }

  @Test
  void jsonSchemaModeDoesNotInjectTheSchemaIntoThePrompt() {
    backend.enqueueContent("{\"name\":\"Ada\",\"birthYear\":1815}");

    client().generate(List.of(Message.system("sys"), Message.user("Ada")), Person.class);

    assertThat(backend.lastRequest().messages())
        .containsExactly(Message.system("sys"), Message.user("Ada"));
  }

  @Test
  void jsonObjectModeSendsJsonObjectAndPutsTheSchemaIntoTheLastMessage() {
    backend.enqueueContent("{\"name\":\"Ada\",\"birthYear\":1815}");
    LlmClient client =
        client(LlmConfig.builder().structuredOutputMode(StructuredOutputMode.JSON_OBJECT).build());

    Person p = client.generate(List.of(Message.system("sys"), Message.user("Ada")), Person.class);

    assertThat(p).isEqualTo(new Person("Ada", 1815));
    ChatCompletionRequest sent = backend.lastRequest();
    assertThat(sent.responseFormat()).isEqualTo(ResponseFormat.jsonObject());
    assertThat(sent.messages().get(0).content()).isEqualTo("sys");
    assertThat(sent.messages().get(1).content())
        .isEqualTo(
            "Ada\n\nRespond with a JSON object in the following format:\n\n"
                + ResponseSchema.forType(Person.class).json);
  }

  @Test
  void jsonObjectModeStillValidatesAgainstTheSchema() {
    backend
        .enqueueContent("{\"name\":\"Ada\"}")
        .enqueueContent("{\"name\":\"Ada\",\"birthYear\":1}");
    LlmClient client =
        builder()
            .settings(
                dev.llmclient.api.spi.ProviderSettings.of(
                    Map.of("LLM_STRUCTURED_OUTPUT_MODE", "json_object")))
            .build();

    LlmResponse<Person> r =
        client.generate(
            LlmRequest.builder()
                .addMessage(Message.user("Ada"))
                .responseType(Person.class)
                .build());

    assertThat(r.reasks()).isEqualTo(1);
    assertThat(backend.requests().get(1).messages().get(1).content()).contains("SchemaValidation");
  }

  @Test
  void withoutAResponseTypeNothingIsInjectedInEitherMode() {
    backend.enqueueContent("{\"a\":1}");
    LlmClient client =
        client(LlmConfig.builder().structuredOutputMode(StructuredOutputMode.JSON_OBJECT).build());

    assertThat(client.generateResponse(List.of(Message.user("q")))).containsEntry("a", 1);
    assertThat(backend.lastRequest().messages()).containsExactly(Message.user("q"));
    assertThat(backend.lastRequest().responseFormat()).isEqualTo(ResponseFormat.jsonObject());
  }

  @Test
  void anUnknownStructuredOutputModeSettingNamesTheAllowedValues() {
    assertThatThrownBy(
            () ->
                builder()
                    .settings(
                        dev.llmclient.api.spi.ProviderSettings.of(
                            Map.of("LLM_STRUCTURED_OUTPUT_MODE", "tools")))
                    .build())
        .isExactlyInstanceOf(LlmConfigurationException.class)
        .hasMessage("LLM_STRUCTURED_OUTPUT_MODE must be json_schema or json_object, got 'tools'");
  }

  @Test
  void anExplicitSchemaIsSentAndTheAnswerReturnedAsAMap() {
    String schema =
        "{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\"}},"
            + "\"required\":[\"n\"],\"additionalProperties\":false}";
    backend.enqueueContent("{\"n\":7}");

    LlmResponse<Map<String, Object>> r =
        client()
            .generate(
                LlmRequest.builder()
                    .addMessage(Message.user("q"))
                    .jsonSchema("Counter", schema)
                    .build());

    assertThat(r.value()).containsEntry("n", 7);
    assertThat(backend.lastRequest().responseFormat())
        .isEqualTo(ResponseFormat.jsonSchema("Counter", schema, true));
  }

  @Test
  void aMarkdownCodeFenceAroundTheJsonIsStripped() {
    backend.enqueueContent("```json\n{\"name\":\"Ada\",\"birthYear\":1815}\n```");
    backend.enqueueContent("```\n{\"a\":1}\n```");

    assertThat(client().generate(List.of(Message.user("q")), Person.class).name()).isEqualTo("Ada");
    assertThat(client().generateResponse(List.of(Message.user("q")))).containsEntry("a", 1);
    assertThat(backend.requests()).hasSize(2);
  }

  // ---- empty, invalid, refusal, non-retryable ------------------------------------------------

  @Test
  void anEmptyAnswerIsReAskedTwiceThenFailsWithEmptyResponseException() {
    backend.enqueueContent("").enqueueContent("   ").enqueue(completion(null, "stop"));

    assertThatThrownBy(() -> client().generateResponse(List.of(Message.user("q"))))
        .isExactlyInstanceOf(EmptyResponseException.class)
        .hasMessageContaining("no content")
        .hasMessageContaining("2 re-asks");
    assertThat(backend.requests()).hasSize(3);
    assertThat(backend.requests().get(1).messages().get(1).content())
        .contains("Error type: EmptyResponse");
  }

  private static ChatCompletion completion(String content, String finishReason) {
    return new ChatCompletion(
        content, null, finishReason, Usage.of(3, 0), null, null, null, RateLimitInfo.NONE);
  }

  @Test
  void aNonRetryableErrorIsThrownAfterExactlyOneCallAsTheSameInstance() {
    InvalidRequestException bad = new InvalidRequestException("bad request");
    backend.enqueueFailure(bad);

    assertThatThrownBy(() -> client().generateResponse(List.of(Message.user("q")))).isSameAs(bad);
    assertThat(backend.requests()).hasSize(1);
  }

  @Test
  void aRefusalFailsAtOnceWithoutAReAsk() {
    backend.enqueue(
        new ChatCompletion(
            null,
            "I can't help with that.",
            "stop",
            Usage.of(5, 2),
            null,
            null,
            "r-9",
            RateLimitInfo.NONE));

    assertThatThrownBy(() -> client().generate(List.of(Message.user("q")), Person.class))
        .isExactlyInstanceOf(RefusalException.class)
        .satisfies(
            e -> assertThat(((RefusalException) e).refusal()).isEqualTo("I can't help with that."))
        .satisfies(e -> assertThat(((RefusalException) e).requestId()).isEqualTo("r-9"));
    assertThat(backend.requests()).hasSize(1);
  }

  @Test
  void invalidJsonIsReAskedWithTheErrorAndTheCallersListStaysUnchanged() {
    backend.enqueueContent("{not json").enqueueContent("{\"name\":\"Ada\",\"birthYear\":1815}");
    List<Message> messages = new ArrayList<>(List.of(Message.system("s"), Message.user("q")));
    List<Message> before = List.copyOf(messages);

    LlmResponse<Person> r =
        client()
            .generate(LlmRequest.builder().messages(messages).responseType(Person.class).build());

    assertThat(r.value().name()).isEqualTo("Ada");
    assertThat(r.attempts()).isEqualTo(2);
    assertThat(r.reasks()).isEqualTo(1);
    assertThat(messages).isEqualTo(before);
    List<Message> second = backend.requests().get(1).messages();
    assertThat(second).hasSize(3);
    assertThat(second.get(2).role()).isEqualTo(Role.USER);
    assertThat(second.get(2).content())
        .contains("Error type: InvalidJson")
        .contains("Error details: the reply is not valid JSON")
        .doesNotContain("{not json");
  }

  @Test
  void aSchemaMismatchIsReAskedNamingTheFieldThenFailsAfterTwoReAsks() {
    backend
        .enqueueContent("{\"name\":\"Ada\"}")
        .enqueueContent("{\"name\":\"Ada\",\"birthYear\":\"x\"}")
        .enqueueContent("{\"name\":\"Ada\"}");

    assertThatThrownBy(() -> client().generate(List.of(Message.user("q")), Person.class))
        .isExactlyInstanceOf(InvalidResponseException.class)
        .hasMessageContaining("also after 2 re-asks")
        .hasMessageContaining("birthYear");
    assertThat(backend.requests()).hasSize(3);
    assertThat(backend.requests().get(1).messages().get(1).content())
        .contains("Error type: SchemaValidation")
        .contains("birthYear");
    assertThat(backend.requests().get(2).messages()).hasSize(3);
  }

  @Test
  void anArrayWhereAnObjectIsExpectedIsReAsked() {
    backend.enqueueContent("[1,2]").enqueueContent("{\"ok\":1}");

    LlmResponse<Map<String, Object>> r =
        client().generate(LlmRequest.builder().addMessage(Message.user("q")).build());

    assertThat(r.reasks()).isEqualTo(1);
    assertThat(backend.requests().get(1).messages().get(1).content()).contains("NotAJsonObject");
  }

  @Test
  void trailingTextAfterTheJsonObjectIsInvalid() {
    backend.enqueueContent("{\"a\":1} and more").enqueueContent("{\"a\":2}");

    assertThat(client().generateResponse(List.of(Message.user("q")))).containsEntry("a", 2);
  }

  @Test
  void anAnswerCutOffAtMaxTokensSaysTheCapSentWasTooSmall() {
    backend.enqueue(completion("{\"name\":\"Ad", "length"));

    assertThatThrownBy(
            () ->
                client()
                    .generate(
                        LlmRequest.builder()
                            .addMessage(Message.user("q"))
                            .responseType(Person.class)
                            .maxTokens(64)
                            .build()))
        .isExactlyInstanceOf(InvalidResponseException.class)
        .hasMessageContaining("max tokens (64) was too small");
    assertThat(backend.requests()).hasSize(1);
  }

  @Test
  void generateRethrowsTheFailureItselfNotAWrapper() {
    RefusalException refusal = new RefusalException("no");
    backend.enqueueFailure(refusal);

    assertThatThrownBy(
            () -> client().generate(LlmRequest.builder().addMessage(Message.user("q")).build()))
        .isSameAs(refusal);
  }

  @Test
  void usageSumsEveryAttemptAndAttemptsCountEveryRequest() {
    backend
        .enqueue(completion("nope", "stop", Usage.of(100, 10)))
        .enqueue(completion("{\"a\":1}", "stop", Usage.of(120, 20)));

    LlmResponse<Map<String, Object>> r =
        client().generate(LlmRequest.builder().addMessage(Message.user("q")).build());

    assertThat(r.usage()).isEqualTo(Usage.of(220, 30));
    assertThat(r.attempts()).isEqualTo(2);
    assertThat(r.model()).isEqualTo("served-model");
    assertThat(r.requestId()).isEqualTo("req-1");
    assertThat(r.finishReason()).isEqualTo("stop");
    assertThat(r.cacheHit()).isFalse();
  }

  // ---- cleaning and suffix -------------------------------------------------------------------

  @Test
  void messagesAreCleanedOnACopyBeforeSending() {
    backend.enqueueContent("{}");
    List<Message> messages = List.of(Message.user("a\u0000b\u200Bc\nd"));

    client().generateResponse(messages);

    assertThat(backend.lastRequest().messages().get(0).content()).isEqualTo("abc\nd");
    assertThat(messages.get(0).content()).isEqualTo("a\u0000b\u200Bc\nd");
  }

  @Test
  void theSuffixIsOffByDefault() {
    backend.enqueueContent("{}");

    client().generateResponse(List.of(Message.system("sys"), Message.user("q")));

    assertThat(backend.lastRequest().messages().get(0).content()).isEqualTo("sys");
  }

  @Test
  void theLanguageInstructionIsAppendedToTheFirstMessageOfTheCopyOnly() {
    backend.enqueueContent("{}").enqueueContent("{}");
    LlmClient client =
        builder().systemPromptSuffix(SystemPromptSuffix.languageInstruction()).build();
    List<Message> messages = new ArrayList<>(List.of(Message.system("sys"), Message.user("q")));

    client.generateResponse(messages);
    client.generateResponse(messages);

    assertThat(backend.requests())
        .allSatisfy(
            r ->
                assertThat(r.messages().get(0).content())
                    .isEqualTo("sys" + SystemPromptSuffix.LANGUAGE_INSTRUCTION));
    assertThat(messages.get(0).content()).isEqualTo("sys");
    assertThat(SystemPromptSuffix.LANGUAGE_INSTRUCTION)
        .isEqualTo(
            "\n\nAny extracted information should be returned in the same language as it was"
                + " written in. Only output non-English text when the user has written full"
                + " sentences or phrases in that non-English language. Otherwise, output English.");
  }

  @Test
  void theSuffixHookReceivesTheGroupId() {
    backend.enqueueContent("{}");
    LlmClient client = builder().systemPromptSuffix(g -> " [group " + g + "]").build();

    client.generateResponse(List.of(Message.user("q")), null, null, null, "g-7", null);

    assertThat(backend.lastRequest().messages().get(0).content()).isEqualTo("q [group g-7]");
  }

  // ---- max tokens and model size -------------------------------------------------------------

  private ChatCompletionRequest sent(LlmClient client, LlmRequest<?> request) {
    backend.enqueueContent("{}");
    client.generate(request);
    return backend.lastRequest();
  }

  private static LlmRequest.Builder<Map<String, Object>> q() {
    return LlmRequest.builder().addMessage(Message.user("q"));
  }

  @Test
  void maxTokensComeFromTheCallThenTheClientThenTheConfigThenTheDefault() {
    LlmConfig config = LlmConfig.builder().maxTokens(3000).build();
    LlmClient withClientCap = builder().maxTokens(2000).build();

    assertThat(sent(withClientCap, q().maxTokens(500).build()).maxOutputTokens()).isEqualTo(500);
    assertThat(sent(withClientCap, q().build()).maxOutputTokens()).isEqualTo(2000);
    assertThat(sent(client(config), q().build()).maxOutputTokens()).isEqualTo(3000);
    assertThat(sent(client(), q().build()).maxOutputTokens()).isEqualTo(16384);
  }

  @Test
  void theClientCapIsTheConfigsCapSoTwoDifferentCapsFailTheBuild() {
    LlmConfig config = LlmConfig.builder().maxTokens(3000).build();

    assertThat(
            sent(builder().config(config).maxTokens(3000).build(), q().build()).maxOutputTokens())
        .isEqualTo(3000);
    assertThatThrownBy(() -> builder().config(config).maxTokens(2000).build())
        .isInstanceOf(LlmConfigurationException.class)
        .hasMessageContaining("The output-token cap is set twice, to different values")
        .hasMessageContaining("2000 by LlmClients.builder().maxTokens(...)")
        .hasMessageContaining("3000 by LlmConfig.maxTokens (or LLM_MAX_TOKENS)");
    assertThatThrownBy(
            () ->
                builder()
                    .settings(
                        dev.llmclient.api.spi.ProviderSettings.of(
                            java.util.Map.of("LLM_MAX_TOKENS", "1000")))
                    .maxTokens(2000)
                    .build())
        .isInstanceOf(LlmConfigurationException.class)
        .hasMessageContaining("1000 by LlmConfig.maxTokens (or LLM_MAX_TOKENS)");
  }

  @Test
  void smallCallsUseTheSmallModelAndMediumCallsTheMainOne() {
    LlmClient client = client(LlmConfig.builder().model("main").smallModel("mini").build());

    assertThat(sent(client, q().modelSize(ModelSize.SMALL).build()).model()).isEqualTo("mini");
    assertThat(sent(client, q().build()).model()).isEqualTo("main");
  }

  @Test
  void modelsFallBackToSettingsThenTheBackendsDefaults() {
    LlmClient fromSettings =
        builder()
            .settings(
                dev.llmclient.api.spi.ProviderSettings.of(
                    Map.of("MODEL_NAME", "env-main", "SMALL_MODEL_NAME", "env-mini")))
            .build();
    assertThat(sent(fromSettings, q().build()).model()).isEqualTo("env-main");
    assertThat(sent(fromSettings, q().modelSize(ModelSize.SMALL).build()).model())
        .isEqualTo("env-mini");

    assertThat(sent(client(), q().build()).model()).isEqualTo("fake-model");
    assertThat(sent(client(), q().modelSize(ModelSize.SMALL).build()).model())
        .isEqualTo("fake-model-small");
  }

  @Test
  void onAzureASmallCallGoesToTheSmallDeploymentOrTheMainOneNeverAnOpenAiModelName() {
    backend.info(AZURE);
    assertThat(sent(client(), q().modelSize(ModelSize.SMALL).build()).model())
        .isEqualTo("prod-chat");

    LlmClient withSmall = client(LlmConfig.builder().smallModel("prod-mini").build());
    assertThat(sent(withSmall, q().modelSize(ModelSize.SMALL).build()).model())
        .isEqualTo("prod-mini");
    assertThat(backend.requests()).noneMatch(r -> r.model().startsWith("gpt-"));
  }

  @Test
  void withNoModelAnywhereTheCallSaysWhatToSet() {
    backend.info(new BackendInfo("openai", "openai", null, null, null));

    assertThatThrownBy(() -> client().generateResponse(List.of(Message.user("q"))))
        .isExactlyInstanceOf(LlmConfigurationException.class)
        .hasMessageContaining("set MODEL_NAME");
    assertThat(backend.requests()).isEmpty();
  }

  // ---- Azure structured call (Graphiti defect 3.3) -------------------------------------------

  @Test
  void anAzureStructuredCallReturnsTheMapAndRecordsTokens() {
    backend.info(AZURE);
    backend.enqueue(completion("{\"name\":\"Ada\",\"birthYear\":1815}", "stop", Usage.of(40, 9)));
    TokenUsageTracker tracker = new TokenUsageTracker();
    LlmClient client = builder().tokenUsageTracker(tracker).build();

    Map<String, Object> json =
        client.generateResponse(
            List.of(Message.user("Ada")), Person.class, null, null, null, "extract.person");

    assertThat(json).containsEntry("name", "Ada").containsEntry("birthYear", 1815);
    assertThat(backend.requests()).hasSize(1);
    assertThat(backend.lastRequest().model()).isEqualTo("prod-chat");
    assertThat(tracker.usage("extract.person"))
        .isEqualTo(new PromptTokenUsage("extract.person", 1, 40, 9, 0.0));
  }

  @Test
  void failedAttemptsTokensAreRecordedToo() {
    TokenUsageTracker tracker = new TokenUsageTracker();
    backend
        .enqueue(completion("bad", "stop", Usage.of(10, 5)))
        .enqueue(completion("bad", "stop", Usage.of(10, 5)));

    assertThatThrownBy(
            () ->
                builder()
                    .tokenUsageTracker(tracker)
                    .retryPolicy(RetryPolicy.builder().maxReasks(1).build())
                    .build()
                    .generateResponse(List.of(Message.user("q"))))
        .isInstanceOf(InvalidResponseException.class);
    assertThat(tracker.usage((String) null))
        .isEqualTo(new PromptTokenUsage("unknown", 1, 20, 10, 0.0));
  }

  // ---- lifecycle -----------------------------------------------------------------------------

  @Test
  void aClosedClientFailsAtOnceAndClosesItsBackend() {
    LlmClient client = client();
    client.close();

    assertThat(backend.isClosed()).isTrue();
    assertThatThrownBy(() -> client.generateResponse(List.of(Message.user("q"))))
        .isExactlyInstanceOf(LlmConnectionException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void aTypeWithAMapFieldIsRejectedBeforeAnyRequest() {
    record Bad(Map<String, String> attributes) {}

    assertThatThrownBy(() -> client().generate(List.of(Message.user("q")), Bad.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'attributes'")
        .hasMessageContaining("list of key/value records");
    assertThat(backend.requests()).isEmpty();
  }

  /** Maps every answer to null, as a faulty custom deserializer would. */
  static final class NullDeserializer
      extends com.fasterxml.jackson.databind.JsonDeserializer<NullMapped> {
    @Override
    public NullMapped deserialize(
        com.fasterxml.jackson.core.JsonParser p,
        com.fasterxml.jackson.databind.DeserializationContext ctx)
        throws java.io.IOException {
      p.skipChildren();
      return null;
    }
  }

  @com.fasterxml.jackson.databind.annotation.JsonDeserialize(using = NullDeserializer.class)
  record NullMapped(String name) {}

  @Test
  void anAnswerThatATypeMapsToNullIsATypedFailureNotAHang() {
    backend.enqueueContent("{\"name\":\"Ada\"}");
    try (LlmClient client = client()) {
      java.util.concurrent.CompletableFuture<dev.llmclient.api.LlmResponse<NullMapped>> f =
          client.generateAsync(
              dev.llmclient.api.LlmRequest.builder()
                  .addMessage(dev.llmclient.api.Message.user("who"))
                  .responseType(NullMapped.class)
                  .build());

      org.assertj.core.api.Assertions.assertThat(f).isDone();
      org.assertj.core.api.Assertions.assertThatThrownBy(f::join)
          .hasCauseInstanceOf(dev.llmclient.api.InvalidResponseException.class)
          .hasMessageContaining("mapping it gave null");
    }
  }
}
