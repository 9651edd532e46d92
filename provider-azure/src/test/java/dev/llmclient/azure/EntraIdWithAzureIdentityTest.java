package dev.llmclient.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import dev.llmclient.api.AuthenticationException;
import dev.llmclient.api.Message;
import dev.llmclient.api.spi.ChatBackend;
import dev.llmclient.api.spi.ChatCompletionRequest;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.testkit.simulator.LlmSimulator;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * Entra ID with the real azure-identity library on the classpath (an optional dependency): a user's
 * {@link TokenCredential} is asked for the Cognitive Services scope and its token is sent as a
 * bearer token.
 */
class EntraIdWithAzureIdentityTest {

  private static final ChatCompletionRequest REQUEST =
      ChatCompletionRequest.of("gpt-4o", List.of(Message.user("answer in json")));

  @Test
  void aUsersTokenCredentialIsAskedForTheCognitiveServicesScopeAndItsTokenIsSent() {
    AtomicReference<List<String>> scopes = new AtomicReference<>();
    AtomicInteger calls = new AtomicInteger();
    TokenCredential credential =
        context -> {
          scopes.set(context.getScopes());
          calls.incrementAndGet();
          return Mono.just(new AccessToken("entra-token-1", OffsetDateTime.now().plusHours(1)));
        };
    try (LlmSimulator sim =
            LlmSimulator.builder().bearerToken("entra-token-1").deployment("gpt-4o").start();
        ChatBackend backend = backend(sim, credential)) {
      backend.complete(REQUEST).join();
      backend.complete(REQUEST).join();

      assertThat(sim.lastRequest().header("authorization")).isEqualTo("Bearer entra-token-1");
      assertThat(sim.lastRequest().header("api-key")).isNull();
    }
    assertThat(scopes.get()).containsExactly(AzureOpenAiProvider.SCOPE);
    assertThat(calls).as("one token serves both calls").hasValue(1);
  }

  @Test
  void aCredentialThatFailsIsAnAuthenticationExceptionWithItsMessage() {
    TokenCredential failing =
        context -> Mono.error(new IllegalStateException("no managed identity endpoint here"));
    try (LlmSimulator sim = LlmSimulator.builder().deployment("gpt-4o").start();
        ChatBackend backend = backend(sim, failing)) {
      assertThatThrownBy(() -> backend.complete(REQUEST).join())
          .isInstanceOf(CompletionException.class)
          .cause()
          .isInstanceOf(AuthenticationException.class)
          .hasMessageContaining("no managed identity endpoint here");
      assertThat(sim.requests()).isEmpty();
    }
  }

  private static ChatBackend backend(LlmSimulator sim, TokenCredential credential) {
    return new AzureOpenAiProvider(AzureOpenAiProvider.tokenSourceOf(credential))
        .createChatBackend(
            ProviderSettings.of(
                Map.of(
                    AzureOpenAiProvider.ENDPOINT,
                    sim.azureEndpoint().toString(),
                    AzureOpenAiProvider.DEPLOYMENT_NAME,
                    "gpt-4o")));
  }
}
