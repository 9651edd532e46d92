package dev.llmclient.it.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmclient.api.Message;
import dev.llmclient.api.spi.ChatBackend;
import dev.llmclient.api.spi.ChatChunk;
import dev.llmclient.api.spi.ChatCompletionRequest;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.api.spi.ResponseFormat;
import dev.llmclient.azure.AzureOpenAiProvider;
import dev.llmclient.openai.HttpTransportSettings;
import dev.llmclient.openai.OpenAiProvider;
import dev.llmclient.testkit.simulator.Fault;
import dev.llmclient.testkit.simulator.LlmSimulator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * 256 streams open at once through the real provider jars: each has received its first events and
 * waits for more, and the process has no more threads than before plus the backend's I/O threads
 * (no thread per stream). Cancelling them ends every exchange.
 */
class ManyOpenStreamsTest {

  private static final int STREAMS = 256;
  private static final String KEY = "sk-many-streams-test-0001";

  @Test
  void openAiHolds256OpenStreamsWithoutAThreadPerStream() throws Exception {
    run(
        sim ->
            new OpenAiProvider()
                .createChatBackend(
                    ProviderSettings.of(
                        Map.of(
                            OpenAiProvider.API_KEY, KEY,
                            OpenAiProvider.BASE_URL, sim.openAiBaseUri().toString(),
                            OpenAiProvider.MODEL_NAME, "gpt-4o",
                            HttpTransportSettings.MAX_CONNECTIONS, "300",
                            HttpTransportSettings.RESPONSE_TIMEOUT, "30s"))));
  }

  @Test
  void azureHolds256OpenStreamsWithoutAThreadPerStream() throws Exception {
    run(
        sim ->
            new AzureOpenAiProvider()
                .createChatBackend(
                    ProviderSettings.of(
                        Map.of(
                            AzureOpenAiProvider.ENDPOINT, sim.azureEndpoint().toString(),
                            AzureOpenAiProvider.API_KEY, KEY,
                            AzureOpenAiProvider.DEPLOYMENT_NAME, "gpt-4o",
                            HttpTransportSettings.MAX_CONNECTIONS, "300",
                            HttpTransportSettings.RESPONSE_TIMEOUT, "30s"))));
  }

  private static void run(Function<LlmSimulator, ChatBackend> backendFor) throws Exception {
    try (LlmSimulator sim =
        LlmSimulator.builder()
            .apiKey(KEY)
            .fault(Fault.stallAfterEvents(3, Duration.ofSeconds(60)))
            .start()) {
      int threadsBefore = Thread.activeCount();
      CountDownLatch started = new CountDownLatch(STREAMS);
      AtomicInteger ended = new AtomicInteger();
      List<Flow.Subscription> subscriptions = new ArrayList<>();
      try (ChatBackend backend = backendFor.apply(sim)) {
        ChatCompletionRequest request =
            ChatCompletionRequest.builder("gpt-4o", List.of(Message.user("Tell me a story.")))
                .responseFormat(ResponseFormat.text())
                .build();
        for (int i = 0; i < STREAMS; i++) {
          backend.stream(request)
              .subscribe(
                  new Flow.Subscriber<ChatChunk>() {
                    private boolean first = true;

                    @Override
                    public void onSubscribe(Flow.Subscription s) {
                      synchronized (subscriptions) {
                        subscriptions.add(s);
                      }
                      s.request(Long.MAX_VALUE);
                    }

                    @Override
                    public void onNext(ChatChunk item) {
                      if (first) {
                        first = false;
                        started.countDown();
                      }
                    }

                    @Override
                    public void onError(Throwable t) {
                      ended.incrementAndGet();
                    }

                    @Override
                    public void onComplete() {
                      ended.incrementAndGet();
                    }
                  });
        }

        assertThat(started.await(30, TimeUnit.SECONDS))
            .as("every stream received its first event")
            .isTrue();
        int threadsWhileOpen = Thread.activeCount();
        assertThat(ended.get()).as("streams that ended while stalled").isZero();
        // The backend's I/O threads (one per core) and its evictor, never one per stream.
        assertThat(threadsWhileOpen - threadsBefore)
            .isLessThanOrEqualTo(Runtime.getRuntime().availableProcessors() + 4);

        synchronized (subscriptions) {
          subscriptions.forEach(Flow.Subscription::cancel);
        }
      }
    }
  }
}
