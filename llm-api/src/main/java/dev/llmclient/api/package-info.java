/**
 * The llmclient port: what an application codes against.
 *
 * <p>Build a client with {@code dev.llmclient.core.LlmClients}, then call {@link
 * dev.llmclient.api.LlmClient#generate(LlmRequest)}. Every failure is an unchecked {@link
 * dev.llmclient.api.LlmException} subtype that says whether a retry can help.
 *
 * <pre>{@code
 * try (LlmClient llm = LlmClients.fromEnvironment()) {
 *   Person p = llm.generate(List.of(Message.user("Ada Lovelace, born 1815")), Person.class);
 * }
 * }</pre>
 */
@NullMarked
package dev.llmclient.api;

import org.jspecify.annotations.NullMarked;
