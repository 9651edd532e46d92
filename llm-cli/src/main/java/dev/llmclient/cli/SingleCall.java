package dev.llmclient.cli;

import dev.llmclient.api.LlmException;
import dev.llmclient.api.LlmRequest;
import dev.llmclient.api.LlmResponse;
import java.io.PrintWriter;
import java.util.Map;

/** One call for {@code llm chat} and {@code llm extract}: the answer's JSON on stdout. */
final class SingleCall {

  private SingleCall() {}

  /**
   * Makes the call and prints the answer's JSON on {@code out}; model and server text shown on
   * {@code err} is made terminal-safe first ({@link TerminalText}).
   */
  static int run(
      ClientOptions options,
      LlmCommand root,
      LlmRequest<Object> request,
      PrintWriter out,
      PrintWriter err) {
    try (Connection connection =
        Connection.open(options, root.settings(), root.providerSettingsSet(), err, null, null)) {
      LlmResponse<Object> response;
      try {
        response = connection.client().generate(request);
      } catch (LlmException e) {
        return failed(e, err);
      }
      Map<String, Object> json = response.json();
      out.println(Json.write(json));
      out.flush();
      summary(response, err);
      return LlmCommand.OK;
    }
  }

  /** Says why the call failed, terminal-safe, and returns the exit code for it. */
  static int failed(LlmException e, PrintWriter err) {
    err.println("llm: " + e.getClass().getSimpleName() + ": " + TerminalText.safe(e.getMessage()));
    return LlmCommand.RECORDS_FAILED;
  }

  /** The one line about a finished call on {@code err}: model, tokens, attempts, re-asks. */
  static void summary(LlmResponse<?> response, PrintWriter err) {
    err.println(
        "llm: model "
            + TerminalText.safe(response.model())
            + ", tokens in "
            + response.usage().inputTokens()
            + " / out "
            + response.usage().outputTokens()
            + ", attempts "
            + response.attempts()
            + (response.reasks() > 0 ? ", re-asks " + response.reasks() : ""));
  }
}
