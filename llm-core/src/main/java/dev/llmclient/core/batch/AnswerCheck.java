package dev.llmclient.core.batch;

import dev.llmclient.api.EmptyResponseException;
import dev.llmclient.api.ErrorContext;
import dev.llmclient.api.InvalidResponseException;
import dev.llmclient.api.LlmException;
import dev.llmclient.api.LlmResponse;
import dev.llmclient.api.RefusalException;
import dev.llmclient.api.spi.ChatCompletion;
import dev.llmclient.core.internal.chat.JsonAnswer;
import dev.llmclient.core.internal.chat.Replies;
import dev.llmclient.core.internal.runtime.Json;
import dev.llmclient.core.internal.schema.ResponseSchema;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Checks a batch answer as an online call checks its answer (refusal, empty, JSON object, schema,
 * mapping; for a text answer: refusal, empty, cut off at max tokens), except that a batch cannot
 * re-ask: an answer that fails is an exception, to be retried online by the caller if wanted.
 */
final class AnswerCheck {

  private static final int EXCERPT = 80;

  private AnswerCheck() {}

  @SuppressWarnings("unchecked")
  static <T> LlmResponse<T> check(
      ChatCompletion c,
      @Nullable ResponseSchema schema,
      boolean textAnswer,
      String model,
      String provider) {
    ErrorContext context = new ErrorContext(provider, null, c.requestId());
    String refusal = c.refusal();
    if (refusal != null && !refusal.isBlank()) {
      throw new RefusalException(refusal, context, null);
    }
    String content = c.content();
    if (textAnswer) {
      return (LlmResponse<T>) text(c, content == null ? "" : content, model, context);
    }
    String text = content == null ? "" : Replies.stripFence(content.strip());
    if (text.isEmpty()) {
      throw new EmptyResponseException(
          "length".equals(c.finishReason())
              ? "The model returned no content because it reached max tokens; raise maxTokens"
              : "The model returned no content; check the prompt, or retry the request online",
          context,
          null);
    }
    JsonAnswer.Read read = JsonAnswer.read(text, schema);
    if (read.problem() != null) {
      throw invalid(Objects.requireNonNull(read.detail()), text, context, read.cause());
    }
    T value = (T) read.value();
    if (value == null) {
      throw invalid("mapping the answer gave null", text, context, null);
    }
    Map<String, Object> json = Json.toMap(Objects.requireNonNull(read.node()));
    return AnswerCheck.<T>answered(c, model).value(value).json(json).build();
  }

  /** A response of one attempt, with what the completion says of itself. */
  private static <T> LlmResponse.Builder<T> answered(ChatCompletion c, String model) {
    return LlmResponse.<T>builder()
        .usage(c.usage())
        .model(c.model() != null ? c.model() : model)
        .finishReason(c.finishReason())
        .attempts(1)
        .requestId(c.requestId());
  }

  /** A text answer: the content as it is; empty and cut-off answers are typed failures. */
  private static LlmResponse<String> text(
      ChatCompletion c, String content, String model, ErrorContext context) {
    boolean cutOff = "length".equals(c.finishReason());
    if (content.isBlank()) {
      throw new EmptyResponseException(
          cutOff
              ? "The model returned no text because it reached max tokens; raise maxTokens"
              : "The model returned no text; check the prompt, or retry the request online",
          context,
          null);
    }
    if (cutOff) {
      throw invalid("the text was cut off at max tokens; raise maxTokens", content, context, null);
    }
    return AnswerCheck.<String>answered(c, model).value(content).build();
  }

  private static LlmException invalid(
      String detail, String text, ErrorContext context, @Nullable Throwable cause) {
    String excerpt = text.length() > EXCERPT ? text.substring(0, EXCERPT) + "..." : text;
    return new InvalidResponseException(
        "The model's batch answer could not be used: "
            + detail
            + ". Retry the request online to let the client re-ask. It began: "
            + excerpt,
        context,
        cause);
  }
}
