package dev.llmclient.cli;

import dev.llmclient.api.LlmException;
import dev.llmclient.api.LlmRequest;
import dev.llmclient.api.LlmResponse;
import dev.llmclient.api.spi.ProviderSettings;
import java.io.PrintWriter;
import java.util.Map;

/** One call for {@code llm chat} and {@code llm extract}: the answer's JSON on stdout. */
final class SingleCall {

  private SingleCall() {}

  static int run(
      ClientOptions options,
      ProviderSettings settings,
      LlmRequest request,
      PrintWriter out,
      PrintWriter err) {
    try (Connection connection = Connection.open(options, settings, err, null, null)) {
      LlmResponse<Object> response;
      try {
        response = connection.client().generate(request);
      } catch (LlmException e) {
        err.println("llm: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        return LlmCommand.RECORDS_FAILED;
      }
      Map<String, Object> json = response.json();
      out.println(Json.write(json));
      out.flush();
      err.println(
          "llm: model "
              + response.model()
              + ", tokens in "
              + response.usage().inputTokens()
              + " / out "
              + response.usage().outputTokens()
              + ", attempts "
              + response.attempts()
              + (response.reasks() > 0 ? ", re-asks " + response.reasks() : ""));
      return LlmCommand.OK;
    }
  }
}
