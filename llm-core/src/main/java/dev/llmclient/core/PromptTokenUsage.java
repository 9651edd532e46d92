package dev.llmclient.core;

import java.util.Objects;

/**
 * Tokens used by one prompt name across calls: Graphiti's {@code PromptTokenUsage}.
 *
 * @param promptName the prompt name, {@code "unknown"} for calls without one
 * @param callCount how many calls were recorded
 * @param inputTokens prompt tokens, failed attempts included
 * @param outputTokens completion tokens, failed attempts included
 * @param cost the estimated cost in the price table's currency, 0 without a price table
 */
public record PromptTokenUsage(
    String promptName, long callCount, long inputTokens, long outputTokens, double cost) {

  /**
   * Validates the name.
   *
   * @param promptName the prompt name, {@code "unknown"} for calls without one
   * @param callCount how many calls were recorded
   * @param inputTokens prompt tokens, failed attempts included
   * @param outputTokens completion tokens, failed attempts included
   * @param cost the estimated cost in the price table's currency, 0 without a price table
   * @throws NullPointerException if {@code promptName} is null
   */
  public PromptTokenUsage {
    Objects.requireNonNull(promptName, "promptName");
  }

  /**
   * Input plus output tokens.
   *
   * @return the total
   */
  public long totalTokens() {
    return inputTokens + outputTokens;
  }

  /**
   * Input tokens per call.
   *
   * @return the average, 0 when no call was recorded
   */
  public double averageInputTokens() {
    return callCount == 0 ? 0.0 : (double) inputTokens / callCount;
  }

  /**
   * Output tokens per call.
   *
   * @return the average, 0 when no call was recorded
   */
  public double averageOutputTokens() {
    return callCount == 0 ? 0.0 : (double) outputTokens / callCount;
  }
}
