package dev.llmclient.it.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmRequest;
import dev.llmclient.api.LlmResponse;
import dev.llmclient.api.LlmStream;
import dev.llmclient.api.Message;
import dev.llmclient.api.StreamEvent;
import dev.llmclient.it.faults.TestClients;
import dev.llmclient.it.faults.TestClients.Api;
import dev.llmclient.it.secrets.Canary;
import dev.llmclient.openai.HttpTransportSettings;
import dev.llmclient.testkit.simulator.Fault;
import dev.llmclient.testkit.simulator.LlmSimulator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * 256 {@code LlmClient.stream} calls open at once through the real provider jars: each has received
 * its first text and waits for more, and the process has no more threads than before plus the
 * backend's I/O threads (no thread per stream). Closing them fails every response.
 */
class ManyOpenClientStreamsTest {

  private static final int STREAMS = 256;

  @ParameterizedTest
  @EnumSource(Api.class)
  void holds256OpenStreamsWithoutAThreadPerStream(Api api) throws Exception {
    try (LlmSimulator sim =
        LlmSimulator.builder()
            .apiKey(Canary.API_KEY)
            .script("story", "Once upon a time a small fox lived by the fjord.")
            .fault(Fault.stallAfterEvents(4, Duration.ofSeconds(60)))
            .start()) {
      int threadsBefore = Thread.activeCount();
      CountDownLatch started = new CountDownLatch(STREAMS);
      List<LlmStream<String>> streams = new ArrayList<>();
      List<CompletableFuture<LlmResponse<String>>> responses = new ArrayList<>();
      try (LlmClient llm =
          TestClients.client(
              api,
              sim.baseUri(),
              TestClients.fastRetries(),
              Map.of(
                  HttpTransportSettings.MAX_CONNECTIONS, "300",
                  HttpTransportSettings.RESPONSE_TIMEOUT, "30s"))) {
        LlmRequest<String> request =
            LlmRequest.builder()
                .addMessage(Message.user("Tell me a story"))
                .responseType(String.class)
                .build();
        for (int i = 0; i < STREAMS; i++) {
          LlmStream<String> stream = llm.stream(request);
          streams.add(stream);
          stream.subscribe(
              new Flow.Subscriber<StreamEvent>() {
                private boolean first = true;

                @Override
                public void onSubscribe(Flow.Subscription s) {
                  s.request(Long.MAX_VALUE);
                }

                @Override
                public void onNext(StreamEvent item) {
                  if (first && item instanceof StreamEvent.TextDelta) {
                    first = false;
                    started.countDown();
                  }
                }

                @Override
                public void onError(Throwable t) {}

                @Override
                public void onComplete() {}
              });
          responses.add(stream.response());
        }

        assertThat(started.await(30, TimeUnit.SECONDS))
            .as("every stream received its first text")
            .isTrue();
        int threadsWhileOpen = Thread.activeCount();
        assertThat(responses).noneMatch(CompletableFuture::isDone);
        // The backend's I/O threads (one per core), its evictor and the client's scheduler.
        assertThat(threadsWhileOpen - threadsBefore)
            .isLessThanOrEqualTo(Runtime.getRuntime().availableProcessors() + 5);

        streams.forEach(LlmStream::close);
        for (CompletableFuture<LlmResponse<String>> r : responses) {
          assertThat(r).isCompletedExceptionally();
        }
      }
    }
  }
}
