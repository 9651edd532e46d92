/**
 * The service-provider interface: what a provider jar implements, and what tracing and caching plug
 * into. Applications normally never touch these types.
 *
 * <p>A provider registers its {@link dev.llmclient.api.spi.LlmProvider} in {@code
 * META-INF/services/dev.llmclient.api.spi.LlmProvider}. A {@link dev.llmclient.api.spi.ChatBackend}
 * makes exactly one HTTP exchange per call and reports what happened as a precisely typed {@link
 * dev.llmclient.api.LlmException}; retries, re-asks, caching and tracing are the core's job.
 */
@NullMarked
package dev.llmclient.api.spi;

import org.jspecify.annotations.NullMarked;
