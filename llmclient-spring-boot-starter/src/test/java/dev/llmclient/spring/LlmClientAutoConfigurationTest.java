package dev.llmclient.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmclient.api.EmbedderClient;
import dev.llmclient.api.LlmClient;
import dev.llmclient.api.LlmConnectionException;
import dev.llmclient.api.Message;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.api.spi.Tracer;
import dev.llmclient.micrometer.MicrometerTracing;
import dev.llmclient.micrometer.TokenUsageObservationHandler;
import dev.llmclient.otel.OtelTracing;
import dev.llmclient.testkit.simulator.LlmSimulatorExtension;
import dev.llmclient.testkit.simulator.Route;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import io.opentelemetry.api.OpenTelemetry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** The auto-configuration in a bare application context, wired to the simulator on loopback. */
class LlmClientAutoConfigurationTest {

  @RegisterExtension
  static final LlmSimulatorExtension SIM =
      LlmSimulatorExtension.create(
          b -> b.apiKey("sim-key").deployment("gpt-4o", "text-embedding-3-small"));

  record Greeting(String text) {}

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(LlmClientAutoConfiguration.class))
          // Nothing from the machine's own environment: only what each test sets.
          .withInitializer(
              ctx ->
                  ctx.getEnvironment()
                      .getPropertySources()
                      .remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME));

  private ApplicationContextRunner openAi() {
    return runner.withPropertyValues(
        "llmclient.provider=openai",
        "llmclient.endpoint=" + SIM.simulator().openAiBaseUri(),
        "llmclient.api-key=sim-key",
        "llmclient.model=gpt-4o");
  }

  @Test
  void theClientBeansCallTheConfiguredServerAndCloseWithTheContext() {
    AtomicReference<LlmClient> chat = new AtomicReference<>();
    AtomicReference<EmbedderClient> embedder = new AtomicReference<>();
    openAi()
        .withPropertyValues("llmclient.embedding-model=text-embedding-3-small")
        .run(
            ctx -> {
              assertThat(ctx).hasNotFailed().hasSingleBean(LlmClient.class);
              chat.set(ctx.getBean(LlmClient.class));
              Greeting answer =
                  chat.get().generate(List.of(Message.user("Say hello")), Greeting.class);
              assertThat(answer).isNotNull();
              embedder.set(ctx.getBean(EmbedderClient.class));
              assertThat(embedder.get().create("hello")).isNotEmpty();
            });

    assertThat(SIM.simulator().requests())
        .extracting(r -> r.route())
        .containsExactly(Route.CHAT_COMPLETIONS, Route.EMBEDDINGS);
    assertThat(SIM.simulator().requests())
        .allSatisfy(r -> assertThat(r.header("Authorization")).isEqualTo("Bearer sim-key"));
    assertThatThrownBy(() -> chat.get().generate(List.of(Message.user("again")), Greeting.class))
        .isInstanceOf(LlmConnectionException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> embedder.get().create("again")).hasMessageContaining("closed");
  }

  @Test
  void propertiesBindRelaxedAndTheEnvironmentFillsTheRestUnderItsOwnNames() {
    runner
        .withInitializer(
            ctx ->
                ctx.getEnvironment()
                    .getPropertySources()
                    .addFirst(
                        new SystemEnvironmentPropertySource(
                            StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                            Map.of(
                                "LLMCLIENT_APIVERSION", "2025-04-01-preview",
                                "LLMCLIENT_MAXTOKENS", "321",
                                "AZURE_OPENAI_ENDPOINT", "https://env.example"))))
        .withPropertyValues(
            "llmclient.provider=Azure",
            "llmclient.deployment=chat-dep",
            "llmclient.small-deployment=small-dep",
            "llmclient.temperature=0.25",
            "llmclient.settings.LLM_HTTP_PROXY=http://proxy.invalid:3128",
            "llmclient.settings.AZURE_OPENAI_DEPLOYMENT_NAME=loses-to-the-named-property",
            "llmclient.chat.enabled=false")
        .run(
            ctx -> {
              ProviderSettings s = ctx.getBean(ProviderSettings.class);
              assertThat(s.get("LLM_PROVIDER")).isEqualTo("azure");
              assertThat(s.get("AZURE_OPENAI_API_VERSION")).isEqualTo("2025-04-01-preview");
              assertThat(s.get("LLM_MAX_TOKENS")).isEqualTo("321");
              assertThat(s.get("AZURE_OPENAI_ENDPOINT")).isEqualTo("https://env.example");
              assertThat(s.get("AZURE_OPENAI_DEPLOYMENT_NAME")).isEqualTo("chat-dep");
              assertThat(s.get("AZURE_OPENAI_SMALL_DEPLOYMENT_NAME")).isEqualTo("small-dep");
              assertThat(s.get("LLM_TEMPERATURE")).isEqualTo("0.25");
              assertThat(s.get("LLM_HTTP_PROXY")).isEqualTo("http://proxy.invalid:3128");
              assertThat(s.get("AZURE_OPENAI_API_KEY")).isNull();
              assertThat(ctx).doesNotHaveBean(LlmClient.class);
            });
  }

  @Test
  void anEndpointWithoutAProviderStopsStartUpSayingWhatToSet() {
    runner
        .withPropertyValues("llmclient.endpoint=https://x.example", "llmclient.api-key=k")
        .run(
            ctx ->
                assertThat(ctx)
                    .hasFailed()
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("need llmclient.provider (azure or openai)"));
  }

  @Test
  void incompleteSettingsStopStartUpWithTheProvidersOwnMessage() {
    runner
        .withPropertyValues("llmclient.provider=azure")
        .run(
            ctx ->
                assertThat(ctx)
                    .hasFailed()
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("AZURE_OPENAI_ENDPOINT"));
  }

  @Test
  void theApplicationsObservationRegistryTracesEveryCall() {
    TestObservationRegistry observations = TestObservationRegistry.create();
    openAi()
        .withBean(ObservationRegistry.class, () -> observations)
        .withBean(OpenTelemetry.class, OpenTelemetry::noop)
        .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
        .run(
            ctx -> {
              assertThat(ctx.getBean(LlmClientAutoConfiguration.TRACER_BEAN))
                  .isInstanceOf(MicrometerTracing.class);
              assertThat(ctx).hasSingleBean(TokenUsageObservationHandler.class);
              ctx.getBean(LlmClient.class)
                  .generate(List.of(Message.user("Say hello")), Greeting.class);
            });
    TestObservationRegistryAssert.assertThat(observations)
        .hasObservationWithNameEqualTo(MicrometerTracing.OPERATION_DURATION)
        .that()
        .hasLowCardinalityKeyValue("gen_ai.request.model", "gpt-4o")
        .hasLowCardinalityKeyValue("error.type", "none");
  }

  @Test
  void theApplicationsOpenTelemetryTracesWhenThereIsNoObservationRegistryOrWhenChosen() {
    openAi()
        .withBean(OpenTelemetry.class, OpenTelemetry::noop)
        .run(
            ctx ->
                assertThat(ctx.getBean(LlmClientAutoConfiguration.TRACER_BEAN))
                    .isInstanceOf(OtelTracing.class));
    openAi()
        .withBean(ObservationRegistry.class, ObservationRegistry::create)
        .withBean(OpenTelemetry.class, OpenTelemetry::noop)
        .withPropertyValues("llmclient.tracing=opentelemetry")
        .run(
            ctx ->
                assertThat(ctx.getBean(LlmClientAutoConfiguration.TRACER_BEAN))
                    .isInstanceOf(OtelTracing.class));
  }

  @Test
  void tracingNoneGivesTheNoopTracerAndAnApplicationTracerBeanWins() {
    openAi()
        .withBean(OpenTelemetry.class, OpenTelemetry::noop)
        .withPropertyValues("llmclient.tracing=none")
        .run(
            ctx ->
                assertThat(ctx.getBean(LlmClientAutoConfiguration.TRACER_BEAN))
                    .isSameAs(Tracer.noop()));
    Tracer mine = (name, kind) -> dev.llmclient.api.spi.Span.noop();
    openAi()
        .withBean("myTracer", Tracer.class, () -> mine)
        .withBean(OpenTelemetry.class, OpenTelemetry::noop)
        .run(
            ctx -> {
              assertThat(ctx).doesNotHaveBean(LlmClientAutoConfiguration.TRACER_BEAN);
              assertThat(ctx.getBean(Tracer.class)).isSameAs(mine);
            });
  }

  @Test
  void withoutTheTracingLibrariesOrActuatorTheClientStillStarts() {
    openAi()
        .withClassLoader(
            new FilteredClassLoader(
                "io.micrometer",
                "io.opentelemetry",
                "dev.llmclient.micrometer",
                "dev.llmclient.otel",
                "org.springframework.boot.actuate"))
        .run(
            ctx -> {
              assertThat(ctx).hasNotFailed().hasSingleBean(LlmClient.class);
              assertThat(ctx).doesNotHaveBean(LlmClientAutoConfiguration.TRACER_BEAN);
              assertThat(ctx).doesNotHaveBean(LlmClientHealthIndicator.class);
            });
  }

  @Test
  void theApplicationsOwnBeansWinAndCustomizersRun() {
    AtomicReference<Boolean> customized = new AtomicReference<>(false);
    openAi()
        .withBean(LlmClientBuilderCustomizer.class, () -> builder -> customized.set(true))
        .run(ctx -> assertThat(customized.get()).isTrue());
    LlmClient mine =
        dev.llmclient.core.LlmClients.builder()
            .backend(new dev.llmclient.testkit.ScriptedChatBackend())
            .settings(ProviderSettings.empty())
            .build();
    runner
        .withBean("myClient", LlmClient.class, () -> mine)
        .run(ctx -> assertThat(ctx.getBean(LlmClient.class)).isSameAs(mine));
  }

  @Test
  void theHealthIndicatorReportsTheSelectedProviderAndWhatIsMissing() {
    openAi()
        .run(
            ctx -> {
              Health health = ctx.getBean(LlmClientHealthIndicator.class).health();
              assertThat(health.getStatus()).isEqualTo(Status.UP);
              assertThat(health.getDetails()).containsEntry("selected", "openai");
              assertThat(health.toString()).doesNotContain("sim-key");
            });
    runner
        .withPropertyValues("llmclient.provider=azure", "llmclient.chat.enabled=false")
        .run(
            ctx -> {
              Health health = ctx.getBean(LlmClientHealthIndicator.class).health();
              assertThat(health.getStatus()).isEqualTo(Status.DOWN);
              assertThat(String.valueOf(health.getDetails().get("problem")))
                  .contains("AZURE_OPENAI_ENDPOINT");
              @SuppressWarnings("unchecked")
              List<Map<String, Object>> providers =
                  (List<Map<String, Object>>) health.getDetails().get("providers");
              assertThat(providers)
                  .extracting(p -> p.get("id"))
                  .containsExactly("azure", "fake", "openai"); // the testkit brings "fake"
              assertThat(providers.get(0).get("missingSettings").toString())
                  .contains("AZURE_OPENAI_ENDPOINT");
            });
  }
}
