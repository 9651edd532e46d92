package dev.llmclient.testkit.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every request-validation error of the chat and embeddings routes, asserted as the whole {@code
 * error} object (message, type, param, code), plus the Azure v1 embeddings route and the body-size
 * limit.
 */
class RequestValidationErrorsTest {

  private static LlmSimulator sim;
  private static SimHttp http;

  @BeforeAll
  static void start() {
    sim =
        LlmSimulator.builder()
            .deployment(Deployment.of("gpt-4o"))
            .deployment(Deployment.of("o3").withReasoning(true))
            .deployment(Deployment.of("emb").withModel("text-embedding-3-small"))
            .start();
    http = new SimHttp(sim);
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  private static JsonNode error(String message, String param, String code) {
    ObjectNode e = SimHttp.MAPPER.createObjectNode();
    e.put("message", message);
    e.put("type", "invalid_request_error");
    e.put("param", param);
    e.put("code", code);
    return e;
  }

  private static String chat(String extraFields) {
    return "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]"
        + extraFields
        + "}";
  }

  static Stream<Arguments> chatErrors() {
    return Stream.of(
        Arguments.of(
            "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
            error("you must provide a model parameter", "model", null)),
        Arguments.of(
            "{\"model\":\"gpt-4o\",\"messages\":\"hi\"}",
            error(
                "Invalid type for 'messages': expected an array, but got string instead.",
                "messages",
                "invalid_type")),
        Arguments.of(
            "{\"model\":\"gpt-4o\",\"messages\":[]}",
            error(
                "Invalid 'messages': empty array. Expected an array with minimum length 1, but got"
                    + " an empty array instead.",
                "messages",
                "empty_array")),
        Arguments.of(
            chat(",\"temperature\":\"warm\""),
            error(
                "Invalid type for 'temperature': expected a decimal, but got a string instead.",
                "temperature",
                "invalid_type")),
        Arguments.of(
            chat(",\"temperature\":-0.5"),
            error(
                "Invalid 'temperature': decimal below minimum value. Expected a value >= 0, but got"
                    + " -0.5 instead.",
                "temperature",
                "decimal_below_min_value")),
        Arguments.of(
            chat(",\"max_tokens\":1.5"),
            error(
                "Invalid type for 'max_tokens': expected an integer.",
                "max_tokens",
                "invalid_type")),
        Arguments.of(
            chat(",\"max_completion_tokens\":0"),
            error(
                "Invalid 'max_completion_tokens': integer below minimum value. Expected a value >="
                    + " 1, but got 0 instead.",
                "max_completion_tokens",
                "integer_below_min_value")),
        Arguments.of(
            chat(",\"reasoning_effort\":\"low\""),
            error(
                "Unrecognized request argument supplied: reasoning_effort",
                "reasoning_effort",
                "unsupported_parameter")),
        Arguments.of(
            chat(",\"response_format\":{\"type\":\"yaml\"}"),
            error(
                "Invalid value: 'yaml'. Supported values are: 'json_object', 'json_schema', and"
                    + " 'text'.",
                "response_format.type",
                "invalid_value")),
        Arguments.of(
            chat(",\"response_format\":{\"type\":\"json_schema\"}"),
            error(
                "Missing required parameter: 'response_format.json_schema'.",
                "response_format.json_schema",
                "missing_required_parameter")),
        Arguments.of(
            chat(
                ",\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"a b\"}}"),
            error(
                "Invalid 'response_format.json_schema.name': string does not match pattern."
                    + " Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.",
                "response_format.json_schema.name",
                "invalid_value")),
        Arguments.of(
            chat(
                ",\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"ok\"}}"),
            error(
                "Invalid schema for response_format 'ok': schema must be a JSON Schema of 'type:"
                    + " \"object\"', got 'type: \"None\"'.",
                "response_format",
                "invalid_json_schema")));
  }

  @ParameterizedTest
  @MethodSource("chatErrors")
  void chatRequestErrorsAre400WithTheWholeOpenAiErrorObject(String body, JsonNode expected) {
    SimHttp.Response r = http.post("/v1/chat/completions", body);

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.header("content-type")).isEqualTo("application/json");
    assertThat(r.json().path("error")).isEqualTo(expected);
    assertThat(r.json().size()).isEqualTo(1);
  }

  static Stream<Arguments> embeddingErrors() {
    String tooMany =
        "{\"model\":\"emb\",\"input\":["
            + String.join(",", java.util.Collections.nCopies(2049, "\"a\""))
            + "]}";
    String tooLong = "{\"model\":\"emb\",\"input\":\"" + "abcd".repeat(8193) + "\"}";
    return Stream.of(
        Arguments.of("{\"model\":\"emb\"}", error("'input' is a required property", "input", null)),
        Arguments.of(
            "{\"model\":\"emb\",\"input\":[\"a\",\"\"]}",
            error(
                "'$.input' is invalid. Please check the API reference:"
                    + " https://platform.openai.com/docs/api-reference.",
                "input",
                null)),
        Arguments.of(
            tooMany,
            error(
                "Too many inputs. The max number of inputs is 2048. We recommend splitting your"
                    + " request into smaller chunks.",
                "input",
                "invalid_value")),
        Arguments.of(
            "{\"model\":\"emb\",\"input\":\"a\",\"dimensions\":0}",
            error(
                "Invalid 'dimensions': must be between 1 and 1536.",
                "dimensions",
                "invalid_value")),
        Arguments.of(
            "{\"model\":\"emb\",\"input\":\"a\",\"dimensions\":1537}",
            error(
                "Invalid 'dimensions': must be between 1 and 1536.",
                "dimensions",
                "invalid_value")),
        Arguments.of(
            "{\"model\":\"emb\",\"input\":\"a\",\"encoding_format\":\"int8\"}",
            error(
                "Invalid value: 'int8'. Supported values are: 'float' and 'base64'.",
                "encoding_format",
                "invalid_value")),
        Arguments.of(
            tooLong,
            error(
                "This model's maximum context length is 8192 tokens, however you requested 8193"
                    + " tokens. Please reduce your prompt; or completion length.",
                "input",
                "context_length_exceeded")));
  }

  @ParameterizedTest
  @MethodSource("embeddingErrors")
  void embeddingRequestErrorsAre400WithTheWholeOpenAiErrorObject(String body, JsonNode expected) {
    SimHttp.Response openAi = http.post("/v1/embeddings", body);
    SimHttp.Response azureV1 = http.post("/openai/v1/embeddings", body);

    assertThat(openAi.status()).isEqualTo(400);
    assertThat(openAi.json().path("error")).isEqualTo(expected);
    assertThat(azureV1.status()).isEqualTo(400);
    assertThat(azureV1.json().path("error")).isEqualTo(expected);
  }

  @Test
  void azureV1EmbeddingsTakeTheDeploymentFromTheModelField() {
    SimHttp.Response r =
        http.post("/openai/v1/embeddings", "{\"model\":\"emb\",\"input\":[\"a\",\"b\"]}");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().path("model").asText()).isEqualTo("text-embedding-3-small");
    assertThat(r.json().path("data")).hasSize(2);
    assertThat(r.header("x-ms-region")).isEqualTo("Simulator Local");
    RecordedRequest recorded = sim.lastRequest();
    assertThat(recorded.route()).isEqualTo(Route.EMBEDDINGS);
    assertThat(recorded.style()).isEqualTo(ApiStyle.AZURE_V1);
    assertThat(recorded.deployment()).isEqualTo("emb");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"/v1/embeddings", "/openai/deployments/emb/embeddings?api-version=2024-10-21"})
  void aBodyAbove32MibIs413InTheOpenAiShape(String path) {
    byte[] big = new byte[32 * 1024 * 1024 + 1];
    java.util.Arrays.fill(big, (byte) ' ');
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(sim.baseUri() + path))
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofByteArray(big))
            .build();

    SimHttp.Response r = http.send(request);

    assertThat(r.status()).isEqualTo(413);
    assertThat(r.json().path("error"))
        .isEqualTo(error("The request body is larger than 33554432 bytes.", null, null));
  }
}
