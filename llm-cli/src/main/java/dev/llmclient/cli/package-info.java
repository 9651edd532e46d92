/**
 * The {@code llm} command: run one structured call, a whole JSONL file of them, embeddings, or the
 * simulator, against the provider found on the classpath, or against an embedded simulator when
 * none is configured.
 *
 * <pre>
 * java -jar llm.jar batch --in records.jsonl --schema schema.json --out results.jsonl
 * java -jar llm.jar providers
 * </pre>
 */
@NullMarked
package dev.llmclient.cli;

import org.jspecify.annotations.NullMarked;
