package dev.llmclient.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmclient.testkit.simulator.LlmSimulator;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class CloseTest {

  private static Set<Thread> ioThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("llmclient-io-"))
        .collect(Collectors.toSet());
  }

  @Test
  void closeEndsTheIoThreadsOfThatClient() throws Exception {
    try (LlmSimulator sim = Fixtures.simulator()) {
      // Other test classes in this JVM may still hold clients of their own: only the threads this
      // client started are its own.
      Set<Thread> before = ioThreads();
      OpenAiWireClient wire =
          OpenAiWireClient.builder("openai")
              .routes(OpenAiRoutes.under(sim.openAiBaseUri()))
              .build();
      wire.complete(Fixtures.request()).get(10, TimeUnit.SECONDS);
      Set<Thread> mine = ioThreads();
      mine.removeAll(before);
      assertThat(mine).isNotEmpty();
      assertThat(sim.counters().responses(200)).isEqualTo(1);

      wire.close();

      assertThat(mine).allMatch(t -> !t.isAlive() || t.getState() == Thread.State.TERMINATED);
    }
  }
}
