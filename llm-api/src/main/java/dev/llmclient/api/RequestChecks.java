package dev.llmclient.api;

import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The checks {@link LlmRequest.Builder#build()} runs on a request before handing it out, each
 * failing with an {@link IllegalArgumentException} that names the setting and what is allowed. Kept
 * apart so that {@link LlmRequest} reads as the value and its builder.
 */
final class RequestChecks {

  private static final Pattern SCHEMA_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private RequestChecks() {}

  /**
   * Checks every setting of a request, in a fixed order, so that the first wrong one is reported.
   *
   * @param r the request as built
   * @throws IllegalArgumentException naming the setting that is wrong and what is allowed
   */
  static void check(LlmRequest<?> r) {
    if (r.messages().isEmpty()) {
      throw new IllegalArgumentException(
          "LlmRequest needs at least one message; add one with messages(...) or addMessage(...)");
    }
    checkSampling(r);
    checkNotBlank("model", r.model());
    checkNotBlank("reasoningEffort", r.reasoningEffort());
    checkNotBlank("verbosity", r.verbosity());
    checkNotBlank("serviceTier", r.serviceTier());
    checkNotBlank("user", r.user());
    checkNotBlank("safetyIdentifier", r.safetyIdentifier());
    if (r.topLogprobs() != null && !r.logprobs()) {
      throw new IllegalArgumentException(
          "topLogprobs needs logprobs(true); the service rejects top_logprobs without logprobs");
    }
    checkSchema(r.responseType(), r.schemaName(), r.schemaJson());
    checkTools(r);
  }

  /** The numeric settings and the stop sequences. */
  private static void checkSampling(LlmRequest<?> r) {
    Integer maxTokens = r.maxTokens();
    if (maxTokens != null && maxTokens <= 0) {
      throw new IllegalArgumentException(
          "maxTokens must be positive, got " + maxTokens + "; pass null to use the default");
    }
    Double temperature = r.temperature();
    if (temperature != null && (temperature.isNaN() || temperature < 0.0 || temperature > 2.0)) {
      throw new IllegalArgumentException(
          "temperature must be between 0.0 and 2.0, got " + temperature);
    }
    Double topP = r.topP();
    if (topP != null && (topP.isNaN() || topP <= 0.0 || topP > 1.0)) {
      throw new IllegalArgumentException(
          "topP must be greater than 0.0 and at most 1.0, got " + topP);
    }
    checkPenalty("presencePenalty", r.presencePenalty());
    checkPenalty("frequencyPenalty", r.frequencyPenalty());
    if (r.stop().size() > LlmRequest.MAX_STOP_SEQUENCES) {
      throw new IllegalArgumentException(
          "stop takes at most "
              + LlmRequest.MAX_STOP_SEQUENCES
              + " sequences, got "
              + r.stop().size());
    }
    if (r.stop().stream().anyMatch(String::isEmpty)) {
      throw new IllegalArgumentException("stop sequences must not be empty");
    }
    Integer topLogprobs = r.topLogprobs();
    if (topLogprobs != null && (topLogprobs < 0 || topLogprobs > 20)) {
      throw new IllegalArgumentException(
          "topLogprobs must be between 0 and 20, got " + topLogprobs);
    }
  }

  private static void checkSchema(
      @Nullable Class<?> responseType, @Nullable String schemaName, @Nullable String schemaJson) {
    if (responseType != null && schemaJson != null) {
      throw new IllegalArgumentException(
          "set either responseType(...) or jsonSchema(...), not both: the schema of "
              + responseType.getName()
              + " would be ignored");
    }
    if (schemaName != null && !SCHEMA_NAME.matcher(schemaName).matches()) {
      throw new IllegalArgumentException(
          "jsonSchema name must be 1 to 64 letters, digits, '_' or '-', got '" + schemaName + "'");
    }
    if (schemaJson != null && !schemaJson.stripLeading().startsWith("{")) {
      throw new IllegalArgumentException(
          "jsonSchema must be a JSON object, starting with '{'; got text starting with '"
              + schemaJson.strip().substring(0, Math.min(20, schemaJson.strip().length()))
              + "'");
    }
  }

  private static void checkTools(LlmRequest<?> r) {
    Set<String> names = new HashSet<>();
    for (Tool t : r.tools()) {
      if (!names.add(t.name())) {
        throw new IllegalArgumentException(
            "two tools are named '" + t.name() + "'; tool names must be distinct");
      }
    }
    ToolChoice toolChoice = r.toolChoice();
    if (r.tools().isEmpty()
        && (toolChoice instanceof ToolChoice.Required || toolChoice instanceof ToolChoice.Named)) {
      throw new IllegalArgumentException(
          "toolChoice " + toolChoice + " needs tools; add them with tools(...)");
    }
    if (toolChoice instanceof ToolChoice.Named n && !names.contains(n.toolName())) {
      throw new IllegalArgumentException(
          "toolChoice names '"
              + n.toolName()
              + "', which is not one of the request's tools "
              + names.stream().sorted().toList());
    }
    if (r.tools().isEmpty() && r.parallelToolCalls() != null) {
      throw new IllegalArgumentException(
          "parallelToolCalls needs tools; add them with tools(...) or leave it null");
    }
  }

  private static void checkPenalty(String name, @Nullable Double value) {
    if (value != null && (value.isNaN() || value < -2.0 || value > 2.0)) {
      throw new IllegalArgumentException(name + " must be between -2.0 and 2.0, got " + value);
    }
  }

  private static void checkNotBlank(String name, @Nullable String value) {
    if (value != null && value.isBlank()) {
      throw new IllegalArgumentException(name + " is blank; pass null to leave it unset");
    }
  }
}
