package dev.llmclient.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.llmclient.api.Message;
import dev.llmclient.api.spi.ChatCompletionRequest;
import dev.llmclient.api.spi.EmbeddingRequest;
import dev.llmclient.api.spi.ResponseFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every request body the provider builds validates against the official request schema, and names
 * no field the schema does not declare.
 */
class RequestSchemaTest {

  private static final Path OPENAI = Path.of("../specs/openai-openapi.yaml");
  private static final Path AZURE = Path.of("../specs/azure-openai-inference-2024-10-21.json");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String STRICT_SCHEMA =
      "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"},\"age\":{\"type\":"
          + "[\"integer\",\"null\"]}},\"required\":[\"name\",\"age\"],\"additionalProperties\":false}";

  private static JsonNode openAiSpec;

  static synchronized JsonNode openAi() throws IOException {
    if (openAiSpec == null) {
      openAiSpec = new ObjectMapper(new YAMLFactory()).readTree(OPENAI.toFile());
    }
    return openAiSpec;
  }

  /** The spec's component schemas as $defs, with every #/components/schemas ref rewritten. */
  private static Schema schema(JsonNode spec, String name) {
    JsonNode defs = spec.get("components").get("schemas");
    String text = defs.toString().replace("\"#/components/schemas/", "\"#/$defs/");
    ObjectNode root = JSON.createObjectNode();
    root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
    root.put("$ref", "#/$defs/" + name);
    try {
      JsonNode converted = JSON.readTree(text);
      dropBooleanExclusiveBounds(converted);
      root.set("$defs", converted);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(root);
  }

  /**
   * The OpenAI 3.1 spec still has a few OpenAPI 3.0 style {@code exclusiveMinimum: true} flags,
   * which JSON Schema 2020-12 rejects; they only qualify a sibling {@code minimum}, so they go.
   */
  private static void dropBooleanExclusiveBounds(JsonNode node) {
    if (node instanceof ObjectNode object) {
      for (String bound : List.of("exclusiveMinimum", "exclusiveMaximum")) {
        if (object.has(bound) && object.get(bound).isBoolean()) {
          object.remove(bound);
        }
      }
    }
    node.forEach(RequestSchemaTest::dropBooleanExclusiveBounds);
  }

  /** Every property name the named schema declares, through allOf / anyOf / $ref. */
  private static Set<String> knownProperties(JsonNode spec, JsonNode node, Set<String> out) {
    if (node == null) {
      return out;
    }
    if (node.has("$ref")) {
      String ref = node.get("$ref").asText();
      String def = ref.substring(ref.lastIndexOf('/') + 1);
      return knownProperties(spec, spec.get("components").get("schemas").get(def), out);
    }
    if (node.has("properties")) {
      node.get("properties").fieldNames().forEachRemaining(out::add);
    }
    for (String combinator : List.of("allOf", "anyOf", "oneOf")) {
      if (node.has(combinator)) {
        node.get(combinator).forEach(part -> knownProperties(spec, part, out));
      }
    }
    return out;
  }

  static void assertValid(JsonNode spec, String schemaName, byte[] body) throws IOException {
    JsonNode json = JSON.readTree(body);
    List<Error> errors = schema(spec, schemaName).validate(json);
    assertThat(errors).as("errors for %s", json).isEmpty();
    Set<String> known =
        knownProperties(
            spec, spec.get("components").get("schemas").get(schemaName), new HashSet<>());
    assertThat(known).as("the spec's properties of " + schemaName).isNotEmpty();
    Set<String> sent = new HashSet<>();
    json.fieldNames().forEachRemaining(sent::add);
    assertThat(known).as("fields the spec must know").containsAll(sent);
  }

  private static ChatCompletionRequest chat(
      String model, Double temperature, ResponseFormat format, String effort, String verbosity) {
    return new ChatCompletionRequest(
        model,
        List.of(Message.system("Extract."), Message.user("Ada, 36"), Message.assistant("ok")),
        temperature,
        1024,
        format,
        effort,
        verbosity,
        "user-1",
        Map.of());
  }

  @Test
  void openAiJsonObjectRequestsMatchCreateChatCompletionRequest() throws IOException {
    assertValid(
        openAi(),
        "CreateChatCompletionRequest",
        Json.chatBody(
            chat("gpt-4o", 0.0, ResponseFormat.jsonObject(), null, null),
            true,
            "max_completion_tokens"));
  }

  @Test
  void openAiStrictJsonSchemaRequestsMatch() throws IOException {
    assertValid(
        openAi(),
        "CreateChatCompletionRequest",
        Json.chatBody(
            chat(
                "gpt-4o",
                0.7,
                ResponseFormat.jsonSchema("Person", STRICT_SCHEMA, true),
                null,
                null),
            true,
            "max_completion_tokens"));
  }

  @Test
  void openAiReasoningModelRequestsMatch() throws IOException {
    assertValid(
        openAi(),
        "CreateChatCompletionRequest",
        Json.chatBody(
            chat(
                "gpt-5.5",
                null,
                ResponseFormat.jsonSchema("Person", STRICT_SCHEMA, true),
                "low",
                "medium"),
            true,
            "max_completion_tokens"));
  }

  @Test
  void openAiEmbeddingRequestsWithDimensionsMatchCreateEmbeddingRequest() throws IOException {
    assertValid(
        openAi(),
        "CreateEmbeddingRequest",
        Json.embeddingBody(
            new EmbeddingRequest("text-embedding-3-small", List.of("a", "b"), 256, Map.of()),
            true));
  }

  @Test
  void aFieldTheSpecDoesNotKnowFailsTheCheck() throws IOException {
    JsonNode spec = openAi();
    Set<String> known =
        knownProperties(
            spec,
            spec.get("components").get("schemas").get("CreateChatCompletionRequest"),
            new HashSet<>());
    assertThat(known)
        .contains("model", "messages", "max_completion_tokens", "reasoning_effort", "verbosity");
    assertThat(known).doesNotContain("max_output_tokens", "maxTokens");
    // The validator itself bites: a temperature above 2 and a missing messages list are caught.
    JsonNode broken = JSON.readTree("{\"model\":\"gpt-4o\",\"temperature\":5}");
    assertThat(schema(spec, "CreateChatCompletionRequest").validate(broken)).isNotEmpty();
  }

  /**
   * The 2024-10-21 spec marks {@code type} as required inside {@code json_schema} (a copy of the
   * outer object's list); neither the service nor OpenAI's spec wants it there. Patch exactly that
   * defect, and fail if the spec ever changes so the patch can be removed.
   */
  static JsonNode azureSpec() throws IOException {
    JsonNode spec = JSON.readTree(AZURE.toFile());
    ObjectNode jsonSchema =
        (ObjectNode) spec.at("/components/schemas/ResponseFormatJsonSchema/properties/json_schema");
    assertThat(jsonSchema.get("required").toString()).isEqualTo("[\"type\",\"name\"]");
    jsonSchema.set("required", JSON.readTree("[\"name\"]"));
    return spec;
  }

  @Test
  void azureDeploymentRouteRequestsMatchTheAzureSpec() throws IOException {
    JsonNode spec = azureSpec();
    for (ResponseFormat format :
        List.of(
            ResponseFormat.jsonObject(),
            ResponseFormat.jsonSchema("Person", STRICT_SCHEMA, true))) {
      assertValid(
          spec,
          "createChatCompletionRequest",
          Json.chatBody(chat("dep", 0.2, format, null, null), false, "max_completion_tokens"));
    }
    // A reasoning deployment: no temperature, max_completion_tokens.
    assertValid(
        spec,
        "createChatCompletionRequest",
        Json.chatBody(
            chat("o-dep", null, ResponseFormat.jsonObject(), null, null),
            false,
            "max_completion_tokens"));
  }

  @Test
  void azureEmbeddingRequestsMatchTheAzureSpec() throws IOException {
    JsonNode spec = azureSpec();
    JsonNode schema =
        spec.get("paths")
            .get("/deployments/{deployment-id}/embeddings")
            .get("post")
            .get("requestBody")
            .get("content")
            .get("application/json")
            .get("schema");
    JsonNode body =
        JSON.readTree(
            Json.embeddingBody(
                new EmbeddingRequest("emb", List.of("a", "b"), 256, Map.of()), false));
    List<Error> errors =
        SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
            .getSchema(schema)
            .validate(body);
    assertThat(errors).isEmpty();
    Set<String> known = new HashSet<>();
    schema.get("properties").fieldNames().forEachRemaining(known::add);
    Set<String> sent = new HashSet<>();
    body.fieldNames().forEachRemaining(sent::add);
    assertThat(known).containsAll(sent);
  }

  @Test
  void theSpecsAreWhereTheTestExpectsThem() {
    assertThat(Files.isReadable(OPENAI)).isTrue();
    assertThat(Files.isReadable(AZURE)).isTrue();
  }
}
