package dev.llmclient.it.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmclient.api.Message;
import dev.llmclient.api.ToolChoice;
import dev.llmclient.api.spi.BatchBackend;
import dev.llmclient.api.spi.BatchResults;
import dev.llmclient.api.spi.ChatCompletionRequest;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.api.spi.ResponseFormat;
import dev.llmclient.api.spi.ToolDefinition;
import dev.llmclient.it.secrets.Canary;
import dev.llmclient.openai.OpenAiProvider;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * provider-openai's file-batch backend against the official OpenAI spec's Files and Batches paths:
 * every request it sends (the multipart upload, create, retrieve, cancel, list with and without a
 * cursor, the download of an output file) must pass Prism's validation, and the {@code body} of
 * each input line it writes must be a chat completion request the spec accepts (posted to the
 * spec's {@code /chat/completions}). The Azure inference spec in the repository (2024-10-21) has no
 * files or batches paths, so Azure's batch routes are checked only against the simulator.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenAiBatchConformanceTest {

  private static final String SCHEMA =
      "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"}},"
          + "\"required\":[\"name\"],\"additionalProperties\":false}";

  private final ObjectMapper json = new ObjectMapper();
  private PrismMock prism;
  private BatchBackend batches;

  @BeforeAll
  void start() {
    prism = PrismMock.start(PrismMock.Spec.OPENAI_BATCH);
    batches =
        new OpenAiProvider()
            .createBatchBackend(
                ProviderSettings.of(
                    Map.of(
                        OpenAiProvider.API_KEY,
                        Canary.API_KEY,
                        OpenAiProvider.BASE_URL,
                        prism.baseUri().toString())));
  }

  @AfterAll
  void stop() {
    if (batches != null) {
      batches.close();
    }
    if (prism != null) {
      prism.close();
    }
    Canary.assertNotLogged();
  }

  private static ChatCompletionRequest structured(int i) {
    return ChatCompletionRequest.builder(
            "gpt-4o-mini",
            List.of(Message.system("Extract the person."), Message.user("Record " + i + ": Ada")))
        .maxOutputTokens(200)
        .responseFormat(ResponseFormat.jsonSchema("Person", SCHEMA, true))
        .build();
  }

  private Path input(Path dir, List<ChatCompletionRequest> requests) throws Exception {
    Path file = dir.resolve("input.jsonl");
    try (var out = Files.newOutputStream(file)) {
      for (int i = 0; i < requests.size(); i++) {
        out.write(batches.inputLine("record-" + i, requests.get(i)));
      }
    }
    return file;
  }

  @Test
  void theMultipartUploadIsAccepted(@TempDir Path dir) throws Exception {
    Path file = input(dir, List.of(structured(1), structured(2)));
    PrismVerdict.assertAccepted(
        prism,
        "file upload (multipart/form-data, purpose=batch)",
        () -> batches.upload(file).get(60, TimeUnit.SECONDS));
  }

  @Test
  void createWithMetadataIsAccepted() {
    PrismVerdict.assertAccepted(
        prism,
        "batch create (input_file_id, endpoint, completion_window, metadata)",
        () ->
            batches
                .create("file-abc123", Map.of("job", "conformance", "part", "1"))
                .get(60, TimeUnit.SECONDS));
  }

  @Test
  void retrieveCancelAndListAreAccepted() {
    PrismVerdict.assertAccepted(
        prism, "batch retrieve", () -> batches.retrieve("batch_abc123").get(60, TimeUnit.SECONDS));
    PrismVerdict.assertAccepted(
        prism, "batch cancel", () -> batches.cancel("batch_abc123").get(60, TimeUnit.SECONDS));
    PrismVerdict.assertAccepted(
        prism, "batch list", () -> batches.list(null, 20).get(60, TimeUnit.SECONDS));
    PrismVerdict.assertAccepted(
        prism,
        "batch list after a cursor",
        () -> batches.list("batch_abc123", 5).get(60, TimeUnit.SECONDS));
  }

  @Test
  void theOutputDownloadIsAccepted() {
    PrismVerdict.assertAccepted(
        prism,
        "file content download",
        () -> {
          try (BatchResults results = batches.results("file-abc123").get(60, TimeUnit.SECONDS)) {
            while (results.hasNext()) {
              results.next();
            }
          }
          return null;
        });
  }

  @Test
  void everyInputLineIsABatchEnvelopeAroundAChatRequestTheSpecAccepts(@TempDir Path dir)
      throws Exception {
    ToolDefinition lookup =
        new ToolDefinition(
            "lookup",
            "Looks a word up.",
            "{\"type\":\"object\",\"properties\":{\"word\":{\"type\":\"string\"}},"
                + "\"required\":[\"word\"],\"additionalProperties\":false}",
            true);
    List<ChatCompletionRequest> requests =
        List.of(
            structured(1),
            ChatCompletionRequest.builder("gpt-4o", List.of(Message.user("Say hello.")))
                .maxOutputTokens(50)
                .temperature(0.2)
                .topP(0.9)
                .seed(7L)
                .stop(List.of("END"))
                .presencePenalty(0.1)
                .frequencyPenalty(0.1)
                .user("user-1")
                .logprobs(true, 2)
                .build(),
            ChatCompletionRequest.builder("gpt-4o", List.of(Message.user("Look up 'batch'.")))
                .tools(List.of(lookup), ToolChoice.required(), Boolean.FALSE)
                .build());
    List<String> lines = Files.readAllLines(input(dir, requests), StandardCharsets.UTF_8);
    assertThat(lines).hasSize(requests.size());
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    for (int i = 0; i < lines.size(); i++) {
      JsonNode line = json.readTree(lines.get(i));
      assertThat(line.path("custom_id").asText()).isEqualTo("record-" + i);
      assertThat(line.path("method").asText()).isEqualTo("POST");
      assertThat(line.path("url").asText()).isEqualTo("/v1/chat/completions");
      assertThat(line.size()).as("only the envelope's four fields").isEqualTo(4);
      byte[] body = json.writeValueAsBytes(line.path("body"));
      int index = i;
      PrismVerdict.assertAccepted(
          prism,
          "the body of input line " + i,
          () -> {
            HttpResponse<String> r =
                http.send(
                    HttpRequest.newBuilder(URI.create(prism.baseUri() + "/chat/completions"))
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + Canary.API_KEY)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode())
                .as("Prism's answer to the body of line %d: %s", index, r.body())
                .isEqualTo(200);
            return r;
          });
    }
  }
}
