package dev.llmclient.it.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The oracle itself: Prism rejects an invalid body and accepts a valid one on both specs. */
class PrismMockSmokeTest {

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void theOpenAiMockValidatesChatRequestBodies() throws Exception {
    try (PrismMock prism = PrismMock.start(PrismMock.Spec.OPENAI)) {
      URI uri = prism.baseUri().resolve("/chat/completions");
      assertThat(
              post(
                  uri,
                  "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}",
                  "Authorization",
                  "Bearer sk-test"))
          .isEqualTo(200);
      assertThat(post(uri, "{\"model\":\"gpt-4o\"}", "Authorization", "Bearer sk-test"))
          .isEqualTo(422);
    }
  }

  @Test
  void theAzureMockValidatesChatRequestBodies() throws Exception {
    try (PrismMock prism = PrismMock.start(PrismMock.Spec.AZURE)) {
      URI uri =
          prism
              .baseUri()
              .resolve("/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21");
      assertThat(
              post(uri, "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", "api-key", "k"))
          .isEqualTo(200);
      assertThat(post(uri, "{\"messages\":\"hi\"}", "api-key", "k")).isEqualTo(422);
    }
  }

  private int post(URI uri, String body, String header, String value) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .header("Content-Type", "application/json")
            .header(header, value)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
  }
}
