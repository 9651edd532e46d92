package dev.llmclient.api;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A tool loop gave up: the model still asked for tools after the most rounds the loop allows. Not
 * retryable: asking again would most likely loop the same way. The message names the limit and how
 * to raise it; {@link #lastToolCalls()} are the calls that were not run.
 *
 * <pre>{@code
 * try {
 *   answer = loop.run(request);
 * } catch (ToolRoundsExceededException e) {
 *   log.warn("the model kept calling {}", e.lastToolCalls());
 * }
 * }</pre>
 */
public final class ToolRoundsExceededException extends LlmException {

  private static final long serialVersionUID = 1L;

  private final int rounds;
  private final transient List<ToolCall> lastToolCalls;

  /**
   * Creates the exception.
   *
   * @param message the limit that was reached and how to raise it
   * @param context the provider, when known
   * @param rounds the rounds of tool calls that were run
   * @param lastToolCalls the calls the model asked for last, which were not run
   * @param cause the underlying failure, or null
   */
  public ToolRoundsExceededException(
      String message,
      ErrorContext context,
      int rounds,
      List<ToolCall> lastToolCalls,
      @Nullable Throwable cause) {
    super(message, context, cause);
    this.rounds = rounds;
    this.lastToolCalls = List.copyOf(lastToolCalls);
  }

  /**
   * The rounds of tool calls that were run before the loop gave up.
   *
   * @return the count
   */
  public int rounds() {
    return rounds;
  }

  /**
   * The tool calls the model asked for last, which were not run.
   *
   * @return the calls, possibly empty after deserialization
   */
  public List<ToolCall> lastToolCalls() {
    return lastToolCalls == null ? List.of() : lastToolCalls;
  }
}
