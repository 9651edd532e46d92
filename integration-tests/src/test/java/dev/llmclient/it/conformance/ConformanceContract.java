package dev.llmclient.it.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmRequest;
import dev.llmclient.api.Message;
import dev.llmclient.api.ModelSize;
import dev.llmclient.api.spi.EmbeddingBackend;
import dev.llmclient.api.spi.EmbeddingRequest;
import dev.llmclient.core.LlmClients;
import dev.llmclient.core.LlmConfig;
import dev.llmclient.core.RetryPolicy;
import dev.llmclient.it.secrets.Canary;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every request shape the SDK emits, sent by a real {@link LlmClient} (or, for embeddings, the
 * provider's real embedding backend) to Prism running an official spec, which must accept it.
 * Extend it once per route and authentication; each subclass starts its Prism once.
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

  /** Whether the route sends the OpenAI-only {@code max_tokens} alternative. */
  boolean supportsLegacyMaxTokensParameter() {
    return false;
  }

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

  private void accepted(String shape, LlmConfig config, LlmRequest request) {
    accepted(shape, config, Map.of(), request);
  }

  private void accepted(
      String shape, LlmConfig config, Map<String, String> extra, LlmRequest request) {
    try (LlmClient client = client(config, extra)) {
      int received =
          PrismVerdict.assertAccepted(
              prism, shape, () -> client.generateAsync(request).get(60, TimeUnit.SECONDS));
      assertThat(received).as("requests Prism validated for %s", shape).isGreaterThanOrEqualTo(1);
    }
    checkLastRequest();
  }

  private static LlmConfig config() {
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

  @Test
  void theLegacyMaxTokensParameterIsAccepted() {
    if (!supportsLegacyMaxTokensParameter()) {
      return;
    }
    accepted(
        "max_tokens instead of max_completion_tokens",
        config(),
        Map.of("OPENAI_MAX_TOKENS_PARAM", "max_tokens"),
        LlmRequest.builder()
            .messages(List.of(Message.user("Invent a customer.")))
            .responseType(Customer.class)
            .maxTokens(300)
            .build());
  }

  @Test
  void embeddingsWithoutDimensionsAreAccepted() {
    embeddingAccepted(
        "embeddings (base64, one input)",
        new EmbeddingRequest("text-embedding-3-small", List.of("Ada Lovelace"), null, Map.of()));
  }

  @Test
  void embeddingsWithDimensionsAndABatchAreAccepted() {
    embeddingAccepted(
        "embeddings (base64, dimensions 256, three inputs)",
        new EmbeddingRequest(
            "text-embedding-3-large", List.of("one", "two", "three"), 256, Map.of()));
  }

  private void embeddingAccepted(String shape, EmbeddingRequest request) {
    java.util.concurrent.atomic.AtomicReference<Object> result =
        new java.util.concurrent.atomic.AtomicReference<>();
    try (EmbeddingBackend backend = embeddingBackend(request.model())) {
      PrismVerdict.assertAccepted(
          prism,
          shape,
          () -> {
            result.set(backend.embed(request).get(60, TimeUnit.SECONDS));
            return null;
          });
    }
    // Prism answers with the spec's example (float arrays) or a placeholder; either way the
    // request was valid. Show which, so the report can say what the decoder met.
    System.out.printf("%s %s: %s%n", getClass().getSimpleName(), shape, describe(result.get()));
    checkLastRequest();
  }

  private static String describe(Object result) {
    if (result instanceof dev.llmclient.api.spi.EmbeddingResult r) {
      return "decoded " + r.vectors().size() + " vector(s)";
    }
    return "no result (the placeholder answer did not decode)";
  }
}
