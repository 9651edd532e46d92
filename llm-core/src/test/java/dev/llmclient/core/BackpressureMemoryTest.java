package dev.llmclient.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmRequest;
import dev.llmclient.api.Message;
import dev.llmclient.api.TooManyCallsException;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.api.spi.Tracer;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 100,000 calls submitted at once to a server that never answers: the client sends the first 256,
 * queues the next 10,000 and refuses the rest at once, so the heap holds the bounded queue, not
 * every call. Measured as retained heap after a full GC, with the client's default limits.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BackpressureMemoryTest {

  private static final int CALLS = 100_000;

  private static long retainedHeap() throws InterruptedException {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long least = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(50);
      least = Math.min(least, memory.getHeapMemoryUsage().getUsed());
    }
    return least;
  }

  @Test
  void callsBeyondTheBoundFailFastAndTheHeapHoldsOnlyTheBoundedQueue() throws Exception {
    PendingChatBackend slowServer = new PendingChatBackend(false);
    LlmRequest<Map<String, Object>> request =
        LlmRequest.builder().addMessage(Message.user("Extract the entities of this text.")).build();
    AtomicInteger refused = new AtomicInteger();
    AtomicInteger otherFailures = new AtomicInteger();
    try (LlmClient llm =
        LlmClients.builder()
            .backend(slowServer)
            .settings(ProviderSettings.empty())
            .tracer(Tracer.noop())
            .build()) {
      long before = retainedHeap();

      for (int i = 0; i < CALLS; i++) {
        llm.generateAsync(request)
            .whenComplete(
                (r, e) -> {
                  if (e instanceof TooManyCallsException) {
                    refused.incrementAndGet();
                  } else if (e != null) {
                    otherFailures.incrementAndGet();
                  }
                });
      }
      long grown = retainedHeap() - before;

      int accepted = LlmConfig.DEFAULT_MAX_CONCURRENT_CALLS + LlmConfig.DEFAULT_MAX_QUEUED_CALLS;
      System.out.printf(
          "retained heap after %d calls: %.1f MiB (%d bytes per accepted call)%n",
          CALLS, grown / 1048576.0, grown / accepted);
      // measured: about 600 bytes per accepted call (6 MiB); holding all 100,000 is over 50 MiB
      assertThat(grown).isLessThan(accepted * 2048L);
      assertThat(slowServer.count()).isEqualTo(LlmConfig.DEFAULT_MAX_CONCURRENT_CALLS);
      assertThat(refused.get()).isEqualTo(CALLS - accepted);
      assertThat(otherFailures.get()).isZero();
    }
    assertThat(otherFailures.get()).as("closing failed the calls it held").isEqualTo(10_256);
  }
}
