package dev.llmclient.api.spi;

import dev.llmclient.api.StreamEvent;
import dev.llmclient.api.TokenLogprob;
import dev.llmclient.api.Usage;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One server-sent event of a streamed chat completion, as a backend decodes it: the first choice's
 * deltas plus what the event says about the whole answer. Fields the event does not carry are null
 * or empty. The core assembles the answer from the chunks and turns them into {@link StreamEvent}s.
 *
 * @param text the next piece of the content, or null
 * @param refusal the next piece of a refusal, or null
 * @param toolCalls pieces of tool calls, each with its call's index
 * @param contentFilter a content-filter verdict in this event (Azure's {@code
 *     prompt_filter_results} or a choice's {@code content_filter_results}), or null
 * @param finishReason the finish reason, on the event that ends the choice, or null
 * @param usage the usage, on the last event when {@code stream_options.include_usage} was sent, or
 *     null
 * @param model the model the server named, or null
 * @param id the completion id ({@code chatcmpl-...}), or null
 * @param requestId the response's {@code x-request-id} or {@code apim-request-id}, or null;
 *     backends put it on every chunk of the exchange
 * @param rateLimit the response's rate-limit headers, or null when the backend does not repeat them
 *     after the first chunk
 * @param logprobs the log probabilities of this chunk's content tokens, when the request asked for
 *     them; empty otherwise
 */
public record ChatChunk(
    @Nullable String text,
    @Nullable String refusal,
    List<StreamEvent.ToolCallDelta> toolCalls,
    StreamEvent.@Nullable ContentFilterResults contentFilter,
    @Nullable String finishReason,
    @Nullable Usage usage,
    @Nullable String model,
    @Nullable String id,
    @Nullable String requestId,
    @Nullable RateLimitInfo rateLimit,
    List<TokenLogprob> logprobs) {

  /**
   * Copies the tool-call pieces and the log probabilities.
   *
   * @param text the next piece of the content, or null
   * @param refusal the next piece of a refusal, or null
   * @param toolCalls pieces of tool calls
   * @param contentFilter a content-filter verdict, or null
   * @param finishReason the finish reason, or null
   * @param usage the usage, or null
   * @param model the model the server named, or null
   * @param id the completion id, or null
   * @param requestId the server's request id, or null
   * @param rateLimit the rate-limit headers, or null
   * @param logprobs the content tokens' log probabilities, or empty
   */
  public ChatChunk {
    toolCalls = List.copyOf(Objects.requireNonNull(toolCalls, "toolCalls"));
    logprobs = List.copyOf(Objects.requireNonNull(logprobs, "logprobs"));
  }

  /**
   * A chunk without log probabilities.
   *
   * @param text the next piece of the content, or null
   * @param refusal the next piece of a refusal, or null
   * @param toolCalls pieces of tool calls
   * @param contentFilter a content-filter verdict, or null
   * @param finishReason the finish reason, or null
   * @param usage the usage, or null
   * @param model the model the server named, or null
   * @param id the completion id, or null
   * @param requestId the server's request id, or null
   * @param rateLimit the rate-limit headers, or null
   */
  public ChatChunk(
      @Nullable String text,
      @Nullable String refusal,
      List<StreamEvent.ToolCallDelta> toolCalls,
      StreamEvent.@Nullable ContentFilterResults contentFilter,
      @Nullable String finishReason,
      @Nullable Usage usage,
      @Nullable String model,
      @Nullable String id,
      @Nullable String requestId,
      @Nullable RateLimitInfo rateLimit) {
    this(
        text,
        refusal,
        toolCalls,
        contentFilter,
        finishReason,
        usage,
        model,
        id,
        requestId,
        rateLimit,
        List.of());
  }

  /**
   * A chunk with only a piece of text, for test doubles.
   *
   * @param text the piece
   * @return the chunk
   */
  public static ChatChunk text(String text) {
    return new ChatChunk(text, null, List.of(), null, null, null, null, null, null, null);
  }

  /** Shows what the chunk carries, never the text itself. */
  @Override
  public String toString() {
    return "ChatChunk[text="
        + (text == null ? "null" : "<" + text.length() + " chars>")
        + ", toolCalls="
        + toolCalls.size()
        + ", contentFilter="
        + (contentFilter != null)
        + ", finishReason="
        + finishReason
        + ", usage="
        + usage
        + ", requestId="
        + requestId
        + ", logprobs="
        + logprobs.size()
        + "]";
  }
}
