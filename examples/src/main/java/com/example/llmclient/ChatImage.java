package com.example.llmclient;

import dev.llmclient.api.ContentPart;
import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmRequest;
import dev.llmclient.api.LlmResponse;
import dev.llmclient.api.Message;
import dev.llmclient.testkit.simulator.LlmSimulator;
import java.util.Base64;

/** An image in the prompt: bytes with their media type travel as a data URL. */
public final class ChatImage {

  /** A 1x1 transparent PNG, so that the example needs no file. */
  private static final byte[] PIXEL =
      Base64.getDecoder()
          .decode(
              "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");

  private ChatImage() {}

  /**
   * Asks about an image and prints the text answer.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    try (LlmSimulator sim =
            Simulated.simulator(
                LlmSimulator.builder().script("this image", "A single transparent pixel."));
        LlmClient llm = Simulated.client(sim)) {
      LlmResponse<String> answer =
          llm.generate(
              LlmRequest.builder()
                  .addMessage(
                      Message.user(
                          ContentPart.text("What is in this image?"),
                          ContentPart.image(PIXEL, "image/png")))
                  .responseType(String.class)
                  .build());
      System.out.println(answer.value());
      System.out.println("input tokens, the image included: " + answer.usage().inputTokens());
    }
  }
}
