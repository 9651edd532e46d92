package dev.llmclient.openai;

import dev.llmclient.api.Message;
import dev.llmclient.api.spi.ChatCompletionRequest;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.testkit.simulator.LlmSimulator;
import java.net.URI;
import java.util.List;
import java.util.Map;

/** Shared bodies and builders for the provider tests. */
final class Fixtures {

  static final String COMPLETION =
      "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,"
          + "\"model\":\"gpt-4o-2024-08-06\",\"choices\":[{\"index\":0,\"message\":{\"role\":"
          + "\"assistant\",\"content\":\"{\\\"a\\\":1}\",\"refusal\":null},\"finish_reason\":\"stop\"}],"
          + "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":5,\"total_tokens\":15,"
          + "\"prompt_tokens_details\":{\"cached_tokens\":2},"
          + "\"completion_tokens_details\":{\"reasoning_tokens\":3}}}";

  /** azure-openai-errors.md section 2, the composed fixture. */
  static final String AZURE_PROMPT_FILTERED =
      "{\"error\":{\"message\":\"The response was filtered due to the prompt triggering Azure"
          + " OpenAI's content management policy. Please modify your prompt and retry. To learn"
          + " more about our content filtering policies please read our documentation:"
          + " https://go.microsoft.com/fwlink/?linkid=2198766\",\"type\":null,\"param\":\"prompt\","
          + "\"code\":\"content_filter\",\"status\":400,"
          + "\"innererror\":{\"code\":\"ResponsibleAIPolicyViolation\",\"content_filter_result\":{"
          + "\"hate\":{\"filtered\":false,\"severity\":\"safe\"},"
          + "\"jailbreak\":{\"filtered\":false,\"detected\":false},"
          + "\"self_harm\":{\"filtered\":false,\"severity\":\"safe\"},"
          + "\"sexual\":{\"filtered\":false,\"severity\":\"safe\"},"
          + "\"violence\":{\"filtered\":true,\"severity\":\"medium\"}}}}}";

  /** The spec's spelling: errorResponse.error.inner_error.content_filter_results. */
  static final String SPEC_PROMPT_FILTERED =
      "{\"error\":{\"code\":\"content_filter\",\"message\":\"The response was filtered.\","
          + "\"param\":\"prompt\",\"type\":null,\"inner_error\":{\"code\":"
          + "\"ResponsibleAIPolicyViolation\",\"content_filter_results\":{"
          + "\"sexual\":{\"filtered\":true,\"severity\":\"high\"},"
          + "\"violence\":{\"filtered\":false,\"severity\":\"safe\"},"
          + "\"hate\":{\"filtered\":false,\"severity\":\"low\"},"
          + "\"self_harm\":{\"filtered\":false,\"severity\":\"safe\"},"
          + "\"profanity\":{\"filtered\":false,\"detected\":true},"
          + "\"jailbreak\":{\"filtered\":true,\"detected\":true}}}}}";

  /** section 3: 200 with finish_reason content_filter. */
  static final String COMPLETION_FILTERED =
      "{\"id\":\"chatcmpl-2\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"gpt-4o\","
          + "\"prompt_filter_results\":[{\"prompt_index\":0,\"content_filter_results\":{"
          + "\"hate\":{\"filtered\":false,\"severity\":\"safe\"}}}],"
          + "\"choices\":[{\"index\":0,\"finish_reason\":\"content_filter\",\"message\":{\"role\":"
          + "\"assistant\",\"content\":null},\"content_filter_results\":{"
          + "\"hate\":{\"filtered\":false,\"severity\":\"safe\"},"
          + "\"self_harm\":{\"filtered\":true,\"severity\":\"high\"},"
          + "\"sexual\":{\"filtered\":false,\"severity\":\"safe\"},"
          + "\"violence\":{\"filtered\":false,\"severity\":\"low\"},"
          + "\"protected_material_text\":{\"filtered\":false,\"detected\":false}}}],"
          + "\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":0,\"total_tokens\":9}}";

  /** OpenAI's context-length error. */
  static final String CONTEXT_LENGTH =
      "{\"error\":{\"message\":\"This model's maximum context length is 128000 tokens. However,"
          + " your messages resulted in 130000 tokens. Please reduce the length of the"
          + " messages.\",\"type\":\"invalid_request_error\",\"param\":\"messages\",\"code\":"
          + "\"context_length_exceeded\"}}";

  /** OpenAI's invalid-parameter error. */
  static final String INVALID_PARAM =
      "{\"error\":{\"message\":\"Unsupported parameter: 'max_tokens' is not supported with this"
          + " model. Use 'max_completion_tokens' instead.\",\"type\":\"invalid_request_error\","
          + "\"param\":\"max_tokens\",\"code\":\"unsupported_parameter\"}}";

  /** section 5. */
  static final String AZURE_401 =
      "{\"error\":{\"code\":\"401\",\"message\":\"Access denied due to invalid subscription key or"
          + " wrong API endpoint. Make sure to provide a valid key for an active subscription and"
          + " use a correct regional API endpoint for your resource.\"}}";

  /** section 6. */
  static final String AZURE_404 =
      "{\"error\":{\"code\":\"DeploymentNotFound\",\"message\":\"The API deployment for this"
          + " resource does not exist. If you created the deployment within the last 5 minutes,"
          + " please wait a moment and try again.\"}}";

  /** section 4. */
  static final String AZURE_429 =
      "{\"error\":{\"code\":\"429\",\"message\":\"Requests to the ChatCompletions_Create Operation"
          + " under Azure OpenAI API version 2024-10-21 have exceeded token rate limit of your"
          + " current OpenAI S0 pricing tier. Please retry after 7 seconds. Please go here:"
          + " https://aka.ms/oai/quotaincrease if you would like to further increase the default"
          + " rate limit.\"}}";

  static final String OPENAI_500 =
      "{\"error\":{\"message\":\"The server had an error while processing your request. Sorry"
          + " about that!\",\"type\":\"server_error\",\"param\":null,\"code\":null}}";

  static final String GATEWAY_HTML =
      "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad"
          + " Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

  private Fixtures() {}

  static ChatCompletionRequest request() {
    return ChatCompletionRequest.of(
        "gpt-4o", List.of(Message.system("Be brief."), Message.user("Hi")));
  }

  /**
   * A simulator that accepts any model and answers {@link #request()} (whose json_object prompt
   * does not say "json") with its own deterministic replies.
   */
  static LlmSimulator simulator() {
    return LlmSimulator.builder().requireJsonWordForJsonObject(false).start();
  }

  static ProviderSettings openAiSettings(URI base, String key) {
    return ProviderSettings.of(
        Map.of(OpenAiProvider.API_KEY, key, OpenAiProvider.BASE_URL, base.toString()));
  }
}
