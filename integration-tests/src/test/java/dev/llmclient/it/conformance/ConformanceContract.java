package dev.llmclient.it.conformance;

import static dev.llmclient.it.conformance.PrismMock.ONE_VECTOR_1536;
import static dev.llmclient.it.conformance.PrismMock.THREE_VECTORS_256;
import static org.assertj.core.api.Assertions.assertThat;

import dev.llmclient.api.ContentPart;
import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmRequest;
import dev.llmclient.api.LlmStream;
import dev.llmclient.api.Message;
import dev.llmclient.api.ModelSize;
import dev.llmclient.api.Tool;
import dev.llmclient.api.ToolCall;
import dev.llmclient.api.ToolChoice;
import dev.llmclient.api.spi.EmbeddingBackend;
import dev.llmclient.api.spi.EmbeddingRequest;
import dev.llmclient.api.spi.EmbeddingResult;
import dev.llmclient.core.LlmClients;
import dev.llmclient.core.LlmConfig;
import dev.llmclient.core.RetryPolicy;
import dev.llmclient.it.secrets.Canary;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every request shape the SDK emits, sent by a real {@link LlmClient} (or, for embeddings, the
 * provider's real embedding backend) to Prism running an official spec, which must accept it;
 * embedding answers (spec-shaped examples) must decode into the vectors asked for. Extend it once
 * per route and authentication; each subclass starts its Prism once. Every case here runs on every
 * route: a case only some routes have (the legacy {@code max_tokens} parameter of provider-openai)
 * lives in those subclasses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ConformanceContract {

  /** A nested, closed object with a nullable field and an array. */
  record Address(String street, @Nullable String unit, List<String> lines) {}

  /** An enum, written by name. */
  enum Tier {
    FREE,
    PRO
  }

  /** Nested objects, arrays of objects and enums, nullable values: a strict schema's hard parts. */
  record Customer(
      String name,
      int age,
      Tier tier,
      Address address,
      List<Address> previousAddresses,
      @Nullable Double score,
      List<Tier> history) {}

  /** Graphiti-style extraction: a list of nested entities. */
  record Entity(String name, String type, List<String> aliases) {}

  /** The root of an extraction answer. */
  record Extraction(List<Entity> entities, @Nullable String summary) {}

  /** Re-asks keep the retry budget small: Prism's placeholder answers never validate. */
  static final RetryPolicy POLICY =
      RetryPolicy.builder()
          .maxRetries(0)
          .maxReasks(1)
          .initialBackoff(Duration.ofMillis(10))
          .jitter(0)
          .deadline(Duration.ofSeconds(60))
          .build();

  PrismMock prism;

  /** The spec this route is validated against. */
  abstract PrismMock.Spec spec();

  /** A client builder for the route, with provider, settings and authentication set. */
  abstract LlmClients.Builder clientBuilder(Map<String, String> extraSettings);

  /** The provider's embedding backend for the route. */
  abstract EmbeddingBackend embeddingBackend(String model);

  /** Hook for route-specific checks on the last request, e.g. the authentication header. */
  void checkLastRequest() {}

  @BeforeAll
  void startPrism() {
    prism = PrismMock.start(spec());
    afterPrismStarted();
  }

  /** Hook: runs once Prism listens. */
  void afterPrismStarted() {}

  @AfterAll
  void stopPrism() {
    if (prism != null) {
      prism.close();
    }
    Canary.assertNotLogged();
  }

  private LlmClient client(LlmConfig config, Map<String, String> extra) {
    return clientBuilder(extra).config(config).retryPolicy(POLICY).build();
  }

  void accepted(String shape, LlmConfig config, LlmRequest<?> request) {
    accepted(shape, config, Map.of(), request);
  }

  void accepted(String shape, LlmConfig config, Map<String, String> extra, LlmRequest<?> request) {
    try (LlmClient client = client(config, extra)) {
      int received =
          PrismVerdict.assertAccepted(
              prism, shape, () -> client.generateAsync(request).get(60, TimeUnit.SECONDS));
      assertThat(received).as("requests Prism validated for %s", shape).isGreaterThanOrEqualTo(1);
    }
    checkLastRequest();
  }

  static LlmConfig config() {
    return LlmConfig.builder().model("gpt-4o").smallModel("gpt-4o-mini").build();
  }

  @Test
  void jsonObjectModeIsAccepted() {
    accepted(
        "json_object",
        config(),
        LlmRequest.builder()
            .messages(
                List.of(
                    Message.system("You answer in JSON."),
                    Message.user("Give me a JSON object with a greeting.")))
            .maxTokens(200)
            .build());
  }

  @Test
  void strictJsonSchemaWithNestingArraysEnumsAndNullablesIsAccepted() {
    accepted(
        "strict json_schema (Customer)",
        config(),
        LlmRequest.builder()
            .messages(List.of(Message.user("Invent a customer.")))
            .responseType(Customer.class)
            .maxTokens(500)
            .build());
  }

  @Test
  void extractionSchemaWithTemperaturePromptNameAndSmallModelIsAccepted() {
    accepted(
        "strict json_schema (Extraction), temperature, small model",
        config(),
        LlmRequest.builder()
            .messages(
                List.of(
                    Message.system("Extract entities."),
                    Message.user("Ada Lovelace worked with Charles Babbage in London.")))
            .responseType(Extraction.class)
            .temperature(0.2)
            .modelSize(ModelSize.SMALL)
            .promptName("extract_nodes")
            .groupId("group-1")
            .build());
  }

  @Test
  void explicitJsonSchemaIsAccepted() {
    accepted(
        "explicit json_schema",
        config(),
        LlmRequest.builder()
            .messages(List.of(Message.user("Name a colour as JSON.")))
            .jsonSchema(
                "colour",
                "{\"type\":\"object\",\"properties\":{\"colour\":{\"type\":\"string\"}},"
                    + "\"required\":[\"colour\"],\"additionalProperties\":false}")
            .build());
  }

  @Test
  void reasoningModelParametersAreAccepted() {
    LlmConfig reasoning =
        LlmConfig.builder()
            .model("o3-mini")
            .smallModel("o3-mini")
            .reasoningModel("o3-mini", true)
            .reasoningEffort("low")
            .verbosity("low")
            .temperature(0.7)
            .build();
    accepted(
        "reasoning model (reasoning_effort, verbosity, no temperature)",
        reasoning,
        LlmRequest.builder()
            .messages(List.of(Message.system("Think."), Message.user("Invent a customer.")))
            .responseType(Customer.class)
            .maxTokens(2_000)
            .build());
  }

  @Test
  void reasoningModelWithoutEffortOrVerbosityIsAccepted() {
    LlmConfig reasoning =
        LlmConfig.builder().model("o3-mini").reasoningModel("o3-mini", true).build();
    accepted(
        "reasoning model (defaults)",
        reasoning,
        LlmRequest.builder()
            .messages(List.of(Message.user("Give me JSON with one field.")))
            .build());
  }

  /** A tool's parameters: a city and a unit. */
  record WeatherQuery(String city, Tier unitTier) {}

  @Test
  void aTextAnswerWithTheWholeSamplingSurfaceIsAccepted() {
    accepted(
        "text answer (no response_format), seed, top_p, stop, penalties, user, logprobs",
        config(),
        LlmRequest.builder()
            .messages(List.of(Message.system("Be brief."), Message.user("Say hello.")))
            .responseType(String.class)
            .maxTokens(100)
            .temperature(0.3)
            .topP(0.9)
            .seed(42L)
            .stop(List.of("\n\n", "END"))
            .presencePenalty(0.5)
            .frequencyPenalty(-0.5)
            .user("user-7")
            .logprobs(true)
            .topLogprobs(3)
            .build());
  }

  @Test
  void toolsWithEveryToolChoiceAndParallelCallsAreAccepted() {
    Tool weather = Tool.of("get_weather", "The weather in a city.", WeatherQuery.class);
    Tool explicit =
        Tool.ofSchema(
            "lookup",
            "Looks a word up.",
            "{\"type\":\"object\",\"properties\":{\"word\":{\"type\":\"string\"}},"
                + "\"required\":[\"word\"],\"additionalProperties\":false}");
    for (ToolChoice choice :
        List.of(
            ToolChoice.auto(),
            ToolChoice.none(),
            ToolChoice.required(),
            ToolChoice.named("lookup"))) {
      accepted(
          "tools, tool_choice " + choice + ", parallel_tool_calls",
          config(),
          LlmRequest.builder()
              .messages(List.of(Message.user("What is the weather in Paris?")))
              .responseType(String.class)
              .tools(List.of(weather, explicit))
              .toolChoice(choice)
              .parallelToolCalls(
                  choice.equals(ToolChoice.required()) ? Boolean.FALSE : Boolean.TRUE)
              .build());
    }
  }

  @Test
  void aConversationWithToolCallsAndToolResultsIsAccepted() {
    Tool weather = Tool.of("get_weather", "The weather in a city.", WeatherQuery.class);
    accepted(
        "assistant tool_calls and tool messages",
        config(),
        LlmRequest.builder()
            .messages(
                List.of(
                    Message.user("Weather in Paris and Rome?"),
                    Message.assistant(
                        List.of(
                            ToolCall.of(
                                "call_1",
                                "get_weather",
                                "{\"city\":\"Paris\",\"unitTier\":\"FREE\"}"),
                            ToolCall.of(
                                "call_2",
                                "get_weather",
                                "{\"city\":\"Rome\",\"unitTier\":\"PRO\"}"))),
                    Message.tool("call_1", "{\"celsius\":21}"),
                    Message.tool("call_2", "{\"celsius\":25}")))
            .responseType(String.class)
            .tools(List.of(weather))
            .build());
  }

  @Test
  void imagePartsByUrlAndFromBytesWithDetailAreAccepted() {
    byte[] png = java.util.Base64.getDecoder().decode(ONE_PIXEL_PNG);
    accepted(
        "image_url parts (URL, data URL, detail)",
        config(),
        LlmRequest.builder()
            .messages(
                List.of(
                    Message.user(
                        ContentPart.text("What is in these pictures?"),
                        ContentPart.imageUrl(java.net.URI.create("https://example.com/cat.png")),
                        ContentPart.imageUrl(
                            java.net.URI.create("https://example.com/dog.jpg"),
                            ContentPart.ImageDetail.LOW),
                        ContentPart.image(png, "image/png", ContentPart.ImageDetail.HIGH))))
            .responseType(String.class)
            .build());
  }

  @Test
  void aStreamingRequestWithUsageIsAccepted() {
    try (LlmClient client = clientBuilder(Map.of()).config(config()).retryPolicy(POLICY).build()) {
      int received =
          PrismVerdict.assertStreamAccepted(
              prism,
              "stream with stream_options.include_usage",
              () -> {
                try (LlmStream<String> stream =
                    client.stream(
                        LlmRequest.builder()
                            .messages(List.of(Message.user("Count to three.")))
                            .responseType(String.class)
                            .maxTokens(50)
                            .build())) {
                  return stream.response().get(60, TimeUnit.SECONDS);
                }
              });
      assertThat(received).isGreaterThanOrEqualTo(1);
    }
    checkLastRequest();
  }

  /** A 1x1 transparent PNG. */
  static final String ONE_PIXEL_PNG =
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

  @Test
  void embeddingsWithoutDimensionsAreAcceptedAndDecoded() {
    embeddingAccepted(
        "embeddings (base64, one input)",
        new EmbeddingRequest(
            "text-embedding-3-small", List.of("Ada Lovelace"), null, prefer(ONE_VECTOR_1536)),
        1536);
  }

  @Test
  void embeddingsWithDimensionsAndABatchAreAcceptedAndDecoded() {
    embeddingAccepted(
        "embeddings (base64, dimensions 256, three inputs)",
        new EmbeddingRequest(
            "text-embedding-3-large",
            List.of("one", "two", "three"),
            256,
            prefer(THREE_VECTORS_256)),
        256);
  }

  /** Asks Prism for one of the spec examples {@link PrismMock} added, by name. */
  private static Map<String, String> prefer(String example) {
    return Map.of("Prefer", "example=" + example);
  }

  /**
   * Sends {@code request} through the route's embedding backend; Prism must accept it and answer
   * with the example the request asked for, which the backend must decode into one finite vector of
   * {@code dimensions} numbers per input.
   */
  private void embeddingAccepted(String shape, EmbeddingRequest request, int dimensions) {
    AtomicReference<EmbeddingResult> result = new AtomicReference<>();
    try (EmbeddingBackend backend = embeddingBackend(request.model())) {
      int received =
          PrismVerdict.assertAccepted(
              prism,
              shape,
              () -> {
                result.set(backend.embed(request).get(60, TimeUnit.SECONDS));
                return null;
              });
      assertThat(received).as("requests Prism validated for %s", shape).isEqualTo(1);
    }
    EmbeddingResult decoded = result.get();
    assertThat(decoded).as("the decoded answer to %s", shape).isNotNull();
    assertThat(decoded.vectors()).as("vectors for %s", shape).hasSize(request.inputs().size());
    for (int i = 0; i < decoded.vectors().size(); i++) {
      float[] vector = decoded.vectors().get(i);
      assertThat(vector).as("dimensions of vector %d for %s", i, shape).hasSize(dimensions);
      for (int d = 0; d < vector.length; d++) {
        assertThat(Float.isFinite(vector[d]))
            .as("vector %d, dimension %d for %s is finite: %s", i, d, shape, vector[d])
            .isTrue();
      }
    }
    // the example's values, so a decoder that misreads the numbers is caught too
    assertThat(decoded.vectors().get(0)[1]).isEqualTo(-31 / 64f);
    checkLastRequest();
  }
}
