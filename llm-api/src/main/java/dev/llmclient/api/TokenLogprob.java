package dev.llmclient.api;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The log probability of one token of the answer, with the most likely alternatives when {@link
 * LlmRequest#topLogprobs()} asked for them.
 *
 * <p>A token can be part of a character (an emoji or a CJK character is often split over several
 * tokens), so its text alone may not be valid; {@link #bytes()} gives its exact UTF-8 bytes, which
 * joined over consecutive tokens decode to the text:
 *
 * <pre>{@code
 * ByteArrayOutputStream utf8 = new ByteArrayOutputStream();
 * response.logprobs().forEach(t -> t.bytes().forEach(utf8::write)); // when bytes() is not null
 * String text = utf8.toString(StandardCharsets.UTF_8);
 * }</pre>
 *
 * @param token the token's text
 * @param logprob its natural-log probability (0 is certain)
 * @param topAlternatives the most likely tokens at this position, most likely first; empty when not
 *     requested
 * @param bytes the token's UTF-8 bytes, each 0 to 255, as the service sent them; null when it sent
 *     none (the service leaves them out for some tokens, and OpenAI-compatible servers may never
 *     send them)
 */
public record TokenLogprob(
    String token,
    double logprob,
    List<TokenLogprob> topAlternatives,
    @Nullable List<Integer> bytes) {

  /**
   * Copies the lists and rejects null tokens and bytes outside 0 to 255.
   *
   * @param token the token's text
   * @param logprob its log probability
   * @param topAlternatives the alternatives
   * @param bytes the token's UTF-8 bytes, or null
   * @throws IllegalArgumentException when a byte is outside 0 to 255
   */
  public TokenLogprob {
    Objects.requireNonNull(token, "token");
    topAlternatives = List.copyOf(topAlternatives);
    if (bytes != null) {
      bytes = List.copyOf(bytes);
      for (int b : bytes) {
        if (b < 0 || b > 255) {
          throw new IllegalArgumentException(
              "a token's bytes are UTF-8 bytes from 0 to 255, not " + b);
        }
      }
    }
  }

  /**
   * A token without its bytes: for test doubles, or servers that do not send them.
   *
   * @param token the token's text
   * @param logprob its log probability
   * @param topAlternatives the alternatives
   */
  public TokenLogprob(String token, double logprob, List<TokenLogprob> topAlternatives) {
    this(token, logprob, topAlternatives, null);
  }
}
