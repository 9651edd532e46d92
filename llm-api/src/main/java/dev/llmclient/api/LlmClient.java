package dev.llmclient.api;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * Chat completions against one configured provider: structured answers, text, streaming, tool calls
 * and images.
 *
 * <p>Get one from {@code dev.llmclient.core.LlmClients}. A client is thread-safe, holds a pooled
 * HTTP connection set, and is meant to be shared by the whole application and closed once.
 *
 * <pre>{@code
 * record Person(String name, int birthYear) {}
 *
 * try (LlmClient llm = LlmClients.fromEnvironment()) {
 *   Person ada = llm.generate(List.of(Message.user("Ada Lovelace, born 1815")), Person.class);
 * }
 * }</pre>
 *
 * <p>Failures are {@link LlmException} subtypes. Transient ones (rate limits, 5xx, timeouts,
 * connection failures) are retried with backoff before they reach the caller; answers that are not
 * valid JSON or do not match the schema are re-asked; everything else fails at once.
 */
public interface LlmClient extends AutoCloseable {

  /**
   * Sends one request and waits for the answer.
   *
   * @param request the request
   * @param <T> the request's answer type
   * @return the answer with its usage and attempt count
   * @throws LlmException when the call fails after the configured retries and re-asks, or when the
   *     waiting thread is interrupted (the call is cancelled and the thread keeps its interrupt
   *     flag)
   * @throws IllegalStateException when called on a thread that delivers llmclient answers (inside a
   *     dependent stage of {@link #generateAsync(LlmRequest)}), where waiting could block the
   *     answer itself; chain {@code generateAsync} with {@code thenCompose} instead
   */
  <T> LlmResponse<T> generate(LlmRequest<T> request);

  /**
   * Sends one request without blocking the calling thread. Retries are scheduled, never slept.
   *
   * <p>The future may be completed on one of the client's I/O or timer threads. Do not block in a
   * dependent stage (for example by calling {@link #generate(LlmRequest)} inside {@code
   * thenApply}): chain with {@code thenApplyAsync(fn, yourExecutor)} or {@code thenCompose}
   * instead. The blocking methods refuse to run on those threads with an {@link
   * IllegalStateException} rather than wait for themselves until the deadline.
   *
   * <p>Cancelling the future (or {@code orTimeout} on it) cancels the call: the HTTP exchange, a
   * pending retry or re-ask, and its deadline timer.
   *
   * @param request the request
   * @param <T> the request's answer type
   * @return a future completed with the answer, or exceptionally with an {@link LlmException}
   */
  <T> CompletableFuture<LlmResponse<T>> generateAsync(LlmRequest<T> request);

  /**
   * Streams one request: the answer's events as the model writes them, and the assembled answer at
   * the end. Nothing is sent until the stream's events or response are first asked for; the call
   * then runs on the same lifecycle as {@link #generateAsync(LlmRequest)} (admission, deadline,
   * tracing, usage), with transport retries only before the first event.
   *
   * <pre>{@code
   * try (LlmStream<String> stream = llm.stream(LlmRequest.builder()
   *     .addMessage(Message.user("Tell me a story")).responseType(String.class).build())) {
   *   for (StreamEvent e : stream) {
   *     if (e instanceof StreamEvent.TextDelta d) System.out.print(d.text());
   *   }
   * }
   * }</pre>
   *
   * @param request the request; a typed request's assembled answer is validated and re-asked like
   *     {@code generate}'s
   * @param <T> the request's answer type
   * @return the stream; close it to abort the exchange
   * @throws IllegalArgumentException when the request cannot be prepared (an unsupported type)
   * @throws LlmConnectionException when the client is closed
   */
  <T> LlmStream<T> stream(LlmRequest<T> request);

  /**
   * Asks for an answer of the given type: the shortest way to a typed result.
   *
   * @param messages the conversation
   * @param type the answer type: its JSON schema is sent in strict mode; {@code String.class} asks
   *     for the assistant's text
   * @param <T> the answer type
   * @return the answer
   * @throws LlmException when the call fails
   */
  default <T> T generate(List<Message> messages, Class<T> type) {
    return generate(LlmRequest.builder().messages(messages).responseType(type).build()).value();
  }

  /**
   * Graphiti's {@code generate_response}: the answer as a JSON object.
   *
   * @param messages the conversation; never modified
   * @param responseModel the type whose schema the answer must match, or null for any JSON object
   * @param maxTokens the output-token cap, or null for the client's default
   * @param modelSize which configured model to use, or null for {@link ModelSize#MEDIUM}
   * @param groupId the graph partition id, handed to the system-prompt suffix hook, or null
   * @param promptName the label for tracing and token accounting, or null
   * @return the JSON object
   * @throws LlmException when the call fails
   */
  default Map<String, Object> generateResponse(
      List<Message> messages,
      @Nullable Class<?> responseModel,
      @Nullable Integer maxTokens,
      @Nullable ModelSize modelSize,
      @Nullable String groupId,
      @Nullable String promptName) {
    LlmRequest<?> request =
        LlmRequest.builder()
            .messages(messages)
            .responseType(responseModel)
            .maxTokens(maxTokens)
            .modelSize(modelSize == null ? ModelSize.MEDIUM : modelSize)
            .groupId(groupId)
            .promptName(promptName)
            .build();
    return generate(request).json();
  }

  /**
   * Graphiti's {@code generate_response} with a response model and the defaults.
   *
   * @param messages the conversation; never modified
   * @param responseModel the type whose schema the answer must match, or null
   * @return the JSON object
   * @throws LlmException when the call fails
   */
  default Map<String, Object> generateResponse(
      List<Message> messages, @Nullable Class<?> responseModel) {
    return generateResponse(messages, responseModel, null, null, null, null);
  }

  /**
   * Graphiti's {@code generate_response} in JSON-object mode with the defaults.
   *
   * @param messages the conversation; never modified
   * @return the JSON object
   * @throws LlmException when the call fails
   */
  default Map<String, Object> generateResponse(List<Message> messages) {
    return generateResponse(messages, null, null, null, null, null);
  }

  /**
   * Closes the connection pool and stops the client's timers. Calls in flight fail with {@link
   * LlmConnectionException}; later calls fail at once.
   */
  @Override
  void close();
}
