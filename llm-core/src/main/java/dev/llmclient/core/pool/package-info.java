/**
 * Several deployments behind one client: {@link dev.llmclient.core.pool.DeploymentPool} spreads
 * calls over deployments, regions or providers by priority tier, load and remaining budget, fails
 * over on throttling and outages, keeps a circuit breaker per deployment, and holds calls back
 * instead of sending requests that a deployment's rate limit would refuse. {@link
 * dev.llmclient.core.pool.CircuitBreakerPolicy} says when a breaker opens (the breakers live in a
 * resilience4j registry you can watch); the budgets live in a {@link
 * dev.llmclient.core.pool.BudgetStore}, this process's memory unless you give the pool a shared
 * one.
 *
 * <pre>{@code
 * DeploymentPool pool = DeploymentPool.fromSettings(ProviderSettings.fromEnvironment());
 * try (LlmClient llm = LlmClients.builder().backend(pool).build()) {
 *   Person ada = llm.generate(List.of(Message.user("Ada Lovelace, born 1815")), Person.class);
 * }
 * }</pre>
 *
 * <h2>The setting</h2>
 *
 * {@code DeploymentPool.fromSettings(...)}, {@code LlmClients.fromEnvironment()} and {@code
 * LlmClients.embedder()} build a pool from one setting, {@code AZURE_OPENAI_DEPLOYMENTS}: members
 * separated by commas, each {@code deployment@endpoint} followed by optional {@code ;key=value}
 * attributes:
 *
 * <pre>
 * AZURE_OPENAI_DEPLOYMENTS=gpt-4o@https://east.openai.azure.com;rpm=600;tpm=90000;weight=2,
 *     gpt-4o@https://west.openai.azure.com;rpm=300;tpm=45000;key=WEST_KEY;embedding=embed-3,
 *     gpt-4o@https://api.openai.com/v1;provider=openai;tier=2;key=OPENAI_API_KEY
 * </pre>
 *
 * <table>
 *   <caption>member attributes</caption>
 *   <tr><td>{@code name}</td><td>the member's name (default {@code deployment@host[:port]})</td></tr>
 *   <tr><td>{@code provider}</td><td>the id of the member's provider: {@code azure} (default),
 *       {@code openai}, or any provider on the classpath that declares its {@linkplain
 *       dev.llmclient.api.spi.LlmProvider#settingNames() setting names}</td></tr>
 *   <tr><td>{@code tier}, {@code weight}</td><td>priority tier (default 1), weight (default
 *       1)</td></tr>
 *   <tr><td>{@code rpm}, {@code tpm}</td><td>the deployment's requests and tokens per minute</td></tr>
 *   <tr><td>{@code key}</td><td>the name of the setting or environment variable holding this
 *       member's API key (keys never appear in the list itself); default: the provider's usual
 *       key setting ({@code AZURE_OPENAI_API_KEY}, {@code OPENAI_API_KEY}, ...)</td></tr>
 *   <tr><td>{@code small}</td><td>the member's deployment for {@code SMALL} calls</td></tr>
 *   <tr><td>{@code embedding}</td><td>the member's embedding deployment: the embedder ({@code
 *       LlmClients.embedder()}) routes over the members that have one, each an {@linkplain
 *       dev.llmclient.core.pool.DeploymentMember#builder(String,
 *       dev.llmclient.api.spi.EmbeddingBackend) embedding member} of its own pool; members without
 *       it serve chat only, and when no member has one the embedder uses the one selected
 *       provider</td></tr>
 *   <tr><td>{@code embedding-rpm}, {@code embedding-tpm}</td><td>the embedding deployment's
 *       requests and tokens per minute (its quota is its own, not the chat deployment's)</td></tr>
 * </table>
 *
 * <p>Every other setting (API version, managed identity, HTTP timeouts, ...) is shared by all
 * members. Leave {@code MODEL_NAME} unset (or equal to the first member's deployment): a call for
 * the pool's default deployment is sent to each member as that member's own deployment name.
 */
@NullMarked
package dev.llmclient.core.pool;

import org.jspecify.annotations.NullMarked;
