/**
 * Spring Boot 3 auto-configuration for llmclient: add {@code llmclient-spring-boot-starter} and a
 * provider ({@code provider-azure} or {@code provider-openai}), set {@code llmclient.*} properties,
 * and inject {@link dev.llmclient.api.LlmClient} or {@link dev.llmclient.api.EmbedderClient}. See
 * {@link dev.llmclient.spring.LlmClientAutoConfiguration}.
 */
@NullMarked
package dev.llmclient.spring;

import org.jspecify.annotations.NullMarked;
