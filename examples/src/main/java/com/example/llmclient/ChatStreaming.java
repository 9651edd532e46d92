package com.example.llmclient;

import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmRequest;
import dev.llmclient.api.LlmResponse;
import dev.llmclient.api.LlmStream;
import dev.llmclient.api.Message;
import dev.llmclient.api.StreamEvent;
import dev.llmclient.testkit.simulator.LlmSimulator;

/**
 * Streaming: print the answer as the model writes it, then the assembled answer's usage. Closing
 * the stream (try-with-resources) aborts the exchange if the loop ends early.
 */
public final class ChatStreaming {

  private ChatStreaming() {}

  /**
   * Streams one answer to standard output.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    try (LlmSimulator sim =
            Simulated.simulator(
                LlmSimulator.builder()
                    .script(
                        "story",
                        "Once upon a time a small fox lived by the fjord. Every evening it"
                            + " watched the fishing boats come home, and counted them."));
        LlmClient llm = Simulated.client(sim)) {
      LlmRequest<String> request =
          LlmRequest.builder()
              .addMessage(Message.user("Tell me a short story"))
              .responseType(String.class)
              .build();
      try (LlmStream<String> stream = llm.stream(request)) {
        for (StreamEvent event : stream) {
          if (event instanceof StreamEvent.TextDelta delta) {
            System.out.print(delta.text());
            System.out.flush();
          }
        }
        LlmResponse<String> answer = stream.response().join();
        System.out.println();
        System.out.println("finish: " + answer.finishReason() + ", usage: " + answer.usage());
      }
    }
  }
}
