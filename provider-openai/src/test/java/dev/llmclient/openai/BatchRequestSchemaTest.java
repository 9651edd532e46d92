package dev.llmclient.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmclient.api.Message;
import dev.llmclient.api.spi.BackendInfo;
import dev.llmclient.api.spi.BatchFile;
import dev.llmclient.api.spi.BatchJob;
import dev.llmclient.api.spi.ChatCompletionRequest;
import dev.llmclient.api.spi.ResponseFormat;
import dev.llmclient.testkit.simulator.LlmSimulator;
import dev.llmclient.testkit.simulator.Route;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the batch backend sends validates against the official OpenAI spec (each input line's body
 * is a {@code CreateChatCompletionRequest}, the create body a {@code CreateBatchRequest}), and what
 * the simulator answers validates against {@code Batch} and {@code OpenAIFile}, so the contract
 * tests run against the services' shapes.
 */
class BatchRequestSchemaTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SCHEMA =
      "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"}},"
          + "\"required\":[\"name\"],\"additionalProperties\":false}";

  @TempDir Path dir;
  private LlmSimulator simulator;
  private OpenAiBatchBackend backend;

  @BeforeEach
  void start() {
    simulator = LlmSimulator.builder().apiKey("k").deployment("gpt-4o").start();
    backend =
        OpenAiBatchBackend.builder("openai", new BackendInfo("openai", "openai", null, null, null))
            .routes(BatchRoutes.openAi(simulator.openAiBaseUri()))
            .authenticator(RequestAuthenticator.bearer("k"))
            .build();
  }

  @AfterEach
  void stop() {
    backend.close();
    simulator.close();
  }

  private static ChatCompletionRequest request() {
    return ChatCompletionRequest.builder(
            "gpt-4o", List.of(Message.system("Extract."), Message.user("Ada, 36")))
        .temperature(0.2)
        .maxOutputTokens(300)
        .responseFormat(ResponseFormat.jsonSchema("Person", SCHEMA, true))
        .seed(7L)
        .build();
  }

  private BatchJob submit() throws IOException {
    Path file = dir.resolve("in.jsonl");
    Files.write(file, backend.inputLine("r1", request()));
    BatchFile uploaded = backend.upload(file).join();
    return backend.create(uploaded.id(), Map.of("job", "schema")).join();
  }

  @Test
  void eachInputLineCarriesACreateChatCompletionRequestForTheBatchEndpoint() throws IOException {
    JsonNode line = JSON.readTree(backend.inputLine("r1", request()));

    assertThat(line.path("url").asText()).isEqualTo("/v1/chat/completions");
    assertThat(line.path("method").asText()).isEqualTo("POST");
    RequestSchemaTest.assertValid(
        RequestSchemaTest.openAi(),
        "CreateChatCompletionRequest",
        JSON.writeValueAsBytes(line.get("body")));
  }

  @Test
  void theCreateBodyIsACreateBatchRequest() throws IOException {
    submit();

    byte[] body = simulator.requests(Route.BATCHES).get(0).body().getBytes(StandardCharsets.UTF_8);
    RequestSchemaTest.assertValid(RequestSchemaTest.openAi(), "CreateBatchRequest", body);
    assertThat(JSON.readTree(body).path("metadata").path("job").asText()).isEqualTo("schema");
  }

  @Test
  void theSimulatorsBatchAndFileObjectsMatchTheSpec() throws Exception {
    BatchJob job = submit();
    HttpClient http = HttpClient.newHttpClient();
    URI base = simulator.openAiBaseUri();
    byte[] batch = get(http, URI.create(base + "/batches/" + job.id()));
    byte[] file = get(http, URI.create(base + "/files/" + job.inputFileId()));

    RequestSchemaTest.assertValid(RequestSchemaTest.openAi(), "Batch", batch);
    RequestSchemaTest.assertValid(RequestSchemaTest.openAi(), "OpenAIFile", file);
  }

  private static byte[] get(HttpClient http, URI uri) throws Exception {
    HttpResponse<byte[]> r =
        http.send(
            HttpRequest.newBuilder(uri).header("Authorization", "Bearer k").GET().build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }
}
