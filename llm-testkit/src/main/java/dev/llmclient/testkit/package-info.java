/**
 * Test support for applications that use llmclient: a scripted fake provider, the simulator server
 * and the provider contract tests.
 *
 * <p>Swap the real provider in tests by adding this module with test scope and selecting the
 * provider id {@code fake} (or leaving it the only configured provider):
 *
 * <pre>{@code
 * ScriptedChatBackend script = FakeLlmProvider.script();
 * script.reset().enqueueContent("{\"name\":\"Ada\"}");
 * try (LlmClient llm = LlmClients.builder().provider("fake").build()) {
 *   assertThat(llm.generate(messages, Person.class).name()).isEqualTo("Ada");
 * }
 * assertThat(script.requests()).hasSize(1);
 * }</pre>
 */
@NullMarked
package dev.llmclient.testkit;

import org.jspecify.annotations.NullMarked;
