package dev.llmclient.api;

/**
 * Tokens a call consumed, as the server reported them.
 *
 * @param inputTokens prompt tokens, including cached ones
 * @param outputTokens completion tokens, including reasoning tokens
 * @param cachedInputTokens the part of {@code inputTokens} served from the server's prompt cache
 * @param reasoningTokens the part of {@code outputTokens} spent on hidden reasoning
 */
public record Usage(
    long inputTokens, long outputTokens, long cachedInputTokens, long reasoningTokens) {

  /** No tokens at all. */
  public static final Usage ZERO = new Usage(0, 0, 0, 0);

  /**
   * Validates that no count is negative.
   *
   * @param inputTokens prompt tokens, including cached ones
   * @param outputTokens completion tokens, including reasoning tokens
   * @param cachedInputTokens the part of {@code inputTokens} served from the server's prompt cache
   * @param reasoningTokens the part of {@code outputTokens} spent on hidden reasoning
   * @throws IllegalArgumentException if a count is negative
   */
  public Usage {
    if (inputTokens < 0 || outputTokens < 0 || cachedInputTokens < 0 || reasoningTokens < 0) {
      throw new IllegalArgumentException(
          "token counts must be >= 0, got input="
              + inputTokens
              + " output="
              + outputTokens
              + " cachedInput="
              + cachedInputTokens
              + " reasoning="
              + reasoningTokens);
    }
  }

  /**
   * Usage with only input and output counts.
   *
   * @param inputTokens prompt tokens
   * @param outputTokens completion tokens
   * @return the usage
   */
  public static Usage of(long inputTokens, long outputTokens) {
    return new Usage(inputTokens, outputTokens, 0, 0);
  }

  /**
   * Input plus output tokens.
   *
   * @return the total, at most {@link Long#MAX_VALUE}
   */
  public long totalTokens() {
    return saturatedSum(inputTokens, outputTokens);
  }

  /**
   * Adds two usages field by field, for example the attempts of one call. A count that would exceed
   * {@link Long#MAX_VALUE} (only a broken server reports such numbers) stays at the maximum instead
   * of wrapping around to a negative count.
   *
   * @param other the usage to add
   * @return the sum
   */
  public Usage plus(Usage other) {
    return new Usage(
        saturatedSum(inputTokens, other.inputTokens),
        saturatedSum(outputTokens, other.outputTokens),
        saturatedSum(cachedInputTokens, other.cachedInputTokens),
        saturatedSum(reasoningTokens, other.reasoningTokens));
  }

  private static long saturatedSum(long a, long b) {
    long sum = a + b;
    return sum < 0 ? Long.MAX_VALUE : sum; // both are >= 0, so a negative sum is an overflow
  }
}
