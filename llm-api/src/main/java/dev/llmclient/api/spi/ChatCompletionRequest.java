package dev.llmclient.api.spi;

import dev.llmclient.api.Message;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One chat-completion request as the core hands it to a {@link ChatBackend}: already cleaned,
 * resolved and decided. The backend puts it on the wire as it is.
 *
 * @param model the model name, or the deployment name on Azure
 * @param messages the conversation, in order
 * @param temperature the sampling temperature, or null to omit it (reasoning models)
 * @param maxOutputTokens the output cap, sent as {@code max_completion_tokens} (or {@code
 *     max_tokens} where a compatible server needs it), or null to omit it
 * @param responseFormat text, JSON object or JSON schema
 * @param reasoningEffort {@code reasoning_effort} for reasoning models, or null to omit it
 * @param verbosity {@code verbosity} for models that take it, or null to omit it
 * @param user an end-user id for abuse monitoring ({@code user}), or null
 * @param headers extra HTTP headers for this request only, e.g. W3C {@code traceparent}
 */
public record ChatCompletionRequest(
    String model,
    List<Message> messages,
    @Nullable Double temperature,
    @Nullable Integer maxOutputTokens,
    ResponseFormat responseFormat,
    @Nullable String reasoningEffort,
    @Nullable String verbosity,
    @Nullable String user,
    Map<String, String> headers) {

  /**
   * Copies the collections and rejects nulls.
   *
   * @param model the model name, or the deployment name on Azure
   * @param messages the conversation, in order
   * @param temperature the sampling temperature, or null to omit it (reasoning models)
   * @param maxOutputTokens the output cap, sent as {@code max_completion_tokens} (or {@code
   *     max_tokens} where a compatible server needs it), or null to omit it
   * @param responseFormat text, JSON object or JSON schema
   * @param reasoningEffort {@code reasoning_effort} for reasoning models, or null to omit it
   * @param verbosity {@code verbosity} for models that take it, or null to omit it
   * @param user an end-user id for abuse monitoring ({@code user}), or null
   * @param headers extra HTTP headers for this request only, e.g. W3C {@code traceparent}
   * @throws NullPointerException if a required part is null
   */
  public ChatCompletionRequest {
    Objects.requireNonNull(model, "model");
    messages = List.copyOf(messages);
    Objects.requireNonNull(responseFormat, "responseFormat");
    headers = Map.copyOf(headers);
  }

  /**
   * A plain request with only a model and messages.
   *
   * @param model the model or deployment
   * @param messages the conversation
   * @return the request, in JSON-object mode
   */
  public static ChatCompletionRequest of(String model, List<Message> messages) {
    return new ChatCompletionRequest(
        model, messages, null, null, ResponseFormat.jsonObject(), null, null, null, Map.of());
  }

  /**
   * The same request with other extra headers.
   *
   * @param newHeaders the headers
   * @return the copy
   */
  public ChatCompletionRequest withHeaders(Map<String, String> newHeaders) {
    return new ChatCompletionRequest(
        model,
        messages,
        temperature,
        maxOutputTokens,
        responseFormat,
        reasoningEffort,
        verbosity,
        user,
        newHeaders);
  }

  /**
   * The same request with another conversation (used by re-asks).
   *
   * @param newMessages the conversation
   * @return the copy
   */
  public ChatCompletionRequest withMessages(List<Message> newMessages) {
    return new ChatCompletionRequest(
        model,
        newMessages,
        temperature,
        maxOutputTokens,
        responseFormat,
        reasoningEffort,
        verbosity,
        user,
        headers);
  }
}
