/**
 * The provider contract kit: abstract JUnit 5 tests that every {@link
 * dev.llmclient.api.spi.ChatBackend} and {@link dev.llmclient.api.spi.EmbeddingBackend} must pass,
 * run against the {@link dev.llmclient.testkit.simulator.LlmSimulator}. Extend {@link
 * dev.llmclient.testkit.contract.ChatBackendContractTest} or {@link
 * dev.llmclient.testkit.contract.EmbeddingBackendContractTest} in a provider's tests.
 */
@NullMarked
package dev.llmclient.testkit.contract;

import org.jspecify.annotations.NullMarked;
