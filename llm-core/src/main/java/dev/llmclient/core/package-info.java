/**
 * The llmclient engine: {@link dev.llmclient.core.LlmClients} selects a provider and builds an
 * {@link dev.llmclient.api.LlmClient} that runs the generate pipeline (cleaning, strict JSON
 * schemas, validation, re-asks, retries, caching, token usage and tracing); {@link
 * dev.llmclient.core.LlmClients#embedder()} builds an {@link dev.llmclient.api.EmbedderClient} that
 * gets the same retries, caching, usage and tracing, with batching and vector lengths that are the
 * same on every provider ({@link dev.llmclient.core.EmbedderConfig}).
 *
 * <pre>{@code
 * try (LlmClient llm = LlmClients.fromEnvironment();
 *     EmbedderClient embedder = LlmClients.embedderFromEnvironment()) {
 *   Person ada = llm.generate(List.of(Message.user("Ada Lovelace, born 1815")), Person.class);
 *   float[] vector = embedder.create(ada.name());
 * }
 * }</pre>
 */
@NullMarked
package dev.llmclient.core;

import org.jspecify.annotations.NullMarked;
