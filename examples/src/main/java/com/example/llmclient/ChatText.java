package com.example.llmclient;

import dev.llmclient.api.LlmClient;
import dev.llmclient.api.Message;
import dev.llmclient.testkit.simulator.LlmSimulator;
import java.util.List;

/** A plain text answer: {@code String.class} asks for the assistant's text, no JSON involved. */
public final class ChatText {

  private ChatText() {}

  /**
   * Asks one question and prints the text answer.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    try (LlmSimulator sim =
            Simulated.simulator(
                LlmSimulator.builder()
                    .script(
                        "haiku",
                        "Morning fjord, still;\na gull writes on the water,\nthen the wind erases it."));
        LlmClient llm = Simulated.client(sim)) {
      String haiku =
          llm.generate(List.of(Message.user("Write a haiku about a fjord")), String.class);
      System.out.println(haiku);
    }
  }
}
