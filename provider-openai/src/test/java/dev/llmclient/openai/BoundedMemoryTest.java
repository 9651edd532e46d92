package dev.llmclient.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmclient.api.LlmException;
import dev.llmclient.api.Message;
import dev.llmclient.api.spi.ChatBackend;
import dev.llmclient.api.spi.ChatCompletion;
import dev.llmclient.api.spi.ChatCompletionRequest;
import dev.llmclient.api.spi.ProviderSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory is bounded by the limits the user set, not by what a server declares: in a JVM with a 64
 * MiB heap, 64 calls to a server that declares a body of about 32 MiB (the default limit) and then
 * stalls all fail typed, and the JVM lives. Declared just within the limit, the calls wait for the
 * body and fail on the response timeout; declared at exactly {@code Content-Length: 33554432}, the
 * headers (which count toward the limit) push the response past it and the calls fail at once.
 */
class BoundedMemoryTest {

  static final int CALLS = 64;
  static final long LIMIT = HttpTransportSettings.DEFAULT_MAX_RESPONSE_BYTES;

  @Test
  void sixtyFourStalledResponsesDeclaredWithinTheLimitFitInA64MibHeap(@TempDir Path dir)
      throws Exception {
    runAgainstStallingServer(LIMIT - 1024, "LlmTimeoutException", dir);
  }

  @Test
  void sixtyFourResponsesDeclaringThirtyTwoMibFailAtOnceInA64MibHeap(@TempDir Path dir)
      throws Exception {
    runAgainstStallingServer(33_554_432L, "InvalidResponseException", dir);
  }

  private static void runAgainstStallingServer(long declared, String expected, Path dir)
      throws Exception {
    try (RawHttpServer server =
        new RawHttpServer(
            (out, s) -> {
              out.write(
                  ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                          + declared
                          + "\r\n\r\n{\"id\":")
                      .getBytes(StandardCharsets.US_ASCII));
              out.flush();
              s.stall();
            })) {
      Path output = dir.resolve("child.txt");
      Process child =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Xmx64m",
                  "-XX:+ExitOnOutOfMemoryError",
                  "-cp",
                  System.getProperty("java.class.path"),
                  StalledCalls.class.getName(),
                  server.baseUri().toString(),
                  expected)
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .start();
      boolean ended = child.waitFor(60, TimeUnit.SECONDS);
      if (!ended) {
        child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      String log = Files.readString(output);
      System.out.println("child JVM (-Xmx64m), Content-Length " + declared + ":\n" + log);

      assertThat(ended).as("the child ended within 60 s; its output:%n%s", log).isTrue();
      assertThat(child.exitValue()).as("the child's exit code; its output:%n%s", log).isZero();
      assertThat(log).contains(expected + ": " + CALLS + " of " + CALLS);
      assertThat(server.requests()).isEqualTo(CALLS);
    }
  }

  /** The child JVM: 64 concurrent calls, each must fail with the expected typed exception. */
  public static final class StalledCalls {
    private StalledCalls() {}

    /**
     * Runs the calls.
     *
     * @param args the server's base URI, and the simple name of the exception every call must fail
     *     with
     */
    public static void main(String[] args) throws Exception {
      ProviderSettings settings =
          ProviderSettings.of(
              Map.of(
                  OpenAiProvider.API_KEY, "sk-memory-test",
                  OpenAiProvider.BASE_URL, args[0],
                  HttpTransportSettings.RESPONSE_TIMEOUT, "2s"));
      int typed = 0;
      List<String> other = new ArrayList<>();
      try (ChatBackend chat = new OpenAiProvider().createChatBackend(settings)) {
        List<CompletableFuture<ChatCompletion>> calls = new ArrayList<>();
        for (int i = 0; i < CALLS; i++) {
          calls.add(
              chat.complete(ChatCompletionRequest.of("gpt-4o", List.of(Message.user("hi " + i)))));
        }
        for (CompletableFuture<ChatCompletion> call : calls) {
          try {
            call.get(40, TimeUnit.SECONDS);
            other.add("success");
          } catch (ExecutionException e) {
            if (e.getCause() instanceof LlmException
                && e.getCause().getClass().getSimpleName().equals(args[1])) {
              typed++;
            } else {
              other.add(String.valueOf(e.getCause()));
            }
          } catch (TimeoutException e) {
            other.add("no answer in 40 s");
          }
        }
      }
      Runtime rt = Runtime.getRuntime();
      System.out.println(args[1] + ": " + typed + " of " + CALLS);
      System.out.println("other outcomes: " + other);
      System.out.println(
          "heap used: " + (rt.totalMemory() - rt.freeMemory()) / (1024 * 1024) + " MiB");
      System.exit(typed == CALLS ? 0 : 1);
    }
  }
}
