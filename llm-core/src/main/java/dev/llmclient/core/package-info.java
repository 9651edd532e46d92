/**
 * The llmclient engine: {@link dev.llmclient.core.LlmClients} selects a provider and builds an
 * {@link dev.llmclient.api.LlmClient} that runs the generate pipeline (cleaning, strict JSON
 * schemas, validation, re-asks, retries, caching, token usage and tracing).
 *
 * <pre>{@code
 * try (LlmClient llm = LlmClients.fromEnvironment()) {
 *   Person ada = llm.generate(List.of(Message.user("Ada Lovelace, born 1815")), Person.class);
 * }
 * }</pre>
 */
@NullMarked
package dev.llmclient.core;

import org.jspecify.annotations.NullMarked;
