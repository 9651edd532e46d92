package dev.llmclient.testkit.simulator;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jspecify.annotations.Nullable;

/**
 * The error bodies the real services send, in their exact shapes: OpenAI's {@code {error: {message,
 * type, param, code}}} and Azure's {@code {error: {code, message}}} (with {@code code} a string
 * even when numeric). See {@code azure-openai-errors.md} for the sources.
 */
final class WireErrors {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  static final String AZURE_401 =
      "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a"
          + " valid key for an active subscription and use a correct regional API endpoint for your"
          + " resource.";
  static final String AZURE_401_TOKEN =
      "Unauthorized. Access token is missing, invalid, audience is incorrect"
          + " (https://cognitiveservices.azure.com), or have expired.";
  static final String AZURE_DEPLOYMENT_NOT_FOUND =
      "The API deployment for this resource does not exist. If you created the deployment within"
          + " the last 5 minutes, please wait a moment and try again.";
  static final String PROMPT_FILTERED =
      "The response was filtered due to the prompt triggering Azure OpenAI's content management"
          + " policy. Please modify your prompt and retry. To learn more about our content"
          + " filtering policies please read our documentation:"
          + " https://go.microsoft.com/fwlink/?linkid=2198766";
  static final String SERVER_ERROR =
      "The server had an error while processing your request. Sorry about that!";
  static final String HTML_GATEWAY =
      "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
          + "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
          + "</body>\r\n</html>\r\n";

  /**
   * Azure's answer when a resource's network rules reject the caller (observed with {@code
   * policy-id: ThrowExceptionDueToTrafficDenied}; Azure-Samples/azure-sql-db-chatbot#3,
   * Azure-Samples/azure-search-openai-demo#1494).
   */
  static final String AZURE_403_NETWORK = "Access denied due to Virtual Network/Firewall rules.";

  private WireErrors() {}

  /** 403: Azure's network-rules denial, or OpenAI's unsupported-region denial. */
  static ObjectNode forbidden(ApiStyle style) {
    if (style == ApiStyle.OPENAI) {
      return openAi(
          "Country, region, or territory not supported",
          "request_forbidden",
          null,
          "unsupported_country_region_territory");
    }
    return azure("403", AZURE_403_NETWORK);
  }

  /**
   * 409 in each service's envelope. No captured service body is known, so the message is the
   * simulator's own; clients should key on the status, as the reference clients do.
   */
  static ObjectNode conflict(ApiStyle style) {
    String message =
        "The request conflicts with another request in progress for this resource. Retry it.";
    if (style == ApiStyle.OPENAI) {
      return openAi(message, "invalid_request_error", null, "conflict");
    }
    return azure("Conflict", message);
  }

  /** OpenAI's envelope, also what Azure relays for request-validation errors. */
  static ObjectNode openAi(
      String message, @Nullable String type, @Nullable String param, @Nullable String code) {
    ObjectNode error = NODES.objectNode();
    error.put("message", message);
    error.put("type", type);
    error.put("param", param);
    error.put("code", code);
    ObjectNode body = NODES.objectNode();
    body.set("error", error);
    return body;
  }

  /** Azure's gateway envelope: only {@code code} and {@code message}. */
  static ObjectNode azure(String code, String message) {
    ObjectNode error = NODES.objectNode();
    error.put("code", code);
    error.put("message", message);
    ObjectNode body = NODES.objectNode();
    body.set("error", error);
    return body;
  }

  static ObjectNode invalidRequest(String message, @Nullable String param, @Nullable String code) {
    return openAi(message, "invalid_request_error", param, code);
  }

  static ObjectNode unauthorized(ApiStyle style, boolean bearer, boolean missing) {
    if (style == ApiStyle.OPENAI) {
      return missing
          ? openAi(
              "You didn't provide an API key. You need to provide your API key in an Authorization"
                  + " header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
              "invalid_request_error",
              null,
              null)
          : openAi(
              "Incorrect API key provided. You can find your API key at"
                  + " https://platform.openai.com/account/api-keys.",
              "invalid_request_error",
              null,
              "invalid_api_key");
    }
    return azure("401", bearer ? AZURE_401_TOKEN : AZURE_401);
  }

  static ObjectNode notFound(ApiStyle style, String deployment) {
    if (style == ApiStyle.OPENAI) {
      return openAi(
          "The model `" + deployment + "` does not exist or you do not have access to it.",
          "invalid_request_error",
          null,
          "model_not_found");
    }
    return azure("DeploymentNotFound", AZURE_DEPLOYMENT_NOT_FOUND);
  }

  static ObjectNode unknownRoute(ApiStyle style, String method, String path) {
    if (style == ApiStyle.OPENAI) {
      return openAi(
          "Invalid URL (" + method + " " + path + ")", "invalid_request_error", null, null);
    }
    return azure("404", "Resource not found");
  }

  static ObjectNode promptFiltered(String category, String severity) {
    ObjectNode error = NODES.objectNode();
    error.put("message", PROMPT_FILTERED);
    error.putNull("type");
    error.put("param", "prompt");
    error.put("code", "content_filter");
    error.put("status", 400);
    ObjectNode inner = error.putObject("innererror");
    inner.put("code", "ResponsibleAIPolicyViolation");
    inner.set("content_filter_result", filterResults(category, severity, true));
    ObjectNode body = NODES.objectNode();
    body.set("error", error);
    return body;
  }

  /**
   * Azure's per-category verdicts: the four severity categories (the named one filtered at the
   * given severity, the others safe) plus jailbreak when {@code withJailbreak}.
   */
  static ObjectNode filterResults(
      @Nullable String filteredCategory, String severity, boolean withJailbreak) {
    ObjectNode results = NODES.objectNode();
    for (String c : new String[] {"hate", "self_harm", "sexual", "violence"}) {
      ObjectNode r = results.putObject(c);
      boolean hit = c.equals(filteredCategory);
      r.put("filtered", hit);
      r.put("severity", hit ? severity : "safe");
    }
    if (withJailbreak) {
      ObjectNode j = results.putObject("jailbreak");
      boolean hit = "jailbreak".equals(filteredCategory);
      j.put("filtered", hit);
      j.put("detected", hit);
    }
    return results;
  }

  static ObjectNode rateLimited(
      ApiStyle style,
      String operation,
      String apiVersion,
      String model,
      boolean tokens,
      long limit,
      long seconds) {
    if (style == ApiStyle.OPENAI) {
      return openAi(
          "Rate limit reached for "
              + model
              + " in organization org-simulator on "
              + (tokens ? "tokens per min (TPM)" : "requests per min (RPM)")
              + ": Limit "
              + limit
              + ". Please try again in "
              + seconds
              + "s. Visit https://platform.openai.com/account/rate-limits to learn more.",
          tokens ? "tokens" : "requests",
          null,
          "rate_limit_exceeded");
    }
    return azure(
        "429",
        "Requests to the "
            + operation
            + " Operation under Azure OpenAI API version "
            + apiVersion
            + " have exceeded "
            + (tokens ? "token" : "call")
            + " rate limit of your current OpenAI S0 pricing tier. Please retry after "
            + seconds
            + " seconds. Please go here: https://aka.ms/oai/quotaincrease if you would like to"
            + " further increase the default rate limit.");
  }

  static ObjectNode serverStatus(ApiStyle style, int status) {
    String message =
        switch (status) {
          case 408 -> "Request timed out. Please try again.";
          case 502 -> "Bad gateway.";
          case 503 ->
              "The service is temporarily unable to process your request. Please try again"
                  + " later.";
          case 504 -> "The operation was timeout.";
          default -> SERVER_ERROR;
        };
    if (style == ApiStyle.OPENAI) {
      return openAi(message, status == 408 ? "timeout" : "server_error", null, null);
    }
    String code =
        switch (status) {
          case 408, 504 -> "Timeout";
          case 503 -> "ServiceUnavailable";
          case 502 -> "BadGateway";
          default -> "InternalServerError";
        };
    return azure(code, message);
  }
}
