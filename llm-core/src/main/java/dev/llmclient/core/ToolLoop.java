package dev.llmclient.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.llmclient.api.ErrorContext;
import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmRequest;
import dev.llmclient.api.LlmResponse;
import dev.llmclient.api.Message;
import dev.llmclient.api.Tool;
import dev.llmclient.api.ToolCall;
import dev.llmclient.api.ToolRoundsExceededException;
import dev.llmclient.core.internal.runtime.Json;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * Runs the model's tool calls with your Java functions until it answers: each round sends the
 * conversation, runs every call the model asks for, appends {@link Message#assistant(List)} and one
 * {@link Message#tool(String, String)} per call, and asks again. The final answer is returned as
 * {@code generate} returns it; a model that still asks for tools after {@link
 * Builder#maxRounds(int)} rounds fails the loop with {@link ToolRoundsExceededException}.
 *
 * <pre>{@code
 * record Weather(String city) {}
 *
 * ToolLoop loop = ToolLoop.builder(llm)
 *     .tool(Tool.of("get_weather", "The forecast for a city", Weather.class),
 *           Weather.class, w -> "Sunny in " + w.city())
 *     .build();
 * String answer = loop.run(LlmRequest.builder()
 *     .addMessage(Message.user("Weather in Oslo?")).responseType(String.class).build()).value();
 * }</pre>
 *
 * <p>A loop is immutable and thread-safe; handlers may run concurrently for different runs.
 */
public final class ToolLoop {

  /** The rounds of tool calls a loop runs unless told otherwise. */
  public static final int DEFAULT_MAX_ROUNDS = 8;

  private final LlmClient client;
  private final Map<String, Tool> tools;
  private final Map<String, ToolHandler> handlers;
  private final int maxRounds;

  private ToolLoop(Builder b) {
    this.client = b.client;
    // insertion order, not Map.copyOf's per-JVM order: the tools go on the wire in this order, and
    // the same request must have the same cache key (and provider prompt-cache prefix) everywhere
    this.tools = Collections.unmodifiableMap(new LinkedHashMap<>(b.tools));
    this.handlers = Collections.unmodifiableMap(new LinkedHashMap<>(b.handlers));
    this.maxRounds = b.maxRounds;
  }

  /**
   * Starts a loop on this client.
   *
   * @param client the client that asks the model
   * @return a builder
   */
  public static Builder builder(LlmClient client) {
    return new Builder(Objects.requireNonNull(client, "client"));
  }

  /**
   * Runs the loop on the calling thread: handlers run here too.
   *
   * @param request the first request; the loop's tools are added when it has none
   * @param <T> the answer type
   * @return the model's final answer, with no tool calls; its usage is the last round's
   * @throws ToolRoundsExceededException when the model still asks for tools after the last round
   * @throws IllegalArgumentException when the request has a tool the loop has no handler for
   * @throws dev.llmclient.api.LlmException when a round fails
   */
  public <T> LlmResponse<T> run(LlmRequest<T> request) {
    LlmRequest<T> next = withTools(request);
    for (int round = 0; ; round++) {
      LlmResponse<T> response = client.generate(next);
      if (response.toolCalls().isEmpty()) {
        return response;
      }
      next = nextRound(next, response, round);
    }
  }

  /**
   * Runs the loop without blocking: each round is a {@code generateAsync}, and the handlers run on
   * {@code executor}, never on the client's I/O threads.
   *
   * @param request the first request; the loop's tools are added when it has none
   * @param executor where the handlers run
   * @param <T> the answer type
   * @return the model's final answer, or the failure ({@link ToolRoundsExceededException}, a
   *     handler's exception, a round's {@link dev.llmclient.api.LlmException})
   */
  public <T> CompletableFuture<LlmResponse<T>> runAsync(LlmRequest<T> request, Executor executor) {
    Objects.requireNonNull(executor, "executor");
    LlmRequest<T> first;
    try {
      first = withTools(request);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return roundAsync(first, 0, executor);
  }

  private <T> CompletableFuture<LlmResponse<T>> roundAsync(
      LlmRequest<T> request, int round, Executor executor) {
    return client
        .generateAsync(request)
        .thenComposeAsync(
            response ->
                response.toolCalls().isEmpty()
                    ? CompletableFuture.completedFuture(response)
                    : roundAsync(nextRound(request, response, round), round + 1, executor),
            executor);
  }

  private <T> LlmRequest<T> withTools(LlmRequest<T> request) {
    Objects.requireNonNull(request, "request");
    if (request.tools().isEmpty()) {
      return request.toBuilder().tools(List.copyOf(tools.values())).build();
    }
    for (Tool tool : request.tools()) {
      if (!handlers.containsKey(tool.name())) {
        throw new IllegalArgumentException(
            "the request offers tool '"
                + tool.name()
                + "', which this ToolLoop has no handler for; add one with"
                + " ToolLoop.builder(...).handler(\""
                + tool.name()
                + "\", ...)");
      }
    }
    return request;
  }

  private <T> LlmRequest<T> nextRound(LlmRequest<T> request, LlmResponse<T> response, int round) {
    if (round >= maxRounds) {
      throw new ToolRoundsExceededException(
          "The model still asked for tools "
              + response.toolCalls().stream().map(ToolCall::name).distinct().toList()
              + " after "
              + maxRounds
              + " round(s) of tool calls, the most this ToolLoop runs; raise it with"
              + " ToolLoop.builder(...).maxRounds(n), or change the prompt so that the model"
              + " answers",
          ErrorContext.NONE,
          maxRounds,
          response.toolCalls(),
          null);
    }
    List<Message> messages = new ArrayList<>(request.messages());
    String text = response.hasValue() && response.value() instanceof String s ? s : null;
    messages.add(
        text == null || text.isBlank()
            ? Message.assistant(response.toolCalls())
            : Message.assistant(text, response.toolCalls()));
    for (ToolCall call : response.toolCalls()) {
      ToolHandler handler = handlers.get(call.name());
      if (handler == null) {
        throw new IllegalArgumentException(
            "the model called tool '" + call.name() + "', which this ToolLoop has no handler for");
      }
      messages.add(Message.tool(call.id(), resultText(call, handler.handle(call))));
    }
    return request.toBuilder().messages(messages).build();
  }

  private static String resultText(ToolCall call, Object result) {
    if (result instanceof String s) {
      return s;
    }
    try {
      return Json.MAPPER.writeValueAsString(result);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "the result of tool '"
              + call.name()
              + "' could not be written as JSON: "
              + e.getOriginalMessage()
              + "; return a String or a type Jackson can write",
          e);
    }
  }

  @Override
  public String toString() {
    return "ToolLoop[tools=" + handlers.keySet() + ", maxRounds=" + maxRounds + "]";
  }

  /** Builds a {@link ToolLoop}; not thread-safe. */
  public static final class Builder {
    private final LlmClient client;
    private final Map<String, Tool> tools = new LinkedHashMap<>();
    private final Map<String, ToolHandler> handlers = new LinkedHashMap<>();
    private int maxRounds = DEFAULT_MAX_ROUNDS;

    private Builder(LlmClient client) {
      this.client = client;
    }

    /**
     * Offers a tool and runs it with {@code handler}.
     *
     * @param tool the tool, sent with every request that has no tools of its own
     * @param handler runs each call
     * @return this builder
     */
    public Builder tool(Tool tool, ToolHandler handler) {
      Objects.requireNonNull(tool, "tool");
      tools.put(tool.name(), tool);
      return handler(tool.name(), handler);
    }

    /**
     * Offers a tool and runs it with a function of its bound arguments.
     *
     * @param tool the tool
     * @param parameters the tool's parameter type
     * @param function runs each call; a {@code String} result is sent as it is, anything else as
     *     JSON
     * @param <A> the parameter type
     * @return this builder
     */
    public <A> Builder tool(Tool tool, Class<A> parameters, Function<? super A, ?> function) {
      Objects.requireNonNull(parameters, "parameters");
      Objects.requireNonNull(function, "function");
      return tool(tool, call -> function.apply(call.arguments(parameters)));
    }

    /**
     * Runs calls of the named tool with {@code handler}, for tools the requests bring themselves.
     *
     * @param toolName the tool's name
     * @param handler runs each call
     * @return this builder
     */
    public Builder handler(String toolName, ToolHandler handler) {
      handlers.put(Objects.requireNonNull(toolName, "toolName"), Objects.requireNonNull(handler));
      return this;
    }

    /**
     * The rounds of tool calls the loop runs at most before it fails with {@link
     * ToolRoundsExceededException}; {@value ToolLoop#DEFAULT_MAX_ROUNDS} unless set.
     *
     * @param maxRounds at least 1
     * @return this builder
     */
    public Builder maxRounds(int maxRounds) {
      if (maxRounds < 1) {
        throw new IllegalArgumentException("maxRounds must be at least 1, got " + maxRounds);
      }
      this.maxRounds = maxRounds;
      return this;
    }

    /**
     * Builds the loop.
     *
     * @return the loop
     * @throws IllegalArgumentException when no handler was added
     */
    public ToolLoop build() {
      if (handlers.isEmpty()) {
        throw new IllegalArgumentException(
            "a ToolLoop needs at least one tool; add one with tool(...) or handler(...)");
      }
      return new ToolLoop(this);
    }
  }
}
