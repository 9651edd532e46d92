package dev.llmclient.azure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmclient.api.Message;
import dev.llmclient.api.spi.ChatBackend;
import dev.llmclient.api.spi.ChatCompletionRequest;
import dev.llmclient.api.spi.EmbeddingBackend;
import dev.llmclient.api.spi.EmbeddingRequest;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.azure.TokenCacheTest.FakeCredential;
import dev.llmclient.azure.TokenCacheTest.MutableClock;
import dev.llmclient.testkit.simulator.LlmSimulator;
import dev.llmclient.testkit.simulator.RawReply;
import dev.llmclient.testkit.simulator.RecordedRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Entra ID token rotation through the provider, on the wire: a token source hands out {@code
 * token-1}, then {@code token-2}, each valid for an hour on a clock the test moves. The simulator
 * accepts both, but, as Azure does, rejects {@code token-1} with a 401 once it has expired; the
 * {@code Authorization} header it recorded shows which token each call sent.
 */
class TokenRotationTest {

  private static final String EXPIRED_TOKEN_401 =
      "{\"error\":{\"code\":\"401\",\"message\":\"Unauthorized. Access token is missing, invalid,"
          + " audience is incorrect (https://cognitiveservices.azure.com), or have expired.\"}}";

  private MutableClock clock;
  private FakeCredential source;
  private LlmSimulator sim;
  private AzureOpenAiProvider provider;
  private ProviderSettings settings;

  @BeforeEach
  void start() {
    clock = new MutableClock();
    source = new FakeCredential(clock);
    Instant firstExpiry = clock.instant().plus(Duration.ofHours(1));
    sim =
        LlmSimulator.builder()
            .bearerToken("token-1", "token-2")
            .deployment("chat", "embed")
            .requireJsonWordForJsonObject(false)
            .start();
    sim.respond(
        r ->
            "Bearer token-1".equals(r.header("authorization"))
                && !clock.instant().isBefore(firstExpiry),
        r -> RawReply.json(401, EXPIRED_TOKEN_401));
    provider = new AzureOpenAiProvider(source, clock);
    settings =
        ProviderSettings.of(
            Map.of(
                AzureOpenAiProvider.ENDPOINT, sim.azureEndpoint().toString(),
                AzureOpenAiProvider.DEPLOYMENT_NAME, "chat",
                AzureOpenAiProvider.EMBEDDING_DEPLOYMENT_NAME, "embed"));
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  @Test
  void aChatCallAfterTheFirstTokenExpiredSendsTheNewBearer() throws Exception {
    try (ChatBackend chat = provider.createChatBackend(settings)) {
      assertRotation(
          () ->
              chat.complete(ChatCompletionRequest.of("chat", List.of(Message.user("hi"))))
                  .get(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void anEmbeddingCallAfterTheFirstTokenExpiredSendsTheNewBearer() throws Exception {
    try (EmbeddingBackend embed = provider.createEmbeddingBackend(settings)) {
      assertRotation(
          () ->
              embed
                  .embed(new EmbeddingRequest("embed", List.of("hi"), 8, Map.of()))
                  .get(10, TimeUnit.SECONDS));
    }
  }

  /** Four successful calls: new token, cached token, rotated token, cached rotated token. */
  private void assertRotation(Callable<?> call) throws Exception {
    assertThat(call.call()).isNotNull();
    assertThat(authorization(sim.lastRequest())).isEqualTo("Bearer token-1");
    assertThat(source.calls).hasValue(1);

    clock.advance(Duration.ofMinutes(30));
    assertThat(call.call()).isNotNull();
    assertThat(authorization(sim.lastRequest()))
        .as("half-way through its hour the token is reused")
        .isEqualTo("Bearer token-1");
    assertThat(source.calls).hasValue(1);

    clock.advance(Duration.ofMinutes(30).plusSeconds(1));
    assertThat(call.call()).as("the call after expiry succeeds").isNotNull();
    assertThat(authorization(sim.lastRequest()))
        .as("the call after expiry sends the new token")
        .isEqualTo("Bearer token-2");
    assertThat(source.calls).hasValue(2);

    assertThat(call.call()).isNotNull();
    assertThat(authorization(sim.lastRequest())).isEqualTo("Bearer token-2");
    assertThat(source.calls).as("the new token is cached in turn").hasValue(2);
    assertThat(sim.requests())
        .extracting(TokenRotationTest::authorization)
        .containsExactly("Bearer token-1", "Bearer token-1", "Bearer token-2", "Bearer token-2");
  }

  private static String authorization(RecordedRequest r) {
    return r.header("authorization");
  }
}
