package dev.llmclient.otel;

import static io.opentelemetry.api.common.AttributeKey.booleanArrayKey;
import static io.opentelemetry.api.common.AttributeKey.booleanKey;
import static io.opentelemetry.api.common.AttributeKey.doubleArrayKey;
import static io.opentelemetry.api.common.AttributeKey.doubleKey;
import static io.opentelemetry.api.common.AttributeKey.longArrayKey;
import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringArrayKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmclient.api.ModelSize;
import dev.llmclient.api.spi.Span;
import dev.llmclient.api.spi.SpanKind;
import dev.llmclient.api.spi.SpanStatus;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How SPI values, statuses and names become OpenTelemetry ones. */
class SpanMappingTest {

  private final OtelTestHarness otel = OtelTestHarness.create();
  private final OtelTracing tracer = OtelTracing.create(otel.openTelemetry());

  @AfterEach
  void tearDown() {
    otel.close();
  }

  @Test
  void attributeValuesKeepTheirTypeAndEverythingElseBecomesItsString() {
    Span span = tracer.startSpan("llmclient.llm.generate", SpanKind.INTERNAL);
    Map<String, Object> values = new HashMap<>();
    values.put("string", "text");
    values.put("boolean", true);
    values.put("int", 7);
    values.put("long", 8L);
    values.put("short", (short) 9);
    values.put("float", 0.5f);
    values.put("double", 0.25);
    values.put("strings", List.of("stop", "length"));
    values.put("longs", List.of(1, 2L));
    values.put("doubles", List.of(0.5, 1.5f));
    values.put("booleans", List.of(true, false));
    values.put("mixed", Arrays.asList("a", 1, null));
    values.put("array", new String[] {"x", "y"});
    values.put("enum", ModelSize.SMALL);
    values.put("decimal", new BigDecimal("1.10"));
    values.put("duration", Duration.ofSeconds(2));
    values.put("null", null);
    span.setAttributes(values);
    span.setAttribute("ignored", null);
    span.end();

    Map<AttributeKey<?>, Object> expected = new LinkedHashMap<>();
    expected.put(stringKey("string"), "text");
    expected.put(booleanKey("boolean"), true);
    expected.put(longKey("int"), 7L);
    expected.put(longKey("long"), 8L);
    expected.put(longKey("short"), 9L);
    expected.put(doubleKey("float"), 0.5);
    expected.put(doubleKey("double"), 0.25);
    expected.put(stringArrayKey("strings"), List.of("stop", "length"));
    expected.put(longArrayKey("longs"), List.of(1L, 2L));
    expected.put(doubleArrayKey("doubles"), List.of(0.5, 1.5));
    expected.put(booleanArrayKey("booleans"), List.of(true, false));
    expected.put(stringArrayKey("mixed"), List.of("a", "1"));
    expected.put(stringArrayKey("array"), List.of("x", "y"));
    expected.put(stringKey("enum"), "SMALL");
    expected.put(stringKey("decimal"), "1.10");
    expected.put(stringKey("duration"), "PT2S");
    assertThat(otel.span("llmclient.llm.generate").getAttributes().asMap())
        .containsExactlyInAnyOrderEntriesOf(expected);
  }

  @Test
  void conventionAttributesGetTheirSpecifiedTypeWhateverJavaTypeArrives() {
    Span span = tracer.startSpan("chat gpt-4o", SpanKind.CLIENT);
    span.setAttribute("error.type", 429);
    span.setAttribute("server.port", "443");
    span.setAttribute("gen_ai.request.max_tokens", 100L);
    span.setAttribute("gen_ai.request.temperature", 0.7f);
    span.setAttribute("gen_ai.request.top_p", "0.9");
    span.setAttribute("gen_ai.response.finish_reasons", "stop");
    span.setAttribute("gen_ai.usage.input_tokens", 1.5);
    span.end();

    Map<AttributeKey<?>, Object> expected = new LinkedHashMap<>();
    expected.put(stringKey("error.type"), "429");
    expected.put(longKey("server.port"), 443L);
    expected.put(longKey("gen_ai.request.max_tokens"), 100L);
    expected.put(doubleKey("gen_ai.request.temperature"), 0.7);
    expected.put(doubleKey("gen_ai.request.top_p"), 0.9);
    expected.put(stringArrayKey("gen_ai.response.finish_reasons"), List.of("stop"));
    expected.put(doubleKey("gen_ai.usage.input_tokens"), 1.5);
    assertThat(otel.span("chat gpt-4o").getAttributes().asMap())
        .containsExactlyInAnyOrderEntriesOf(expected);
  }

  @Test
  void aConventionValueThatCannotTakeItsTypeIsKeptAsItIs() {
    Span span = tracer.startSpan("chat gpt-4o", SpanKind.CLIENT);
    span.setAttribute("server.port", "https");
    span.end();

    assertThat(otel.span("chat gpt-4o").getAttributes().get(stringKey("server.port")))
        .isEqualTo("https");
  }

  @Test
  void statusesMapOntoOpenTelemetryStatusCodes() {
    Span ok = tracer.startSpan("ok", SpanKind.INTERNAL);
    ok.setStatus(SpanStatus.OK, "ignored for OK");
    ok.end();
    Span error = tracer.startSpan("error", SpanKind.INTERNAL);
    error.setStatus(SpanStatus.ERROR, "Rate limit exceeded");
    error.end();
    Span unset = tracer.startSpan("unset", SpanKind.INTERNAL);
    unset.end();

    assertThat(otel.span("ok").getStatus().getStatusCode()).isEqualTo(StatusCode.OK);
    assertThat(otel.span("ok").getStatus().getDescription()).isEmpty();
    assertThat(otel.span("error").getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(otel.span("error").getStatus().getDescription()).isEqualTo("Rate limit exceeded");
    assertThat(otel.span("unset").getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
  }

  @Test
  void aConfiguredPrefixIsOfferedToTheClientAndNamesAreUsedAsGiven() {
    OtelTracing prefixed = OtelTracing.builder(otel.openTelemetry()).spanPrefix("myapp.").build();

    Span generate = prefixed.startSpan("myapp.llm.generate", SpanKind.INTERNAL);
    generate.startChild("chat gpt-4o", SpanKind.CLIENT).end();
    generate.end();
    prefixed.startSpan("llmclient.llm.generate", SpanKind.INTERNAL).end();

    assertThat(prefixed.spanPrefix()).contains("myapp");
    assertThat(otel.spans())
        .extracting(SpanData::getName)
        .containsExactlyInAnyOrder("chat gpt-4o", "myapp.llm.generate", "llmclient.llm.generate");
  }

  @Test
  void withoutAPrefixTheTracerLeavesNamingToTheClient() {
    tracer.startSpan("graphiti.llm.generate", SpanKind.INTERNAL).end();

    assertThat(tracer.spanPrefix()).isEmpty();
    assertThat(otel.spans()).extracting(SpanData::getName).containsExactly("graphiti.llm.generate");
  }

  @Test
  void theBuilderRejectsABlankPrefixAndANegativeLimitSayingWhatIsAllowed() {
    assertThatThrownBy(() -> OtelTracing.builder(otel.openTelemetry()).spanPrefix(" . "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("spanPrefix must name something, e.g. \"myapp\"");
    assertThatThrownBy(() -> OtelTracing.builder(otel.openTelemetry()).maxContentLength(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxContentLength must be 0 or more");
  }

  @Test
  void toStringShowsTheSettings() {
    assertThat(
            OtelTracing.builder(otel.openTelemetry())
                .captureMessageContent(true)
                .maxContentLength(100)
                .build())
        .hasToString(
            "OtelTracing[spanPrefix=(the client's), captureMessageContent=true,"
                + " maxContentLength=100]");
    assertThat(OtelTracing.builder(otel.openTelemetry()).spanPrefix("myapp").build().toString())
        .startsWith("OtelTracing[spanPrefix=myapp,");
  }
}
