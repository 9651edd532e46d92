package dev.llmclient.api;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What an {@link LlmStream} delivers, in order: deltas of the answer's text, refusal and tool calls
 * as the model writes them, the content filter's verdicts where the service sends them, a {@link
 * Restart} when the client asks the model again, and one {@link Finish} at the end.
 *
 * <pre>{@code
 * try (LlmStream<String> stream = llm.stream(request)) {
 *   for (StreamEvent event : stream) {
 *     if (event instanceof StreamEvent.TextDelta delta) {
 *       System.out.print(delta.text());
 *     }
 *   }
 * }
 * }</pre>
 */
public sealed interface StreamEvent
    permits StreamEvent.TextDelta,
        StreamEvent.RefusalDelta,
        StreamEvent.ToolCallDelta,
        StreamEvent.ContentFilterResults,
        StreamEvent.Restart,
        StreamEvent.Finish {

  /**
   * The next piece of the answer's text.
   *
   * @param text the piece; never empty
   * @param logprobs the log probabilities of the piece's tokens when {@link LlmRequest#logprobs()}
   *     asked for them (the server may send them on a neighbouring chunk, so pieces and tokens need
   *     not line up one to one); empty otherwise. {@link LlmResponse#logprobs()} has them all.
   */
  record TextDelta(String text, List<TokenLogprob> logprobs) implements StreamEvent {

    /**
     * Rejects null and copies the log probabilities.
     *
     * @param text the piece
     * @param logprobs the tokens' log probabilities, or empty
     */
    public TextDelta {
      Objects.requireNonNull(text, "text");
      logprobs = List.copyOf(Objects.requireNonNull(logprobs, "logprobs"));
    }

    /**
     * A piece without log probabilities.
     *
     * @param text the piece
     */
    public TextDelta(String text) {
      this(text, List.of());
    }

    /** Shows the length only: the text may be personal data. */
    @Override
    public String toString() {
      return "TextDelta[<" + text.length() + " chars>, logprobs=" + logprobs.size() + "]";
    }
  }

  /**
   * The next piece of a refusal: the model declines to answer in the requested format.
   *
   * @param text the piece
   */
  record RefusalDelta(String text) implements StreamEvent {

    /**
     * Rejects null.
     *
     * @param text the piece
     */
    public RefusalDelta {
      Objects.requireNonNull(text, "text");
    }
  }

  /**
   * The next piece of a tool call. The first piece of each call has its id and name; later pieces
   * carry more of its arguments' JSON text. Pieces of one call share its {@code index}.
   *
   * @param index which call of this answer the piece belongs to, from 0
   * @param id the call's id, on its first piece; null after
   * @param name the tool's name, on its first piece; null after
   * @param argumentsDelta the next part of the arguments' JSON text; may be empty
   */
  record ToolCallDelta(int index, @Nullable String id, @Nullable String name, String argumentsDelta)
      implements StreamEvent {

    /**
     * Validates the parts.
     *
     * @param index which call the piece belongs to
     * @param id the call's id, or null
     * @param name the tool's name, or null
     * @param argumentsDelta the next part of the arguments
     */
    public ToolCallDelta {
      if (index < 0) {
        throw new IllegalArgumentException("index must be >= 0, got " + index);
      }
      Objects.requireNonNull(argumentsDelta, "argumentsDelta");
    }
  }

  /**
   * The content filter's verdict on the prompt (sent before the answer) or on a part of the
   * completion, as Azure OpenAI reports it. A verdict that filters ends the stream with a {@link
   * ContentFilterException}.
   *
   * @param side the prompt or the completion
   * @param results every category the service reported
   */
  record ContentFilterResults(
      ContentFilterException.Side side, List<ContentFilterException.Result> results)
      implements StreamEvent {

    /**
     * Copies the results.
     *
     * @param side the prompt or the completion
     * @param results the categories
     */
    public ContentFilterResults {
      Objects.requireNonNull(side, "side");
      results = List.copyOf(results);
    }

    /**
     * Whether any category filtered.
     *
     * @return true when the content was blocked
     */
    public boolean filtered() {
      return results.stream().anyMatch(ContentFilterException.Result::filtered);
    }
  }

  /**
   * The client starts a new attempt: everything streamed since the last {@code Restart} (or the
   * start) is discarded. Sent before a re-ask, when the assembled answer was not valid JSON or did
   * not match the schema.
   *
   * @param attempt the number of the attempt that starts, from 2
   * @param reason why, for example {@code "SchemaValidation: $.age: expected integer"}
   */
  record Restart(int attempt, String reason) implements StreamEvent {

    /**
     * Rejects null.
     *
     * @param attempt the attempt that starts
     * @param reason why
     */
    public Restart {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * The end of a successful stream. {@link LlmStream#response()} completes right after it.
   *
   * @param finishReason why the model stopped ({@code stop}, {@code length}, {@code tool_calls}),
   *     or null when the server did not say
   * @param usage the tokens of every attempt of the call
   */
  record Finish(@Nullable String finishReason, Usage usage) implements StreamEvent {

    /**
     * Rejects null usage.
     *
     * @param finishReason why the model stopped, or null
     * @param usage the tokens
     */
    public Finish {
      Objects.requireNonNull(usage, "usage");
    }
  }
}
