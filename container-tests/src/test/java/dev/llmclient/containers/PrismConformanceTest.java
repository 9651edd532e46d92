package dev.llmclient.containers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmclient.api.Message;
import dev.llmclient.api.spi.ChatBackend;
import dev.llmclient.api.spi.ChatCompletion;
import dev.llmclient.api.spi.ChatCompletionRequest;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.api.spi.ResponseFormat;
import dev.llmclient.openai.OpenAiProvider;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;

/**
 * The Prism mock server, in a container, on the official OpenAI spec: it answers 422 to any request
 * that the spec does not allow, so a 200 means the SDK's request conforms.
 */
@RequiresDockerEngine(images = LocalImages.PRISM)
class PrismConformanceTest {

  private static final String SCHEMA =
      "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"},"
          + "\"population\":{\"type\":[\"integer\",\"null\"]}},"
          + "\"required\":[\"city\",\"population\"],\"additionalProperties\":false}";

  private static GenericContainer<?> prism;
  private static int port;

  @BeforeAll
  @SuppressWarnings("resource") // stopped in stopPrism()
  static void startPrism() {
    port = Loopback.freePort();
    prism =
        new GenericContainer<>(LocalImages.name(LocalImages.PRISM))
            .withNetworkMode("host")
            .withCommand("-p", Integer.toString(port), "/specs/openai.min.yaml")
            .waitingFor(Loopback.listeningOn(port, Duration.ofSeconds(90)));
    prism.start();
  }

  @AfterAll
  static void stopPrism() {
    if (prism != null) {
      prism.stop();
    }
  }

  @Test
  void aStructuredChatRequestFromTheSdkConformsToTheOfficialSpec() throws Exception {
    ProviderSettings settings = SdkClients.openAi(URI.create("http://127.0.0.1:" + port)).build();
    ChatCompletionRequest request =
        new ChatCompletionRequest(
            "gpt-4o",
            List.of(
                Message.system("Extract the city. Answer in JSON."),
                Message.user("Lyon has about 520,000 inhabitants.")),
            0.2,
            256,
            ResponseFormat.jsonSchema("city_facts", SCHEMA, true),
            null,
            null,
            null,
            Map.of());
    int logged = prism.getLogs().length();
    try (ChatBackend backend = new OpenAiProvider().createChatBackend(settings)) {
      ChatCompletion completion = backend.complete(request).get(30, TimeUnit.SECONDS);

      assertThat(completion).isNotNull();
      assertThat(completion.content()).isNotNull();
    }
    assertThat(awaitLogAfter(logged, "validation rules"))
        .as("what Prism logged for the SDK's request")
        .contains("The request passed the validation rules")
        .doesNotContain("Request did not pass the validation rules");
  }

  @Test
  void theContainerRejectsARequestTheSpecDoesNotAllow() throws Exception {
    HttpRequest invalid =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/chat/completions"))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + SdkClients.API_KEY)
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o\"}"))
            .build();

    HttpResponse<String> response =
        HttpClient.newHttpClient().send(invalid, HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(422);
    assertThat(response.body()).contains("messages");
  }

  private static String awaitLogAfter(int offset, String marker) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    String added = prism.getLogs().substring(offset);
    while (!added.contains(marker) && System.nanoTime() < deadline) {
      Thread.sleep(50);
      added = prism.getLogs().substring(offset);
    }
    return added;
  }
}
