package com.example.llmclient;

import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmRequest;
import dev.llmclient.api.LlmResponse;
import dev.llmclient.api.Message;
import dev.llmclient.api.Tool;
import dev.llmclient.core.ToolLoop;
import dev.llmclient.testkit.simulator.LlmSimulator;

/**
 * A tool loop: the model calls {@code get_weather}, a Java function answers, and the model writes
 * the final answer from the result. The simulator invents schema-valid arguments, so the city it
 * asks for is made up.
 */
public final class ChatToolLoop {

  /** The tool's parameters: its strict JSON schema is generated from this record. */
  record Weather(String city) {}

  private ChatToolLoop() {}

  /**
   * Runs the loop and prints each tool call and the final answer.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    try (LlmSimulator sim =
            Simulated.simulator(
                LlmSimulator.builder().script("Oslo", "It is sunny in Oslo today, 21 °C."));
        LlmClient llm = Simulated.client(sim)) {
      ToolLoop loop =
          ToolLoop.builder(llm)
              .tool(
                  Tool.of("get_weather", "The current weather in a city", Weather.class),
                  Weather.class,
                  w -> {
                    System.out.println("tool call: get_weather(" + w.city() + ")");
                    return "{\"sky\":\"sunny\",\"celsius\":21}";
                  })
              .maxRounds(3)
              .build();
      LlmResponse<String> answer =
          loop.run(
              LlmRequest.builder()
                  .addMessage(Message.user("What is the weather in Oslo?"))
                  .responseType(String.class)
                  .build());
      System.out.println("answer: " + answer.value());
    }
  }
}
