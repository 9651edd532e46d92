package dev.llmclient.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmclient.api.ConnectionPoolTimeoutException;
import dev.llmclient.api.LlmException;
import dev.llmclient.api.Message;
import dev.llmclient.api.spi.ChatBackend;
import dev.llmclient.api.spi.ChatCompletion;
import dev.llmclient.api.spi.ChatCompletionRequest;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.testkit.simulator.LlmSimulator;
import dev.llmclient.testkit.simulator.RawReply;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Waiting for a pooled connection has its own timeout and its own, non-retryable failure: with a
 * pool of one connection held by a stalled exchange, the next call fails after the pool wait with a
 * message naming the pool size and the wait settings, and never reaches the server.
 */
class PoolWaitTest {

  @Test
  void aCallThatCannotGetAPooledConnectionFailsWithItsOwnTypeAndMessage() throws Exception {
    try (LlmSimulator sim = Fixtures.simulator()) {
      sim.enqueueRaw(RawReply.json(200, Fixtures.COMPLETION).after(Duration.ofSeconds(4)));
      ProviderSettings settings =
          Fixtures.openAiSettings(sim.openAiBaseUri(), "sk-pool-test").toBuilder()
              .set(HttpTransportSettings.MAX_CONNECTIONS, "1")
              .set(HttpTransportSettings.POOL_WAIT_TIMEOUT, "300ms")
              .set(HttpTransportSettings.RESPONSE_TIMEOUT, "10s")
              .build();
      try (ChatBackend chat = new OpenAiProvider().createChatBackend(settings)) {
        CompletableFuture<ChatCompletion> stalled = chat.complete(request("first"));
        while (sim.requests().isEmpty()) {
          Thread.sleep(5);
        }

        long start = System.nanoTime();
        Throwable failure;
        try {
          chat.complete(request("second")).get(3, TimeUnit.SECONDS);
          failure = null;
        } catch (ExecutionException e) {
          failure = e.getCause();
        }
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertThat(failure).isInstanceOf(ConnectionPoolTimeoutException.class);
        LlmException e = (LlmException) failure;
        assertThat(e.isRetryable()).isFalse();
        assertThat(e.getMessage())
            .contains(
                "No pooled connection",
                HttpTransportSettings.MAX_CONNECTIONS,
                "now 1",
                HttpTransportSettings.POOL_WAIT_TIMEOUT,
                "PT0.3S",
                "not sent")
            .doesNotContain(HttpTransportSettings.RESPONSE_TIMEOUT);
        assertThat(millis).as("ms until the pool wait failed").isBetween(250L, 2_500L);
        assertThat(sim.requests()).as("the second call never reached the server").hasSize(1);
        assertThat(stalled.get(10, TimeUnit.SECONDS).content()).isNotNull();
      }
    }
  }

  @Test
  void thePoolWaitIsASettingWithADefault() {
    assertThat(HttpTransportSettings.getDefault().poolWaitTimeout())
        .isEqualTo(HttpTransportSettings.DEFAULT_POOL_WAIT_TIMEOUT)
        .isEqualTo(Duration.ofMinutes(1));
    assertThat(
            HttpTransportSettings.fromSettings(
                    ProviderSettings.of(
                        java.util.Map.of(HttpTransportSettings.POOL_WAIT_TIMEOUT, "2s")))
                .poolWaitTimeout())
        .isEqualTo(Duration.ofSeconds(2));
    assertThat(HttpTransportSettings.getDefault().toString()).contains("poolWaitTimeout=PT1M");
  }

  private static ChatCompletionRequest request(String text) {
    return ChatCompletionRequest.of("gpt-4o", List.of(Message.user(text)));
  }
}
