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
 */
@NullMarked
package dev.llmclient.core.pool;

import org.jspecify.annotations.NullMarked;
