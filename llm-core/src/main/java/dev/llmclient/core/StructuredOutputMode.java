package dev.llmclient.core;

import dev.llmclient.api.LlmConfigurationException;
import java.util.Locale;

/**
 * How a response type reaches the model. Set it with {@link
 * LlmConfig.Builder#structuredOutputMode(StructuredOutputMode)} or the setting {@code
 * LLM_STRUCTURED_OUTPUT_MODE} ({@code json_schema} or {@code json_object}).
 */
public enum StructuredOutputMode {
  /**
   * The schema is sent as a strict {@code json_schema} response format (the default; OpenAI, Azure
   * OpenAI and most compatible servers).
   */
  JSON_SCHEMA,
  /**
   * For compatible servers without {@code json_schema} support: the call uses {@code json_object}
   * mode and the schema is appended to the last message as text. Answers are still validated
   * against the schema and re-asked when they do not match.
   */
  JSON_OBJECT;

  /**
   * Parses the setting value.
   *
   * @param value {@code json_schema} or {@code json_object}, any case
   * @return the mode
   * @throws LlmConfigurationException naming the allowed values
   */
  public static StructuredOutputMode parse(String value) {
    switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "json_schema":
        return JSON_SCHEMA;
      case "json_object":
        return JSON_OBJECT;
      default:
        throw new LlmConfigurationException(
            "LLM_STRUCTURED_OUTPUT_MODE must be json_schema or json_object, got '" + value + "'");
    }
  }
}
