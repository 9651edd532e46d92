package dev.llmclient.core;

import dev.llmclient.api.ToolCall;

/**
 * Runs one tool call for a {@link ToolLoop} and returns the result the model reads.
 *
 * <pre>{@code
 * ToolHandler weather = call -> forecast(call.arguments(Weather.class));
 * }</pre>
 */
@FunctionalInterface
public interface ToolHandler {

  /**
   * Runs the call.
   *
   * @param call the call, its arguments already validated and bound to the tool's parameter type
   * @return the result: a {@code String} is sent as it is, anything else as its JSON
   * @throws RuntimeException to stop the loop: the loop fails with it
   */
  Object handle(ToolCall call);
}
