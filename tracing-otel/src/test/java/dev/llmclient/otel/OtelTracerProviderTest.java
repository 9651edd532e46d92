package dev.llmclient.otel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmclient.api.LlmConfigurationException;
import dev.llmclient.api.spi.ProviderSettings;
import dev.llmclient.api.spi.SpanKind;
import dev.llmclient.api.spi.Tracer;
import dev.llmclient.api.spi.TracerProvider;
import io.opentelemetry.api.GlobalOpenTelemetry;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The tracer the client finds on the classpath, over GlobalOpenTelemetry. */
class OtelTracerProviderTest {

  @BeforeEach
  @AfterEach
  void resetGlobal() {
    GlobalOpenTelemetry.resetForTest();
  }

  @Test
  void serviceLoaderFindsTheProvider() {
    List<Class<?>> found =
        ServiceLoader.load(TracerProvider.class).stream()
            .map(ServiceLoader.Provider::type)
            .collect(Collectors.toList());

    assertThat(found).containsExactly(OtelTracerProvider.class);
  }

  @Test
  void aTracerCreatedBeforeTheGlobalIsInstalledTracesWithItOnceItIs() {
    Tracer tracer = new OtelTracerProvider().create(ProviderSettings.empty());

    try (OtelTestHarness otel = OtelTestHarness.create()) {
      GlobalOpenTelemetry.set(otel.openTelemetry());
      tracer.startSpan("llmclient.llm.generate", SpanKind.INTERNAL).end();

      assertThat(otel.spans()).hasSize(1);
    }
  }

  @Test
  void contentCaptureIsOffUnlessTheSettingTurnsItOn() {
    OtelTracing byDefault = (OtelTracing) new OtelTracerProvider().create(ProviderSettings.empty());
    OtelTracing optedIn =
        (OtelTracing)
            new OtelTracerProvider()
                .create(
                    ProviderSettings.of(
                        Map.of(
                            "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", "true",
                            "LLM_TRACE_CONTENT_MAX_LENGTH", "200")));

    assertThat(byDefault.capturesMessageContent()).isFalse();
    assertThat(byDefault.maxContentLength()).isEqualTo(OtelTracing.DEFAULT_MAX_CONTENT_LENGTH);
    assertThat(optedIn.capturesMessageContent()).isTrue();
    assertThat(optedIn.maxContentLength()).isEqualTo(200);
  }

  @Test
  void invalidSettingsAreConfigurationErrorsNamingTheSetting() {
    OtelTracerProvider provider = new OtelTracerProvider();

    assertThatThrownBy(
            () ->
                provider.create(
                    ProviderSettings.of(
                        Map.of("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", "maybe"))))
        .isInstanceOf(LlmConfigurationException.class)
        .hasMessageContaining("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT");
    assertThatThrownBy(
            () ->
                provider.create(ProviderSettings.of(Map.of("LLM_TRACE_CONTENT_MAX_LENGTH", "-5"))))
        .isInstanceOf(LlmConfigurationException.class)
        .hasMessageContaining("LLM_TRACE_CONTENT_MAX_LENGTH must be 0 or more");
  }
}
