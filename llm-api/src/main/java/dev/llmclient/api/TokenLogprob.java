package dev.llmclient.api;

import java.util.List;
import java.util.Objects;

/**
 * The log probability of one token of the answer, with the most likely alternatives when {@link
 * LlmRequest#topLogprobs()} asked for them.
 *
 * @param token the token's text
 * @param logprob its natural-log probability (0 is certain)
 * @param topAlternatives the most likely tokens at this position, most likely first; empty when not
 *     requested
 */
public record TokenLogprob(String token, double logprob, List<TokenLogprob> topAlternatives) {

  /**
   * Copies the alternatives and rejects null.
   *
   * @param token the token's text
   * @param logprob its log probability
   * @param topAlternatives the alternatives
   */
  public TokenLogprob {
    Objects.requireNonNull(token, "token");
    topAlternatives = List.copyOf(topAlternatives);
  }
}
