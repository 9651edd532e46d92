package dev.llmclient.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmclient.openai.TestServer.Reply;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CloseTest {

  @Test
  void closeEndsTheIoThreadsOfThatClient() throws Exception {
    try (TestServer server = new TestServer()) {
      server.always(Reply.json(200, Fixtures.COMPLETION));
      OpenAiWireClient wire =
          OpenAiWireClient.builder("openai").routes(OpenAiRoutes.under(server.uri("/v1"))).build();
      wire.complete(Fixtures.request()).get(10, TimeUnit.SECONDS);
      assertThat(Thread.getAllStackTraces().keySet())
          .anyMatch(t -> t.getName().startsWith("llmclient-io-"));

      wire.close();

      assertThat(Thread.getAllStackTraces().keySet())
          .filteredOn(t -> t.getName().startsWith("llmclient-io-"))
          .allMatch(t -> !t.isAlive() || t.getState() == Thread.State.TERMINATED);
    }
  }
}
