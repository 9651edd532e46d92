package dev.llmclient.core;

import org.jspecify.annotations.Nullable;

/**
 * Text appended to the first message of every call (normally the system prompt), chosen per graph
 * partition: Graphiti's {@code get_extraction_language_instruction} hook. Off unless set with
 * {@link LlmClients.Builder#systemPromptSuffix(SystemPromptSuffix)}.
 *
 * <p>The suffix is appended to the client's working copy of the messages, never to the caller's
 * list, so reusing a list does not accumulate copies.
 *
 * <pre>{@code
 * LlmClient llm = LlmClients.builder()
 *     .systemPromptSuffix(SystemPromptSuffix.languageInstruction())
 *     .build();
 * }</pre>
 */
@FunctionalInterface
public interface SystemPromptSuffix {

  /**
   * Graphiti's multilingual extraction instruction, exactly: two newlines, then three sentences
   * asking for answers in the source language only for genuine non-English prose.
   */
  String LANGUAGE_INSTRUCTION =
      "\n\nAny extracted information should be returned in the same language as it was written"
          + " in. Only output non-English text when the user has written full sentences or"
          + " phrases in that non-English language. Otherwise, output English.";

  /**
   * The suffix for one call.
   *
   * @param groupId the request's graph partition id, or null
   * @return the text to append, or null or empty to append nothing
   */
  @Nullable String suffixFor(@Nullable String groupId);

  /**
   * The suffix that always appends {@link #LANGUAGE_INSTRUCTION}, as Graphiti does by default.
   *
   * @return the suffix
   */
  static SystemPromptSuffix languageInstruction() {
    return groupId -> LANGUAGE_INSTRUCTION;
  }

  /**
   * The suffix that appends nothing (the default).
   *
   * @return the suffix
   */
  static SystemPromptSuffix none() {
    return groupId -> null;
  }
}
