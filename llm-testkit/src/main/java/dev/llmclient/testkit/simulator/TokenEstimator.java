package dev.llmclient.testkit.simulator;

import java.util.List;

/**
 * Counts tokens the same way everywhere in the simulator: about four characters per token, plus a
 * small overhead per chat message, like OpenAI's published rule of thumb. Not a real tokenizer, but
 * consistent, so usage, context-length checks and TPM accounting agree with each other.
 */
final class TokenEstimator {

  private TokenEstimator() {}

  static int tokens(String text) {
    if (text.isEmpty()) {
      return 0;
    }
    return Math.max(1, (text.length() + 3) / 4);
  }

  static int promptTokens(List<String> messageContents) {
    int total = 3;
    for (String c : messageContents) {
      total += 4 + tokens(c);
    }
    return total;
  }
}
