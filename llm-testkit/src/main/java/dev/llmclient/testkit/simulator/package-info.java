/**
 * A deterministic Azure OpenAI / OpenAI simulator: a real HTTP/1.1 and h2c server on loopback that
 * answers chat completions, embeddings and model listings the way the services do, including their
 * errors, rate limits, latency and failures.
 *
 * <pre>{@code
 * try (LlmSimulator sim = LlmSimulator.builder().apiKey("test-key").deployment("gpt-4o").start()) {
 *   URI openAi = sim.openAiBaseUri();     // http://127.0.0.1:PORT/v1
 *   URI azure = sim.azureEndpoint();      // http://127.0.0.1:PORT
 *   sim.addFault(Fault.status(503).times(2));
 * }
 * }</pre>
 *
 * <p>From JUnit 5, register {@link dev.llmclient.testkit.simulator.LlmSimulatorExtension}; from a
 * shell, run {@link dev.llmclient.testkit.simulator.SimulatorMain}.
 */
@NullMarked
package dev.llmclient.testkit.simulator;

import org.jspecify.annotations.NullMarked;
