/**
 * The OpenAI provider: chat completions and embeddings for OpenAI and any OpenAI-compatible server,
 * over one pooled asynchronous Apache httpclient5 client per backend.
 *
 * <p>Put this jar on the classpath and set {@code OPENAI_API_KEY} (and {@code OPENAI_BASE_URL} for
 * a compatible server); {@code LlmClients} finds {@link dev.llmclient.openai.OpenAiProvider} with
 * {@link java.util.ServiceLoader}. {@link dev.llmclient.openai.HttpTransportSettings} lists the
 * transport settings (timeouts, pool size, proxy, trust store, response size limit). {@link
 * dev.llmclient.openai.OpenAiWireClient} is the reusable wire layer other OpenAI-shaped providers
 * (such as Azure OpenAI) build on.
 */
@NullMarked
package dev.llmclient.openai;

import org.jspecify.annotations.NullMarked;
